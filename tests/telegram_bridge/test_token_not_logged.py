"""The bot token never reaches the log: the real bot path (webhook → task → handlers → python-telegram-bot →
httpx → the fake Bot API on 127.0.0.1), logged at DEBUG from the root logger, and every captured line searched.

httpx logs each request's address, `.../bot<TOKEN>/sendMessage` and `.../file/bot<TOKEN>/<path>` for a photo,
at INFO; before the redaction every Bot API call wrote the token into the log.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import link_token_create
from tests.emotions import images
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import SECRET, callback_update, message_update, photo_update

pytestmark = pytest.mark.django_db

BOT_TOKEN = "7312345678:AAHk2x9QvJm4Lr7Tz1Wc8Np3Ys6Bd0Fg5Eh"  # the shape @BotFather gives


@pytest.fixture
def real_shaped_token(telegram_api: FakeTelegramAPI, settings: SettingsWrapper) -> str:
    telegram_api.token = BOT_TOKEN  # the fake serves /bot<its token>/: both change together
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    return BOT_TOKEN


def test_a_whole_conversation_logs_no_token(
    real_shaped_token: str,
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    user: User,
    log_console: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger and pytest's capture, at DEBUG: every library speaks

    link_token, _link = link_token_create(user=user)
    post_update(message_update(text=f"/start {link_token}"))
    assert TelegramAccount.objects.filter(user=user).exists()
    post_update(message_update(text="/help"))
    content = images.face_jpeg()
    file_id = telegram_api.add_file("photos/face.jpg", content)
    post_update(photo_update(file_id, len(content)))  # getFile, then the download from /file/bot<TOKEN>/
    result = telegram_api.calls_to("sendMessage")[-1]
    post_update(callback_update(result["reply_markup"]["inline_keyboard"][0][2]["callback_data"]))
    telegram_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    post_update(message_update(text="/help"))  # a failing call: logged with the error
    post_update(message_update(text="/help"), secret="wrong")  # a refused webhook call

    captured = capsys.readouterr()
    output = "\n".join([caplog.text, log_console.getvalue(), captured.out, captured.err])
    # Not one captured line holds the token, its secret half, the webhook secret or the link token...
    assert real_shaped_token not in output
    assert real_shaped_token.split(":")[1] not in output
    assert SECRET not in output
    assert link_token not in output
    # ...and the capture did see the Bot API traffic, so the search above means something.
    assert telegram_api.calls_to("getFile") and telegram_api.calls_to("answerCallbackQuery")
    assert "/bot[redacted]/sendMessage" in log_console.getvalue()
    assert "/file/bot[redacted]/photos/face.jpg" in log_console.getvalue()
