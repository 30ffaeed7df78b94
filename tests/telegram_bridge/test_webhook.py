"""The webhook: secret, method, content type, size, malformed input, replays."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from telegram_bridge.models import ProcessedUpdate
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import SECRET, message_update

pytestmark = pytest.mark.django_db
URL = "/telegram/webhook/"


def test_wrong_secret_is_403_and_stores_nothing(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    response = post_update(message_update(text="/help"), secret="wrong")
    assert response.status_code == 403
    assert not ProcessedUpdate.objects.exists()
    assert telegram_api.calls == []


def test_missing_secret_is_403(telegram_api: FakeTelegramAPI, client: Client) -> None:
    response = client.post(URL, data=json.dumps(message_update(text="/help")), content_type="application/json")
    assert response.status_code == 403


def test_empty_configured_secret_refuses_everyone(
    telegram_api: FakeTelegramAPI, post_update: Callable, settings
) -> None:
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert post_update(message_update(text="/help"), secret="").status_code == 403


def test_non_ascii_secret_is_403_not_500(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    assert post_update(message_update(text="/help"), secret="секрет").status_code == 403


def test_get_is_405(telegram_api: FakeTelegramAPI, client: Client) -> None:
    assert client.get(URL, HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET).status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b"{}",
        b'{"update_id": "7"}',
        b"[" * 100_000,
        b'{"update_id": 1, "x": NaN}',
        b'{"update_id": 99999999999999999999}',
    ],
)
def test_malformed_json_is_400(telegram_api: FakeTelegramAPI, post_update: Callable, body: bytes) -> None:
    assert post_update(body).status_code == 400
    assert not ProcessedUpdate.objects.exists()


def test_non_json_content_type_is_refused(telegram_api: FakeTelegramAPI, client: Client) -> None:
    response = client.post(
        URL, data="update_id=1", content_type="text/plain", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET
    )
    assert response.status_code == 415


def test_oversized_body_is_413(telegram_api: FakeTelegramAPI, post_update: Callable, settings) -> None:
    settings.TELEGRAM_MAX_BODY_BYTES = 1000
    update = message_update(text="x" * 2000)
    assert post_update(update).status_code == 413
    assert not ProcessedUpdate.objects.exists()


def test_update_is_stored_handled_and_replay_ignored(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    update = message_update(text="/help")
    first = post_update(update)
    assert first.status_code == 200
    assert first.json() == {"ok": True}
    row = ProcessedUpdate.objects.get(update_id=update["update_id"])
    assert row.handled_at is not None
    assert row.payload is None  # cleared once handled
    assert len(telegram_api.calls_to("sendMessage")) == 1

    replay = post_update(update)
    assert replay.status_code == 200
    assert ProcessedUpdate.objects.count() == 1
    assert len(telegram_api.calls_to("sendMessage")) == 1


def test_send_failure_does_not_fail_the_webhook(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    telegram_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    assert post_update(message_update(text="/help")).status_code == 200


def test_odd_but_valid_json_is_acknowledged(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    body = b'{"update_id": 42, "message": {"text": "\\u00e9\\ud83d\\ude00", "chat": 5}, "unknown": [1, {"deep": null}]}'
    assert post_update(body).status_code == 200
    assert ProcessedUpdate.objects.get(update_id=42).handled_at is not None


@pytest.mark.parametrize("text", ["\\ud800", "\\u0000"], ids=["lone-surrogate", "nul"])
def test_json_that_no_database_can_store_is_refused(
    telegram_api: FakeTelegramAPI, post_update: Callable, text: str
) -> None:
    body = b'{"update_id": 43, "message": {"text": "' + text.encode() + b'", "chat": 5}}'
    response = post_update(body)
    assert response.status_code == 400 and response.json()["error"] == "malformed JSON"
    assert not ProcessedUpdate.objects.filter(update_id=43).exists()
