"""GET /health/: 200 with every check when all parts work; 503 naming the one that failed, for real failures.

Failures are real: a broker at a closed port, an object store at a closed port, weights that are not there, a
heartbeat grown old (time-machine), an analysis waiting too long, a schedule overdue.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.files.storage import Storage
from django.test import Client
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import Schedule
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from burnout_site.object_storage import s3_storage
from burnout_site.seaweedfs import free_port
from emotions.heartbeat import HEARTBEATS_KEY, worker_heartbeat_record
from emotions.models import PhotoAssessment
from tests.emotions import images

pytestmark = pytest.mark.django_db

HEALTH = "/health/"


@pytest.fixture
def healthy(settings: SettingsWrapper) -> None:
    """What a running deployment has: a worker's heartbeat with the model, a scheduler keeping schedules due."""
    Schedule.objects.update(next_run=timezone.now() + timedelta(seconds=30))
    worker_heartbeat_record()


def _get(client: Client) -> tuple[int, dict]:
    response = client.get(HEALTH)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_everything_working_is_a_200_with_each_check(healthy: None, client: Client, user: User) -> None:
    response = client.get(HEALTH)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "broker", "object_storage", "model", "queue"}
    assert all(check["ok"] for check in body["checks"].values())
    # The broker the deployment uses: django-q2's ORM broker, or Redis when REDIS_URL is set (CI's second stage).
    assert body["checks"]["broker"]["broker"] == ("redis" if django_settings.REDIS_URL else "orm")
    assert body["checks"]["object_storage"]["storage"] == "local"
    assert body["checks"]["model"]["workers_with_model"] == 1
    assert body["checks"]["model"]["model_versions"][0].startswith("emotion-resnet")
    # No session, no cookie, nothing about anyone.
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert user.username not in response.content.decode() and user.email not in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_is_not_rate_limited(healthy: None, client: Client) -> None:
    assert {client.get(HEALTH).status_code for _ in range(40)} == {200}


def test_broker_at_a_closed_port_is_a_503_naming_the_broker(
    healthy: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # django-q2 reads its broker from Conf once, at import: pointed at Redis on a port nobody listens on.
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", f"redis://127.0.0.1:{free_port()}/0")

    status, body = _get(client)

    assert status == 503
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"]["error"] == "ConnectionError"


def test_object_store_at_a_closed_port_is_a_503_naming_it(
    healthy: None, client: Client, settings: SettingsWrapper
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            endpoint_url=f"http://127.0.0.1:{free_port()}",
            bucket="photos",
            access_key="key",
            secret_key="health-test-secret",
            region="us-east-1",
            addressing_style="path",
            timeout_seconds=1,
        ),
    }

    status, body = _get(client)

    assert status == 503
    assert body["failed"] == ["object_storage"]
    assert body["checks"]["object_storage"]["error"] == "EndpointConnectionError"
    assert "health-test-secret" not in json.dumps(body)


def test_a_reachable_bucket_passes(healthy: None, client: Client, s3_media: Storage) -> None:
    status, body = _get(client)

    assert status == 200, body
    assert body["checks"]["object_storage"] == {
        "ok": True,
        "storage": "s3",
        "ms": body["checks"]["object_storage"]["ms"],
    }


def test_no_heartbeat_is_a_503_naming_the_model(client: Client, settings: SettingsWrapper) -> None:
    Schedule.objects.update(next_run=timezone.now() + timedelta(seconds=30))
    # Redis (the shared cache when REDIS_URL is set) outlives each test: forget earlier tests' beats.
    caches["shared"].delete(HEARTBEATS_KEY)

    status, body = _get(client)

    assert status == 503
    assert body["failed"] == ["model"]
    assert body["checks"]["model"]["error"] == "no worker heartbeat in 180 s"


def test_a_stale_heartbeat_is_a_503_naming_the_model(healthy: None, client: Client) -> None:
    with time_machine.travel(timezone.now() + timedelta(seconds=181)):
        Schedule.objects.update(next_run=timezone.now())
        status, body = _get(client)

    assert status == 503
    assert body["failed"] == ["model"]
    assert body["checks"]["model"]["workers_reporting"] == 0


def test_weights_the_workers_cannot_load_are_a_503_naming_the_model(
    client: Client, settings: SettingsWrapper, tmp_path: Path
) -> None:
    Schedule.objects.update(next_run=timezone.now() + timedelta(seconds=30))
    settings.EMOTION_MODEL_PATH = tmp_path / "missing.pt"
    worker_heartbeat_record()

    status, body = _get(client)

    assert status == 503
    assert body["failed"] == ["model"]
    assert body["checks"]["model"]["error"] == "model not loadable: WeightsMissingError"
    assert body["checks"]["model"]["workers_reporting"] == 1


def test_an_analysis_waiting_too_long_is_a_503_naming_the_queue(
    healthy: None, client: Client, user: User, settings: SettingsWrapper
) -> None:
    settings.HEALTH_PENDING_MAX_AGE_SECONDS = 600
    with time_machine.travel(timezone.now() - timedelta(seconds=601)):
        PhotoAssessment.objects.create(user=user, status=PhotoAssessment.Status.PENDING)

    status, body = _get(client)

    assert status == 503
    assert body["failed"] == ["queue"]
    assert body["checks"]["queue"]["error"].startswith("an analysis has waited 60")
    assert body["checks"]["queue"]["oldest_pending_s"] > 600


def test_a_scheduler_that_stopped_is_a_503_naming_the_queue(healthy: None, client: Client) -> None:
    Schedule.objects.filter(func="emotions.tasks.requeue_stalled_analyses").update(
        next_run=timezone.now() - timedelta(seconds=200)
    )

    status, body = _get(client)

    assert status == 503
    assert body["failed"] == ["queue"]
    assert body["checks"]["queue"]["error"].startswith("the scheduler is 200 s late")


def test_only_get(client: Client) -> None:
    assert client.post(HEALTH).status_code == 405


def test_health_checks_do_not_leave_messages_in_the_broker(healthy: None, client: Client) -> None:
    from django_q.models import OrmQ

    client.get(HEALTH)

    assert not OrmQ.objects.filter(key="burnout-health").exists()


def test_a_worker_that_analysed_a_photo_reports_its_model(
    client: Client,
    user: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    from emotions import heartbeat
    from emotions.photos import photo_validate
    from emotions.services import assessment_create

    Schedule.objects.update(next_run=timezone.now() + timedelta(seconds=30))
    monkeypatch.setattr(heartbeat, "_last_beat", None)  # this test process has not beaten yet
    with django_capture_on_commit_callbacks(execute=True):
        assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))

    status, body = _get(client)

    assert status == 200, body
    assert body["checks"]["model"]["workers_with_model"] == 1


def test_a_database_nobody_answers_on_is_a_503_naming_it() -> None:
    """In a process of its own whose DATABASE_URL points at a port nobody listens on (settings are read once)."""
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    probe = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='localhost').get('/health/'); print(r.status_code, r.content.decode())"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "ENV_FILE": os.devnull,
        "DJANGO_SETTINGS_MODULE": "burnout_site.test_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/burnout",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    status, _sep, content = done.stdout.strip().splitlines()[-1].partition(" ")
    body = json.loads(content)
    assert status == "503"
    assert "database" in body["failed"]
    assert body["checks"]["database"]["error"] == "OperationalError"
