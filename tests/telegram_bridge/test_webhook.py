"""The webhook: secret, method, content type, size, malformed input, replays."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection
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


@pytest.fixture
def queued_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded set-up as it runs: the ORM broker queues tasks for a worker instead of running them."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")


def _queued_update_ids() -> list[int]:
    from django_q.models import OrmQ

    return [task.task["args"][0] for task in OrmQ.objects.all()]


def test_orm_broker_queues_the_update_in_the_same_transaction(
    queued_not_run: None, telegram_api: FakeTelegramAPI, client: Client
) -> None:
    update = message_update(text="/help")
    body = json.dumps(update)
    for _attempt in range(2):  # the replay queues nothing more
        response = client.post(
            URL, data=body, content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET
        )
        assert response.status_code == 200
    # Queued without waiting for an on-commit callback: the update and its task commit together.
    assert _queued_update_ids() == [update["update_id"]]
    assert ProcessedUpdate.objects.get().update_id == update["update_id"]
    assert telegram_api.calls == []  # a worker sends the reply, not the webhook


# serialized_rollback: the flush after a transactional test would otherwise also remove the rows the data
# migrations create (consent documents, schedules) for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_load_generator_posts_new_updates(queued_not_run: None, telegram_api: FakeTelegramAPI, live_server) -> None:
    from burnout_site.bench.webhook import post_updates
    from burnout_site.bench.webhook_tally import webhook_tally

    # The test database on SQLite is in memory, where concurrent writers fail at once ("table is locked")
    # instead of waiting as they do on the WAL file the product uses: one client there, five elsewhere.
    clients = 1 if connection.vendor == "sqlite" else 5
    result = post_updates(
        url=f"{live_server.url}{URL}", secret=SECRET, first_id=9_000_000, requests=30, concurrency=clients
    )
    summary = result.summary()
    assert (summary["requests"], summary["errors"], summary["statuses"]) == (30, 0, {"200": 30})
    assert summary["p50_ms"] <= summary["p99_ms"] <= summary["max_ms"]
    assert sorted(ProcessedUpdate.objects.values_list("update_id", flat=True)) == list(range(9_000_000, 9_000_030))
    assert sorted(_queued_update_ids()) == list(range(9_000_000, 9_000_030))
    # bench_webhook's own count of the same (stored once, queued once) agrees.
    assert webhook_tally(first_id=9_000_000) == {"stored": 30, "queued": 30, "duplicates": 0, "unqueued": 0}
