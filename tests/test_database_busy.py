"""A database locked by another connection: a page, the API and the Telegram webhook each answer 503 with
Retry-After within seconds, and nothing of the refused request is stored.

The lock is real: on PostgreSQL a second connection holds `LOCK TABLE ... IN ACCESS EXCLUSIVE MODE`; on
SQLite a second connection holds the database file's write lock (`BEGIN EXCLUSIVE`), on a file copy of the
test database because the in-memory one cannot be locked from outside. Each test runs on one engine and is
skipped on the other (CI runs the suite on both). The configured timeouts reaching each new connection are
checked in tests/test_settings_module.py; here the wait is shortened to keep the test quick.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from knox.models import AuthToken
from pytest_django.fixtures import Settings as SettingsWrapper

from burnout_site.database_busy import RETRY_AFTER_SECONDS, is_database_busy, server_error
from emotions.models import PhotoAssessment
from telegram_bridge.models import ProcessedUpdate
from tests.emotions import images
from tests.factories import UserFactory
from tests.fakes.telegram_api import FakeTelegramAPI

ENGINE = settings.DATABASES["default"]["ENGINE"]
ON_SQLITE = ENGINE.endswith("sqlite3")
ON_POSTGRESQL = ENGINE.endswith("postgresql")

WEBHOOK_SECRET = "busy-database-test_secret"
TEST_LOCK_WAIT_S = 1.0
# Seconds, against the 20-40 s the issue measured: one lock wait per request, not one per write the request
# tries (rate-limit counters in the database cache shrug off a failed write and go on to the next one).
QUICK_S = 2 * TEST_LOCK_WAIT_S + 1
BUSY_MESSAGE = "We are very busy right now and could not finish this. Please try again in a few seconds."

# Real locks are taken by other connections, so the rows they wait on must be committed: transactional.
# serialized_rollback: the flush afterwards would also remove the consent documents later tests need.
locking = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def media_root(settings: SettingsWrapper, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def bot(settings: SettingsWrapper) -> Iterator[FakeTelegramAPI]:
    """The webhook's settings, and a fake Bot API for the replies to the updates it does store."""
    with FakeTelegramAPI() as api:
        settings.TELEGRAM_BOT_TOKEN = api.token
        settings.TELEGRAM_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.TELEGRAM_API_BASE_URL = api.base_url
        settings.TELEGRAM_FILE_BASE_URL = api.file_base_url
        yield api


def _timed(call: Callable[..., HttpResponse], *args: Any, **kwargs: Any) -> tuple[HttpResponse, float]:
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("selfie.jpg", images.face_jpeg(), content_type="image/jpeg")


def _update(update_id: int) -> str:
    message = {
        "message_id": 1,
        "from": {"id": 4242, "is_bot": False, "first_name": "Ann"},
        "chat": {"id": 4242, "type": "private"},
        "date": int(time.time()),
        "text": "/help",
    }
    return json.dumps({"update_id": update_id, "message": message})


def _post_update(client: Client, update_id: int) -> HttpResponse:
    return client.post(
        "/telegram/webhook/",
        data=_update(update_id),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=WEBHOOK_SECRET,
    )


def _assert_busy_page(response: HttpResponse, seconds: float) -> None:
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert BUSY_MESSAGE in response.content.decode()
    assert seconds < QUICK_S


def _assert_busy_api(response: HttpResponse, seconds: float) -> None:
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"error": {"code": "service_unavailable", "message": BUSY_MESSAGE, "fields": {}}}
    assert seconds < QUICK_S


def _assert_busy_webhook(response: HttpResponse, seconds: float) -> None:
    # Anything but 200 makes Telegram deliver the update again: it was not stored.
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["ok"] is False
    assert seconds < QUICK_S


# --- PostgreSQL -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _tables_locked(*models: Any) -> Iterator[None]:
    """ACCESS EXCLUSIVE locks on these models' tables, held by a connection of their own until the block ends."""
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    ) as locker:
        locker.execute("SET lock_timeout = '10s'")  # never hang the suite if something else holds a lock
        for model in models:
            locker.execute(f'LOCK TABLE "{model._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        try:
            yield
        finally:
            locker.rollback()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL only (DATABASE_URL is not PostgreSQL)")
@locking
def test_postgresql_locked_tables_answer_503_quickly_and_store_nothing(bot: FakeTelegramAPI, media_root: Path) -> None:
    user = UserFactory(consents=["processing"])
    _instance, token = AuthToken.objects.create(user)
    web = Client(raise_request_exception=False)
    web.force_login(user)
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
    telegram = Client(raise_request_exception=False)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setting FROM pg_settings WHERE name IN ('lock_timeout', 'statement_timeout') ORDER BY name"
        )
        assert [int(row[0]) for row in cursor.fetchall()] == [
            settings.DATABASE_LOCK_TIMEOUT_MS,
            settings.DATABASE_STATEMENT_TIMEOUT_MS,
        ]
        cursor.execute(f"SET lock_timeout = {int(TEST_LOCK_WAIT_S * 1000)}")
    try:
        # Pages: even the start page reads the session; before the fix it waited for the lock for ever.
        with _tables_locked(Session):
            _assert_busy_page(*_timed(web.get, "/"))
        with _tables_locked(PhotoAssessment):
            _assert_busy_page(*_timed(web.post, reverse("emotions:upload"), {"photo": _photo()}))
        # The API: authentication reads the token table; an upload writes its row.
        with _tables_locked(AuthToken):
            _assert_busy_api(*_timed(api.get, "/api/v1/me/"))
        with _tables_locked(PhotoAssessment):
            _assert_busy_api(*_timed(api.post, "/api/v1/photos/", {"image": _photo()}))
        with _tables_locked(ProcessedUpdate):
            _assert_busy_webhook(*_timed(_post_update, telegram, 91_000_001))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert not PhotoAssessment.objects.exists()
    assert not ProcessedUpdate.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]
    # Telegram delivers the update again once the lock is gone: now it is stored, once.
    assert _post_update(telegram, 91_000_001).status_code == 200
    assert ProcessedUpdate.objects.filter(update_id=91_000_001).count() == 1
    assert web.get("/").status_code == 200


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL only (DATABASE_URL is not PostgreSQL)")
@pytest.mark.django_db
def test_postgresql_statement_timeout_counts_as_busy() -> None:
    with pytest.raises(OperationalError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 100")
        cursor.execute("SELECT pg_sleep(2)")
    assert is_database_busy(raised.value)


# --- SQLite -----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _sqlite_file_database(path: Path) -> Iterator[None]:
    """The default connection on a file copy of the (in-memory) test database, waiting TEST_LOCK_WAIT_S for locks."""
    original = connections["default"]
    original.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        original.connection.backup(copy)
    options = {**original.settings_dict["OPTIONS"], "timeout": TEST_LOCK_WAIT_S}
    replacement = type(original)({**original.settings_dict, "NAME": str(path), "OPTIONS": options}, "default")
    connections["default"] = replacement
    try:
        replacement.ensure_connection()  # WAL is switched on here, before another connection opens the file
        yield
    finally:
        replacement.close()
        connections["default"] = original


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite only (DATABASE_URL is set)")
@locking
def test_sqlite_locked_database_answers_503_quickly_and_stores_nothing(
    bot: FakeTelegramAPI, media_root: Path, tmp_path: Path
) -> None:
    assert connections["default"].settings_dict["OPTIONS"]["timeout"] == settings.DATABASE_LOCK_TIMEOUT_MS / 1000
    database = tmp_path / "locked.sqlite3"
    with _sqlite_file_database(database):
        user = UserFactory(consents=["processing"])
        _instance, token = AuthToken.objects.create(user)
        web = Client(raise_request_exception=False)
        web.force_login(user)
        api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
        telegram = Client(raise_request_exception=False)

        with contextlib.closing(sqlite3.connect(database, isolation_level=None, timeout=0)) as locker:
            locker.execute("BEGIN EXCLUSIVE")
            try:
                # WAL: reading pages goes on beside the lock; what writes must wait, then gives up.
                assert web.get("/").status_code == 200
                _assert_busy_page(*_timed(web.post, reverse("emotions:upload"), {"photo": _photo()}))
                _assert_busy_api(*_timed(api.post, "/api/v1/photos/", {"image": _photo()}))
                _assert_busy_webhook(*_timed(_post_update, telegram, 92_000_001))
            finally:
                locker.execute("ROLLBACK")

        assert not PhotoAssessment.objects.exists()
        assert not ProcessedUpdate.objects.exists()
        assert not [path for path in media_root.rglob("*") if path.is_file()]
        assert _post_update(telegram, 92_000_001).status_code == 200
        assert ProcessedUpdate.objects.filter(update_id=92_000_001).count() == 1


# --- the two doors, whatever the engine ---------------------------------------------------------------------


def _raised(exc: Exception) -> Exception:
    try:
        raise exc
    except Exception as caught:
        return caught


def test_busy_errors_are_recognised_and_others_are_not() -> None:
    sqlite_busy = _raised(sqlite3.OperationalError("database is locked"))
    wrapped = OperationalError("database is locked")
    wrapped.__cause__ = sqlite_busy
    assert is_database_busy(wrapped)
    assert not is_database_busy(OperationalError("no such table: emotions_photoassessment"))
    assert not is_database_busy(RuntimeError("database is locked"))


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/api/v1/me/", "application/json"), ("/telegram/webhook/", "application/json"), ("/dashboard/", "text/html")],
)
def test_an_uncaught_busy_error_outside_a_view_is_a_503_too(path: str, kind: str) -> None:
    # handler500: what a failure in a middleware (e.g. saving the session after the view) reaches.
    request = RequestFactory().get(path)
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith(kind)


def test_any_other_uncaught_error_is_still_the_500_page() -> None:
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(RequestFactory().get("/dashboard/"))
    assert response.status_code == 500
    assert not response.has_header("Retry-After")


def test_the_busy_page_speaks_russian() -> None:
    request = RequestFactory().get("/dashboard/")
    with translation.override("ru"):
        try:
            raise OperationalError("database is locked")
        except OperationalError:
            response = server_error(request)
    page = response.content.decode()
    assert "Сейчас у нас большая нагрузка" in page  # noqa: RUF001
    assert "Попробуйте ещё раз" in page
