"""Linking a Telegram account to a web account with a one-time /start token."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from telegram_bridge.models import TelegramAccount, TelegramLinkToken
from telegram_bridge.services import (
    TelegramLinkError,
    link_token_create,
    telegram_account_link,
    telegram_account_unlink,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_token_is_random_short_and_stored_hashed(user: User, settings) -> None:
    settings.TELEGRAM_BOT_USERNAME = "burnout_bot"
    token, link = link_token_create(user=user)
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token)
    assert link == f"https://t.me/burnout_bot?start={token}"
    row = TelegramLinkToken.objects.get(user=user)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    assert row.expires_at - row.created_at == timedelta(minutes=15)


def test_valid_token_links(user: User) -> None:
    token, _link = link_token_create(user=user)
    account = telegram_account_link(token=token, telegram_user_id=42, chat_id=42, language="ru")
    assert account.user == user
    assert (account.telegram_user_id, account.chat_id, account.language) == (42, 42, "ru")


def test_token_is_single_use(user: User) -> None:
    token, _link = link_token_create(user=user)
    telegram_account_link(token=token, telegram_user_id=42, chat_id=42)
    with pytest.raises(TelegramLinkError) as caught:
        telegram_account_link(token=token, telegram_user_id=43, chat_id=43)
    assert caught.value.code == "used"
    assert caught.value.message.startswith("This link has already been used.")
    assert TelegramAccount.objects.get().telegram_user_id == 42


def test_expired_token(user: User) -> None:
    token, _link = link_token_create(user=user)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)), pytest.raises(TelegramLinkError) as caught:
        telegram_account_link(token=token, telegram_user_id=42, chat_id=42)
    assert caught.value.code == "expired"
    assert "This link has expired." in caught.value.message
    assert "Connect Telegram" in caught.value.message
    assert not TelegramAccount.objects.exists()


@pytest.mark.parametrize("token", ["nope", "", "x" * 64])
def test_unknown_token(token: str) -> None:
    with pytest.raises(TelegramLinkError) as caught:
        telegram_account_link(token=token, telegram_user_id=42, chat_id=42)
    assert caught.value.code == "unknown"
    assert caught.value.message.startswith("This link is not valid.")


def test_a_new_token_replaces_the_unused_one(user: User) -> None:
    first, _link = link_token_create(user=user)
    link_token_create(user=user)
    with pytest.raises(TelegramLinkError):
        telegram_account_link(token=first, telegram_user_id=42, chat_id=42)


def test_relinking_the_telegram_account_to_another_web_account_replaces_the_old_link(user: User) -> None:
    other = UserFactory()
    telegram_account_link(token=link_token_create(user=user)[0], telegram_user_id=42, chat_id=42)
    telegram_account_link(token=link_token_create(user=other)[0], telegram_user_id=42, chat_id=42)
    assert list(TelegramAccount.objects.values_list("user_id", "telegram_user_id")) == [(other.pk, 42)]


def test_relinking_the_web_account_to_another_telegram_account(user: User) -> None:
    telegram_account_link(token=link_token_create(user=user)[0], telegram_user_id=42, chat_id=42)
    telegram_account_link(token=link_token_create(user=user)[0], telegram_user_id=99, chat_id=99)
    assert list(TelegramAccount.objects.values_list("user_id", "telegram_user_id")) == [(user.pk, 99)]


def test_unlink(user: User) -> None:
    telegram_account_link(token=link_token_create(user=user)[0], telegram_user_id=42, chat_id=42)
    assert telegram_account_unlink(telegram_user_id=42) is True
    assert telegram_account_unlink(telegram_user_id=42) is False
    assert not TelegramAccount.objects.exists()


def test_export_and_erasure_cover_the_telegram_account(user: User) -> None:
    from accounts.personal_data import personal_data_sections

    telegram_account_link(token=link_token_create(user=user)[0], telegram_user_id=42, chat_id=42, language="en")
    section = next(section for section in personal_data_sections() if section.name == "telegram")
    assert section.rows(user=user)[0]["telegram_user_id"] == 42
    section.erase(user=user)
    assert not TelegramAccount.objects.exists()
    assert not TelegramLinkToken.objects.exists()
