"""The "Connect Telegram" page: a one-time deep link and its QR code."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from telegram_bridge.models import TelegramAccount, TelegramLinkToken

pytestmark = pytest.mark.django_db
URL = "/telegram/connect/"


def test_needs_login(client: Client) -> None:
    assert client.get(URL).status_code == 302


def test_post_shows_a_deep_link_and_qr_code(client_logged_in: Client, user: User, settings) -> None:
    settings.TELEGRAM_BOT_USERNAME = "burnout_bot"
    page = client_logged_in.post(URL).content.decode()
    match = re.search(r"https://t.me/burnout_bot\?start=([A-Za-z0-9_-]+)", page)
    assert match
    assert "<svg" in page
    assert TelegramLinkToken.objects.filter(user=user).count() == 1


def test_unconfigured_bot_says_so(client_logged_in: Client, settings) -> None:
    settings.TELEGRAM_BOT_USERNAME = ""
    assert "The Telegram bot is not set up on this site." in client_logged_in.post(URL).content.decode()


def test_disconnect(client_logged_in: Client, user: User, settings) -> None:
    settings.TELEGRAM_BOT_USERNAME = "burnout_bot"
    TelegramAccount.objects.create(user=user, telegram_user_id=1, chat_id=1)
    assert "Your account is connected to Telegram" in client_logged_in.get(URL).content.decode()
    client_logged_in.post(URL, {"action": "unlink"})
    assert not TelegramAccount.objects.exists()
