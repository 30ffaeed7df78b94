"""Fixtures for the bot: the fake Bot API server, settings pointing at it, real-shaped updates."""

from __future__ import annotations

import itertools
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from telegram_bridge.models import TelegramAccount
from tests.fakes.telegram_api import FakeTelegramAPI

SECRET = "test-webhook-secret_123"
TG_USER_ID = 777000111
_update_ids = itertools.count(5_000_000)
_message_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings: SettingsWrapper) -> Iterator[Path]:
    root = Path(settings.MEDIA_ROOT) / f"telegram-{uuid.uuid4().hex}"
    settings.MEDIA_ROOT = root
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def telegram_api(settings: SettingsWrapper) -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as api:
        settings.TELEGRAM_BOT_TOKEN = api.token
        settings.TELEGRAM_BOT_USERNAME = api.bot_username
        settings.TELEGRAM_WEBHOOK_SECRET = SECRET
        settings.TELEGRAM_API_BASE_URL = api.base_url
        settings.TELEGRAM_FILE_BASE_URL = api.file_base_url
        settings.SITE_URL = "https://burnout.example"
        yield api


@pytest.fixture
def linked(user: User) -> TelegramAccount:
    return TelegramAccount.objects.create(user=user, telegram_user_id=TG_USER_ID, chat_id=TG_USER_ID, language="en")


def message_update(
    *,
    text: str | None = None,
    user_id: int = TG_USER_ID,
    language: str = "en",
    chat_type: str = "private",
    **extra: Any,
) -> dict[str, Any]:
    """An update as Telegram posts it to the webhook."""
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "from": {"id": user_id, "is_bot": False, "first_name": "Ann", "language_code": language},
        "chat": {"id": user_id if chat_type == "private" else -100123, "type": chat_type, "first_name": "Ann"},
        "date": int(time.time()),
        **extra,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_update_ids), "message": message}


def photo_update(file_id: str, size: int, **kwargs: Any) -> dict[str, Any]:
    sizes = [
        {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 1000},
        {"file_id": file_id, "file_unique_id": "l", "width": 288, "height": 288, "file_size": size},
    ]
    return message_update(photo=sizes, **kwargs)


def callback_update(data: str, *, user_id: int = TG_USER_ID, language: str = "en") -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_message_ids)),
            "from": {"id": user_id, "is_bot": False, "first_name": "Ann", "language_code": language},
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": next(_message_ids),
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "text": "result",
            },
        },
    }


@pytest.fixture
def post_update(client: Client, django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[..., Any]:
    """Post an update to the webhook with the secret and run what it queued (Q_SYNC runs tasks inline)."""

    def post(update: dict[str, Any] | bytes, secret: str = SECRET, **extra: Any) -> Any:
        body = update if isinstance(update, bytes) else json.dumps(update)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/telegram/webhook/",
                data=body,
                content_type="application/json",
                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=secret,
                **extra,
            )

    return post
