"""A worker killed mid-analysis loses nothing: real web server, real qcluster, `kill -9`, restart.

15 photos through the REST API and 5 through the Telegram webhook (the real python-telegram-bot client
talking to the fake Bot API over HTTP) arrive within a fraction of a second; the qcluster's whole process
group is killed with SIGKILL while those tasks are in its hands, then started again. Every assessment must
end done exactly once, and every Telegram photo must get exactly one result reply, within RECOVERY_S.

Run on the queue set-ups the product supports, each on stores of the test's own:
- SQLite file + django-q2's ORM broker (the embedded default);
- a PostgreSQL database created for the test on the local server + a redis-server started on a free port
  (Redis hands a task over once: what the killed worker held is gone from the queue, the sweep recovers it).
- the production shape's broker and store: a redis-server of its own + photos in a bucket on a real SeaweedFS
  (SQLite for the rows); the bucket must be empty at the end.
The broker's own redelivery (Q_RETRY) is set far beyond the test, so what brings the rows back is the
product's sweep (ANALYSIS_REQUEUE_AFTER_SECONDS / TELEGRAM_REQUEUE_AFTER_SECONDS), not a lucky retry.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.e2e.live import Processes, free_port, multipart, post, wait_for_http
from tests.emotions import images
from tests.fakes.telegram_api import FakeTelegramAPI

pytestmark = [pytest.mark.e2e, pytest.mark.faults]

API_PHOTOS = 15
TELEGRAM_PHOTOS = 5
KILL_AFTER_S = 1.3
REQUEUE_AFTER_S = 5
# The sweeps run every minute from the scheduler, which itself wakes about every 30 s: after the
# restart a stalled row is queued again within REQUEUE_AFTER_S + 60 s + 30 s, then analysed in seconds.
RECOVERY_S = 150
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
WEBHOOK_SECRET = "crash-test-webhook-secret"
TG_BASE_ID = 880_000_000

SETUP_SCRIPT = """
import json
from knox.models import AuthToken
from accounts.models import ConsentKind, User
from accounts.selectors import consent_current_document
from accounts.services import consent_grant
from telegram_bridge.models import TelegramAccount

def person(name):
    user = User.objects.create_user(username=name, email=name + "@example.com", password="a-long-crash-password-1")
    consent_grant(user=user, document=consent_current_document(kind=ConsentKind.PROCESSING))
    return user

api_user = person("crash-api")
_instance, token = AuthToken.objects.create(api_user)
for index in range({telegram}):
    tg_id = {base} + index
    TelegramAccount.objects.create(user=person(f"crash-tg-{{index}}"), telegram_user_id=tg_id, chat_id=tg_id)
print("TOKEN=" + token)
"""


@dataclass
class Backend:
    name: str
    env: dict[str, str]
    query: Callable[[str], list[tuple[Any, ...]]]
    # Objects still in the bucket (photos in object storage only): each must be deleted after its analysis.
    objects_left: Callable[[], int] | None = None


def _sqlite_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    path = tmp_path / "crash.sqlite3"
    yield Backend("sqlite-orm", {"SQLITE_PATH": str(path)}, _sqlite_query(path))


def _sqlite_query(path: Path) -> Callable[[str], list[tuple[Any, ...]]]:
    def query(sql: str) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(path, timeout=30)) as connection:
            return connection.execute(sql).fetchall()

    return query


@contextmanager
def _own_redis() -> Iterator[str]:
    """A redis-server of the test's own on a free port, without persistence; yields its URL."""
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    redis = subprocess.Popen(
        [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        redis.kill()
        redis.wait(timeout=10)


def _postgres_redis_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432: {exc}")
    database = f"crash_{uuid.uuid4().hex[:12]}"
    with closing(admin), _own_redis() as redis_url:
        admin.execute(f'CREATE DATABASE "{database}"')
        try:

            def query(sql: str) -> list[tuple[Any, ...]]:
                with psycopg.connect(f"{PG_SERVER}/{database}", connect_timeout=5) as connection:
                    return connection.execute(sql).fetchall()

            yield Backend("postgres-redis", {"DATABASE_URL": f"{PG_SERVER}/{database}", "REDIS_URL": redis_url}, query)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _sqlite_redis_s3_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Redis as the broker and the photos in a bucket on a real SeaweedFS (the session's): the production shape
    with SQLite for the rows, so that it runs wherever the other two do."""
    seaweedfs = request.getfixturevalue("seaweedfs")
    bucket = f"crash-{uuid.uuid4().hex[:12]}"
    path = tmp_path / "crash.sqlite3"
    with _own_redis() as redis_url:
        env = {
            "SQLITE_PATH": str(path),
            "REDIS_URL": redis_url,
            "MEDIA_STORAGE": "s3",
            "S3_ENDPOINT_URL": seaweedfs.endpoint_url,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": seaweedfs.access_key,
            "S3_SECRET_ACCESS_KEY": seaweedfs.secret_key,
        }
        client = boto3.client(
            "s3",
            endpoint_url=seaweedfs.endpoint_url,
            aws_access_key_id=seaweedfs.access_key,
            aws_secret_access_key=seaweedfs.secret_key,
            region_name="us-east-1",
        )

        def objects_left() -> int:
            return int(client.list_objects_v2(Bucket=bucket).get("KeyCount", 0))

        yield Backend("sqlite-redis-s3", env, _sqlite_query(path), objects_left)


BACKENDS = {
    "sqlite-orm": _sqlite_backend,
    "postgres-redis": _postgres_redis_backend,
    "sqlite-redis-s3": _sqlite_redis_s3_backend,
}


@pytest.fixture(params=list(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield from BACKENDS[request.param](request, tmp_path)


def _photo_update(index: int, file_id: str, size: int) -> dict[str, Any]:
    tg_id = TG_BASE_ID + index
    return {
        "update_id": 9_100_000 + index,
        "message": {
            "message_id": 100 + index,
            "from": {"id": tg_id, "is_bot": False, "first_name": "Crash", "language_code": "en"},
            "chat": {"id": tg_id, "type": "private"},
            "date": int(time.time()),
            "photo": [
                {"file_id": file_id, "file_unique_id": f"u{index}", "width": 288, "height": 288, "file_size": size}
            ],
        },
    }


def test_kill_9_of_the_worker_loses_no_photo_and_no_reply(backend: Backend, tmp_path: Path) -> None:
    face = images.face_jpeg()
    with ExitStack() as stack:
        telegram = stack.enter_context(FakeTelegramAPI())
        inherited = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env = {
            **inherited,
            **backend.env,
            "DJANGO_SETTINGS_MODULE": "tests.e2e.settings",
            "E2E_MEDIA_ROOT": str(tmp_path / "media"),
            "Q_SYNC": "0",
            "Q_WORKERS": "2",
            "Q_RETRY": "3600",  # the broker's own redelivery stays out of the picture
            "ANALYSIS_REQUEUE_AFTER_SECONDS": str(REQUEUE_AFTER_S),
            "TELEGRAM_REQUEUE_AFTER_SECONDS": str(REQUEUE_AFTER_S),
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_BOT_USERNAME": telegram.bot_username,
            "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "TELEGRAM_FILE_BASE_URL": telegram.file_base_url,
            "API_THROTTLE_UPLOAD": "1000/min",
            "SECRET_KEY": "crash-test-" + "k" * 60,
            "PYTHONUNBUFFERED": "1",
        }
        processes = Processes(env, tmp_path)
        stack.callback(processes.stop_all)
        processes.manage("migrate", "--noinput")
        processes.manage("createcachetable")
        processes.manage("storage_prepare", "--wait", "30")
        setup = processes.manage("shell", "-c", SETUP_SCRIPT.format(telegram=TELEGRAM_PHOTOS, base=TG_BASE_ID))
        token = setup.split("TOKEN=", 1)[1].split()[0]

        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        processes.start("web", "runserver", f"127.0.0.1:{port}", "--noreload")
        wait_for_http(base_url + "/")
        worker = processes.start("worker", "qcluster")
        # The cluster is up and polling when the burst comes, as in production.
        processes.wait_for_log("worker", "running.", timeout=120)

        file_ids = [telegram.add_file(f"photos/crash-{index}.jpg", face) for index in range(TELEGRAM_PHOTOS)]
        started = time.monotonic()
        body, content_type = multipart("image", "selfie.jpg", face)
        for _index in range(API_PHOTOS):
            status = post(
                base_url + "/api/v1/photos/",
                body=body,
                headers={"Authorization": f"Token {token}", "Content-Type": content_type},
            )
            assert status == 202
        for index, file_id in enumerate(file_ids):
            update = json.dumps(_photo_update(index, file_id, len(face))).encode()
            status = post(
                base_url + "/telegram/webhook/",
                body=update,
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
            )
            assert status == 200
        # Mid-analysis: a worker has taken an analysis (the first also loads the model, for seconds), so
        # the cluster holds tasks that the broker no longer has (Redis) or has locked (ORM).
        processes.wait_for_log("worker", "processing", timeout=60)
        time.sleep(max(0.3, KILL_AFTER_S - (time.monotonic() - started)))
        processes.kill(worker)
        killed_at = time.monotonic()
        pending_at_kill = backend.query("SELECT count(*) FROM emotions_photoassessment WHERE status = 'pending'")[0][0]
        unhandled_at_kill = backend.query(
            "SELECT count(*) FROM telegram_bridge_processedupdate WHERE handled_at IS NULL"
        )[0][0]

        restarted = processes.start("worker-restarted", "qcluster")
        deadline = killed_at + RECOVERY_S
        while time.monotonic() < deadline:
            assert restarted.poll() is None, "the restarted worker exited\n" + processes.log_tail()
            unfinished = backend.query(
                "SELECT count(*) FROM emotions_photoassessment WHERE status = 'pending'"
                " OR (source = 'telegram' AND notified_at IS NULL)"
            )[0][0]
            updates_left = backend.query(
                "SELECT count(*) FROM telegram_bridge_processedupdate WHERE handled_at IS NULL"
            )[0][0]
            rows = backend.query("SELECT count(*) FROM emotions_photoassessment")[0][0]
            if rows == API_PHOTOS + TELEGRAM_PHOTOS and unfinished == 0 and updates_left == 0:
                break
            time.sleep(2)
        recovered_s = time.monotonic() - killed_at
        time.sleep(3)  # a reply sent twice would show up now
        statuses = backend.query(
            "SELECT source, status, count(*) FROM emotions_photoassessment GROUP BY source, status"
        )
        results = [text for text in telegram.sent_texts() if text.startswith("Your emotion:")]
        replies_per_chat = {
            chat: sum(
                1
                for call in telegram.calls_to("sendMessage")
                if call.get("chat_id") == str(chat) and str(call.get("text", "")).startswith("Your emotion:")
            )
            for chat in range(TG_BASE_ID, TG_BASE_ID + TELEGRAM_PHOTOS)
        }
        context = (
            f"{backend.name}: {pending_at_kill} pending and {unhandled_at_kill} updates unhandled at the kill; "
            f"after {recovered_s:.0f} s: {statuses}, {len(results)} result replies\n{processes.log_tail()}"
        )
        print(f"[{backend.name}] all finished {recovered_s:.0f} s after the kill ({pending_at_kill} pending at it)")
        assert pending_at_kill > 0, "the kill came after every analysis had finished: it proved nothing\n" + context
        assert sorted(statuses) == sorted([("api", "done", API_PHOTOS), ("telegram", "done", TELEGRAM_PHOTOS)]), context
        assert set(replies_per_chat.values()) == {1}, f"{replies_per_chat}\n{context}"
        assert recovered_s < RECOVERY_S, context
        if backend.objects_left is not None:
            assert backend.objects_left() == 0, context  # every raw photo deleted from the bucket after its analysis
