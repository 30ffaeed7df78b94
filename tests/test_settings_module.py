"""The settings module as a fresh process sees it, and a real round trip through the task broker.

Settings are read once at import, so each case starts its own interpreter with a known
environment (the developer's .env is kept out through ENV_FILE).
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import uuid
from multiprocessing import Value
from pathlib import Path
from typing import Any

import pytest
from django_q.brokers import Broker, get_broker
from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf
from django_q.models import Task
from django_q.monitor import monitor
from django_q.pusher import pusher
from django_q.tasks import async_task
from django_q.worker import worker

BASE_DIR = Path(__file__).resolve().parent.parent

_PROBE = """
import json
from burnout_site import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "debug": s.DEBUG,
    "secret_key": s.SECRET_KEY,
    "allowed_hosts": s.ALLOWED_HOSTS,
    "static_root": str(s.STATIC_ROOT),
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "options": db.get("OPTIONS", {}),
    "q_cluster": s.Q_CLUSTER,
}))
"""


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {"PATH": os.environ.get("PATH", ""), "ENV_FILE": os.devnull, **env}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=60
    )


def _settings(**env: str) -> dict[str, Any]:
    done = _run(["-c", _PROBE], **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("secret_key", [None, "insecure-development-key-change-me"])
def test_refuses_to_start_without_a_private_secret_key_when_debug_is_off(secret_key: str | None) -> None:
    env = {"DEBUG": "0"} if secret_key is None else {"DEBUG": "0", "SECRET_KEY": secret_key}
    done = _run(["manage.py", "check"], **env)
    assert done.returncode != 0
    assert "SECRET_KEY must be set to a private random value when DEBUG is off." in done.stderr


@pytest.mark.parametrize("secret_key", ["short", "s" * 49])
def test_refuses_a_short_secret_key_when_debug_is_off(secret_key: str) -> None:
    done = _run(["manage.py", "check"], DEBUG="0", SECRET_KEY=secret_key)
    assert done.returncode != 0
    assert f"SECRET_KEY must be at least 50 characters long when DEBUG is off (it has {len(secret_key)})" in done.stderr
    assert secret_key not in done.stderr.replace("SECRET_KEY", "")  # the message names the length, never the key


def test_a_fifty_character_secret_key_starts_and_debug_mode_takes_a_short_one() -> None:
    assert _settings(DEBUG="0", SECRET_KEY="s" * 50)["secret_key"] == "s" * 50
    assert _settings(DEBUG="1", SECRET_KEY="short")["secret_key"] == "short"


def test_debug_mode_starts_without_a_secret_key() -> None:
    config = _settings(DEBUG="1")
    assert config["debug"] is True
    assert config["secret_key"] == "insecure-development-key-change-me"


def test_empty_values_keep_the_defaults() -> None:
    # A blank `NAME=` line copied from .env.example must not blank the setting.
    config = _settings(DEBUG="1", SECRET_KEY="", ALLOWED_HOSTS="", STATIC_ROOT="", DATABASE_URL="", REDIS_URL="")
    assert config["secret_key"] == "insecure-development-key-change-me"
    assert config["allowed_hosts"] == ["127.0.0.1", "localhost"]
    assert config["static_root"] == str(BASE_DIR / "staticfiles")
    assert config["engine"] == "django.db.backends.sqlite3"
    assert "orm" in config["q_cluster"]


@pytest.mark.parametrize("value", ["ture", "2", "enabled"])
def test_refuses_a_boolean_it_does_not_know(value: str) -> None:
    # A typo must stop the start, not quietly read as off (HTTPS=ture would drop every TLS flag).
    done = _run(["-c", _PROBE], DEBUG="1", HTTPS=value)
    assert done.returncode != 0
    assert f"HTTPS must be one of 1, true, yes, on (on) or 0, false, no, off (off), got {value!r}" in done.stderr


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), (" Yes ", True), ("on", True), ("0", False), ("OFF", False)]
)
def test_booleans_take_every_spelling_they_know(value: str, expected: bool) -> None:
    assert _settings(DEBUG=value, SECRET_KEY="s" * 50)["debug"] is expected


def test_default_is_sqlite_with_wal_immediate_transactions_and_a_lock_timeout() -> None:
    config = _settings(SECRET_KEY="x" * 50)
    assert config["engine"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["options"]["init_command"]
    assert config["options"]["transaction_mode"] == "IMMEDIATE"
    assert config["options"]["timeout"] >= 5
    assert config["q_cluster"]["orm"] == "default"
    assert "redis" not in config["q_cluster"]


def test_sqlite_connection_really_uses_wal(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.db import connection;"
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); print(cursor.fetchone()[0])"
    )
    done = _run(
        ["-c", code],
        SECRET_KEY="x" * 50,
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        DJANGO_SETTINGS_MODULE="burnout_site.settings",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "wal"


def test_database_lock_and_statement_timeouts_reach_every_connection() -> None:
    # Defaults: a query waits 5 s for a lock, a PostgreSQL statement runs 30 s at most.
    sqlite = _settings(SECRET_KEY="x" * 50)
    assert sqlite["options"]["timeout"] == 5
    postgresql = _settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://burnout:pw@db.internal:5432/burnout")
    assert postgresql["options"]["options"] == "-c lock_timeout=5000 -c statement_timeout=30000"
    # Configured, and kept beside options the URL brings.
    env = {"DATABASE_LOCK_TIMEOUT_MS": "1500", "DATABASE_STATEMENT_TIMEOUT_MS": "0"}
    assert _settings(SECRET_KEY="x" * 50, **env)["options"]["timeout"] == 1.5
    url = "postgres://burnout:pw@db.internal:5432/burnout?sslmode=require&options=-c%20search_path%3Dapp"
    options = _settings(SECRET_KEY="x" * 50, DATABASE_URL=url, **env)["options"]
    assert options["options"] == "-c search_path=app -c lock_timeout=1500 -c statement_timeout=0"
    assert options["sslmode"] == "require"


@pytest.mark.parametrize(
    "env",
    [{"DATABASE_LOCK_TIMEOUT_MS": "0"}, {"DATABASE_STATEMENT_TIMEOUT_MS": "-1"}],
    ids=["no-lock-wait", "negative"],
)
def test_refuses_timeouts_that_would_wait_for_ever_or_never(env: dict[str, str]) -> None:
    done = _run(["-c", _PROBE], SECRET_KEY="x" * 50, **env)
    assert done.returncode != 0
    assert "DATABASE_LOCK_TIMEOUT_MS must be above 0, DATABASE_STATEMENT_TIMEOUT_MS 0 or more." in done.stderr


def test_database_url_switches_to_postgresql() -> None:
    config = _settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://burnout:pw@db.internal:5432/burnout")
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["name"] == "burnout"


def test_redis_url_switches_the_task_broker_to_redis() -> None:
    config = _settings(SECRET_KEY="x" * 50, REDIS_URL="redis://cache.internal:6379/2")
    assert config["q_cluster"]["redis"] == "redis://cache.internal:6379/2"
    assert "orm" not in config["q_cluster"]


@pytest.mark.django_db  # the ORM broker checks its connection on creation
def test_configured_broker_follows_redis_url() -> None:
    expected = Redis if os.environ.get("REDIS_URL") else ORM
    assert type(get_broker()) is expected


# --- a real round trip: enqueue, pull, execute, store -----------------------------------


def _round_trip(broker: Broker) -> str:
    """Enqueue one task and push it through one cycle of the cluster's own pusher, worker and monitor."""
    task_id = async_task("operator.mul", 6, 7, broker=broker, sync=False)
    tasks: queue.Queue[Any] = queue.Queue()
    results: queue.Queue[Any] = queue.Queue()
    one_pull = threading.Event()
    one_pull.set()  # the pusher returns after one pull from the broker
    deadline = time.monotonic() + 10
    while tasks.empty() and time.monotonic() < deadline:
        pusher(tasks, one_pull, broker=broker)
    assert not tasks.empty(), "the task never came out of the broker"
    tasks.put("STOP")
    worker(tasks, results, Value("f", -1))
    results.put("STOP")
    monitor(results, broker=broker)
    return task_id


@pytest.fixture
def async_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run tasks inline (Q_SYNC); this round trip is about the broker, as in production.
    monkeypatch.setattr(Conf, "SYNC", False)


@pytest.mark.usefixtures("transactional_db", "async_mode")
def test_orm_broker_round_trip() -> None:
    broker = ORM(list_key=f"test-{uuid.uuid4().hex}")
    task_id = _round_trip(broker)
    task = Task.objects.get(id=task_id)
    assert task.success is True
    assert task.result == 42
    assert broker.queue_size() == 0
    assert broker.lock_size() == 0  # acknowledged, not waiting for a retry


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
@pytest.mark.usefixtures("transactional_db", "async_mode")
def test_redis_broker_round_trip() -> None:
    assert os.environ["REDIS_URL"] == Conf.REDIS  # the URL string from settings, used as is
    broker = Redis(list_key=f"test-{uuid.uuid4().hex}")  # its own list: a running worker must not take it
    try:
        task_id = _round_trip(broker)
        task = Task.objects.get(id=task_id)
        assert task.success is True
        assert task.result == 42
        assert broker.queue_size() == 0
    finally:
        broker.delete_queue()


def test_env_example_lists_every_variable_the_settings_read() -> None:
    source = (BASE_DIR / "burnout_site" / "settings.py").read_text()
    read = set(re.findall(r"""(?:env_\w+|environ\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))
    example = (BASE_DIR / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert read, "no variables found: has settings.py stopped using env_str/env_int/...?"
    assert read <= listed, f"add to .env.example and docs/configuration.md: {sorted(read - listed)}"
