"""GET /health/: is every part the product needs working? 200 with the checks, or 503 naming what failed.

For a load balancer, an uptime monitor and the person on call (docs/OPERATIONS.md). No authentication, no
personal data (counts, ages and model versions only; an error is named by its class, its text goes to the
log), no session or cookie, no rate limit (it is cheap: a few milliseconds when everything answers).

Checks: the database; the broker, by a real round trip on a queue of its own; the object store (MEDIA_STORAGE=s3);
the model, as reported by the workers' heartbeats (emotions/heartbeat.py); the queue, by the age of the oldest
pending analysis and how late the scheduler is. Thresholds: HEALTH_* settings.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from burnout_site.object_storage import bucket_check, is_s3

logger = logging.getLogger(__name__)

HEALTH_QUEUE = "burnout-health"


class CheckFailed(Exception):
    """A check's own verdict (as opposed to an error raised by the part it checks)."""


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_broker() -> dict[str, Any]:
    """A message of our own through the broker and back, on a queue no worker reads."""
    from django_q.brokers import get_broker  # needs the app registry: imported when the check runs

    broker = get_broker(list_key=HEALTH_QUEUE)
    token = f"health-{uuid.uuid4().hex}"
    broker.enqueue(token)
    received = broker.dequeue() or []
    for task_id, _payload in received:
        if task_id is not None:
            broker.acknowledge(task_id)
    if not received:
        raise CheckFailed("the message sent did not come back")
    return {"broker": type(broker).__name__.lower()}


def check_object_storage() -> dict[str, Any]:
    storage = storages["default"]
    if not is_s3(storage):
        return {"storage": "local"}
    bucket_check(storage)
    return {"storage": "s3"}


def check_model(now: datetime) -> dict[str, Any]:
    """At least one worker loaded the model and said so lately."""
    from emotions.heartbeat import worker_heartbeats  # emotions is loaded after this module's app

    max_age = settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    fresh = [beat for beat in worker_heartbeats() if (now - beat.at).total_seconds() <= max_age]
    ready = [beat for beat in fresh if beat.model_version]
    detail: dict[str, Any] = {
        "workers_reporting": len(fresh),
        "workers_with_model": len(ready),
        "model_versions": sorted({beat.model_version for beat in ready}),
    }
    if not ready:
        errors = sorted({beat.model_error for beat in fresh if beat.model_error})
        reason = f"model not loadable: {', '.join(errors)}" if errors else f"no worker heartbeat in {max_age} s"
        raise CheckFailed(reason, detail)
    return detail


def check_queue(now: datetime) -> dict[str, Any]:
    """The oldest analysis still waiting, and how late the most overdue repeating schedule is."""
    from django_q.models import Schedule

    from emotions.models import PhotoAssessment

    oldest = PhotoAssessment.objects.filter(status=PhotoAssessment.Status.PENDING).aggregate(at=Min("created_at"))
    oldest_pending_s = round((now - oldest["at"]).total_seconds(), 1) if oldest["at"] else 0.0
    # repeats 0: a schedule that has run its last time, and is no longer due.
    earliest = Schedule.objects.exclude(repeats=0).aggregate(at=Min("next_run"))["at"]
    scheduler_late_s = round(max(0.0, (now - earliest).total_seconds()), 1) if earliest else 0.0
    detail = {"oldest_pending_s": oldest_pending_s, "scheduler_late_s": scheduler_late_s}
    problems = []
    if oldest_pending_s > settings.HEALTH_PENDING_MAX_AGE_SECONDS:
        problems.append(f"an analysis has waited {oldest_pending_s:.0f} s")
    if scheduler_late_s > settings.HEALTH_SCHEDULER_MAX_LATE_SECONDS:
        problems.append(f"the scheduler is {scheduler_late_s:.0f} s late")
    if problems:
        raise CheckFailed("; ".join(problems), detail)
    return detail


def _run(name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result: dict[str, Any] = {"ok": True, **check()}
    except CheckFailed as failed:
        result = {"ok": False, "error": failed.args[0], **(failed.args[1] if len(failed.args) > 1 else {})}
    except Exception as exc:
        # The class only in the answer (an error text can name hosts); the log has the rest for the person on call.
        logger.warning("health check %s failed", name, exc_info=True)
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def health_report() -> dict[str, Any]:
    now = timezone.now()
    checks = {
        "database": _run("database", check_database),
        "broker": _run("broker", check_broker),
        "object_storage": _run("object_storage", check_object_storage),
        "model": _run("model", lambda: check_model(now)),
        "queue": _run("queue", lambda: check_queue(now)),
    }
    failed = [name for name, result in checks.items() if not result["ok"]]
    return {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=503 if report["failed"] else 200)
