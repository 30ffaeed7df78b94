"""The management commands, against the fake Bot API."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from telegram_bridge.models import ProcessedUpdate
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import SECRET, message_update

pytestmark = pytest.mark.django_db


def test_set_webhook_sends_the_secret_and_allowed_updates(telegram_api: FakeTelegramAPI) -> None:
    call_command("set_telegram_webhook", "https://burnout.example/telegram/webhook/")
    [params] = telegram_api.calls_to("setWebhook")
    assert params["url"] == "https://burnout.example/telegram/webhook/"
    assert params["secret_token"] == SECRET
    assert params["allowed_updates"] == ["message", "callback_query"]


def test_set_webhook_needs_a_url(telegram_api: FakeTelegramAPI, settings) -> None:
    settings.TELEGRAM_WEBHOOK_URL = ""
    with pytest.raises(CommandError, match="Give the webhook URL"):
        call_command("set_telegram_webhook")


def test_set_webhook_reports_a_refusal(telegram_api: FakeTelegramAPI) -> None:
    telegram_api.fail_next("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided")
    with pytest.raises(CommandError, match="Telegram refused the webhook"):
        call_command("set_telegram_webhook", "http://insecure/")


def test_commands_refuse_without_a_token(settings) -> None:
    settings.TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(CommandError, match="TELEGRAM_BOT_TOKEN"):
        call_command("delete_telegram_webhook")


def test_delete_webhook(telegram_api: FakeTelegramAPI) -> None:
    call_command("delete_telegram_webhook")
    assert len(telegram_api.calls_to("deleteWebhook")) == 1


def test_polling_handles_updates_once(telegram_api: FakeTelegramAPI) -> None:
    update = message_update(text="/help")
    telegram_api.updates.extend([update, update])
    call_command("run_telegram_polling", "--once", "--timeout=0")
    assert ProcessedUpdate.objects.filter(update_id=update["update_id"]).count() == 1
    assert len(telegram_api.calls_to("sendMessage")) == 1
