"""Redis restarted in the middle of a burst of uploads loses no photo: real web server, qcluster, Redis, S3.

The production shape in small: django-q2 on a redis-server of the test's own (no persistence, so the restart
empties it, the worst case: every queued task is gone), photos in a bucket on the session's SeaweedFS, an SQLite
file for the rows. 20 photos go through `POST /api/v1/photos/`; after the 8th, Redis is killed (-9) and started
again on the same port. A client retries an upload that got no answer or a 5xx, as the mobile app does. Every
photo accepted must end `done` exactly once and its raw photo must be gone from the bucket: the broker is
at-most-once, the product's sweep (ANALYSIS_REQUEUE_AFTER_SECONDS) queues again what Redis lost.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
import urllib.error
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import boto3
import pytest

from burnout_site.seaweedfs import SeaweedFS
from tests.e2e.live import Processes, free_port, multipart, post, wait_for_http
from tests.emotions import images

pytestmark = [pytest.mark.e2e, pytest.mark.faults]

UPLOADS = 20
RESTART_AFTER = 8
REQUEUE_AFTER_S = 5
# The sweep runs every minute from a scheduler that wakes about every 30 s.
RECOVERY_S = 150
BUCKET = "redis-restart-photos"

SETUP_SCRIPT = """
from knox.models import AuthToken
from accounts.models import ConsentKind, User
from accounts.selectors import consent_current_document
from accounts.services import consent_grant
user = User.objects.create_user(username="burst", email="burst@example.com", password="a-long-burst-password-1")
consent_grant(user=user, document=consent_current_document(kind=ConsentKind.PROCESSING))
print("TOKEN=" + AuthToken.objects.create(user)[1])
"""


class RedisServer:
    def __init__(self, binary: str, port: int) -> None:
        self.binary, self.port = binary, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout == b"PONG\n":
                return
            time.sleep(0.05)
        raise AssertionError(f"redis-server on port {self.port} did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None or shutil.which("redis-cli") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(binary, free_port())
    server.start()
    yield server
    server.kill()


def _upload_with_retries(url: str, token: str, body: bytes, content_type: str) -> tuple[int, int]:
    """(status, tries): retried while the server answers 5xx or not at all, as a client app does."""
    for attempt in range(1, 31):
        try:
            return post(
                url, body=body, headers={"Authorization": f"Token {token}", "Content-Type": content_type}
            ), attempt
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                raise
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("the upload never got an answer")


def test_redis_restarted_during_a_burst_loses_no_photo(
    redis_server: RedisServer, seaweedfs: SeaweedFS, tmp_path: Path
) -> None:
    database = tmp_path / "burst.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "tests.e2e.settings",
        "E2E_MEDIA_ROOT": str(tmp_path / "media"),
        "SQLITE_PATH": str(database),
        "REDIS_URL": f"redis://127.0.0.1:{redis_server.port}/0",
        "MEDIA_STORAGE": "s3",
        "S3_ENDPOINT_URL": seaweedfs.endpoint_url,
        "S3_BUCKET": BUCKET,
        "S3_ACCESS_KEY_ID": seaweedfs.access_key,
        "S3_SECRET_ACCESS_KEY": seaweedfs.secret_key,
        "Q_SYNC": "0",
        "Q_WORKERS": "2",
        "Q_RETRY": "3600",  # the broker's own redelivery stays out of the picture
        "ANALYSIS_REQUEUE_AFTER_SECONDS": str(REQUEUE_AFTER_S),
        "API_THROTTLE_UPLOAD": "1000/min",
        "SECRET_KEY": "redis-restart-" + "k" * 60,
        "PYTHONUNBUFFERED": "1",
    }
    processes = Processes(env, tmp_path)
    try:
        processes.manage("migrate", "--noinput")
        processes.manage("createcachetable")
        processes.manage("storage_prepare", "--wait", "30")
        token = processes.manage("shell", "-c", SETUP_SCRIPT).split("TOKEN=", 1)[1].split()[0]
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        processes.start("web", "runserver", f"127.0.0.1:{port}", "--noreload")
        wait_for_http(base_url + "/")
        worker = processes.start("worker", "qcluster")
        processes.wait_for_log("worker", "running.", timeout=120)

        def query(sql: str) -> int:
            with closing(sqlite3.connect(database, timeout=30)) as connection:
                return connection.execute(sql).fetchone()[0]

        body, content_type = multipart("image", "selfie.jpg", images.face_jpeg())
        tries = []
        started = time.monotonic()
        for index in range(UPLOADS):
            if index == RESTART_AFTER:
                # Not yet analysed: their tasks wait in Redis, or in a worker's hands (the first loads the model).
                pending_at_restart = query("SELECT count(*) FROM emotions_photoassessment WHERE status = 'pending'")
                redis_server.kill()  # every queued task and cached counter is gone with it
                redis_server.start()
                restarted_at = time.monotonic()
            status, attempts = _upload_with_retries(base_url + "/api/v1/photos/", token, body, content_type)
            assert status == 202
            tries.append(attempts)
        burst_s = time.monotonic() - started

        deadline = restarted_at + RECOVERY_S
        while time.monotonic() < deadline and query(
            "SELECT count(*) FROM emotions_photoassessment WHERE status = 'pending'"
        ):
            assert worker.poll() is None, "the qcluster exited\n" + processes.log_tail()
            time.sleep(2)
        recovered_s = time.monotonic() - restarted_at
        rows = query("SELECT count(*) FROM emotions_photoassessment")
        done = query("SELECT count(*) FROM emotions_photoassessment WHERE status = 'done'")
        client = boto3.client(
            "s3",
            endpoint_url=seaweedfs.endpoint_url,
            aws_access_key_id=seaweedfs.access_key,
            aws_secret_access_key=seaweedfs.secret_key,
            region_name="us-east-1",
        )
        left_in_bucket = client.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0)
        context = (
            f"{pending_at_restart} pending at the restart; burst {burst_s:.1f} s, tries per upload {tries}; "
            f"after {recovered_s:.0f} s: {rows} rows, {done} done, "
            f"{left_in_bucket} objects left\n{processes.log_tail()}"
        )
        print(
            f"[redis restart] {pending_at_restart} pending at the restart; all {done} done"
            f" {recovered_s:.0f} s after it; burst {burst_s:.1f} s; tries per upload {tries}"
        )
        assert pending_at_restart > 0, "every photo was analysed before the restart: it proved nothing\n" + context
        assert rows == UPLOADS, context  # one row per photo: a retried upload never stored twice
        assert done == UPLOADS, context
        assert left_in_bucket == 0, context  # each raw photo deleted after its analysis
        assert recovered_s < RECOVERY_S, context
    finally:
        processes.stop_all()
