"""Erasure leaves no django-q2 task, schedule or record naming the person, and no counter keyed by them.

Task arguments hold ids of the person's rows (an assessment, a Telegram update, an export, a care link).
A copy of such a task still queued on Redis when the person is erased runs afterwards: it must find
nothing, and leave no record that names them.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from multiprocessing import Queue, Value
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Task
from django_q.signing import SignedPackage
from django_q.tasks import async_task
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import DataExport
from accounts.services import EXPORT_TASK, user_erase_confirmed
from accounts.task_records import ERASED_RESULT, leave_no_record_of_gone_rows
from burnout_site.rate_limits import PHOTO_UPLOAD, RateLimited, photo_upload_take
from emotions.models import BurnoutFlag, PhotoAssessment
from emotions.services import ANALYZE_TASK
from telegram_bridge.alerts import ALERT_TASK
from telegram_bridge.models import ProcessedUpdate, TelegramAccount
from telegram_bridge.services import HANDLE_UPDATE_TASK
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTIFY_RETRY_TASK = "telegram_bridge.tasks.assessment_notify_retry"


@pytest.fixture(autouse=True)
def _fresh_counters(db: None) -> Iterator[None]:
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def _person(tg_user_id: int) -> dict[str, Any]:
    """A patient with a photo, a Telegram update, an export, a care link and a burnout flag: the ids tasks carry."""
    person = UserFactory(consents=["processing"])
    assessment = PhotoAssessment.objects.create(user=person, source="telegram")
    TelegramAccount.objects.create(user=person, telegram_user_id=tg_user_id, chat_id=tg_user_id)
    update = ProcessedUpdate.objects.create(update_id=tg_user_id * 10, telegram_user_id=tg_user_id, payload=None)
    export = DataExport.objects.create(user=person)
    link = link_patient(person, PsychologistProfileFactory().user)
    flag = BurnoutFlag.objects.create(user=person, rule=BurnoutFlag.Rule.RISE, value=0.5)
    return {
        "user": person,
        ANALYZE_TASK: assessment.pk,
        HANDLE_UPDATE_TASK: update.update_id,
        EXPORT_TASK: export.pk,
        NOTIFY_RETRY_TASK: assessment.pk,
        ALERT_TASK: link.pk,
        "flag": flag.pk,
    }


FUNCS = (ANALYZE_TASK, HANDLE_UPDATE_TASK, EXPORT_TASK, NOTIFY_RETRY_TASK, ALERT_TASK)


def _record(func: str, *args: Any, success: bool = True) -> Task:
    """A task record as django-q2's monitor writes it (Success, or Failure when `success` is False)."""
    now = timezone.now()
    return Task.objects.create(
        id=uuid.uuid4().hex, name=uuid.uuid4().hex[:20], func=func, args=args, kwargs={},
        started=now, stopped=now, result=args[0] if success else "boom", success=success, group="g",
    )  # fmt: skip


def _queue(func: str, *args: Any) -> OrmQ:
    """A queue entry of the ORM broker, as a real enqueue writes it."""
    return OrmQ.objects.create(
        key="burnout", payload=SignedPackage.dumps({"id": uuid.uuid4().hex, "func": func, "args": args})
    )


def _schedule(func: str, args: str) -> Schedule:
    """A one-off retry, as telegram_bridge.delivery.retry_schedule writes it."""
    return Schedule.objects.create(
        name=f"retry {uuid.uuid4().hex[:8]}", func=func, args=args, schedule_type=Schedule.ONCE, repeats=1,
        next_run=timezone.now(),
    )  # fmt: skip


def _copies_naming(ids: dict[str, Any]) -> list[str]:
    """Every queued, scheduled or recorded copy of a task whose first argument is one of the person's ids."""
    found = []
    for task in Task.objects.filter(func__in=FUNCS):
        if task.args and task.args[0] == ids[task.func]:
            found.append(f"record {task.func}{task.args!r}")
    for entry in OrmQ.objects.all():
        package = entry.task
        if package.get("func") in FUNCS and package.get("args") and package["args"][0] == ids[package["func"]]:
            found.append(f"queued {package['func']}{package['args']!r}")
    for schedule in Schedule.objects.filter(func__in=FUNCS):
        if schedule.args.split(",")[0].strip() == str(ids[schedule.func]):
            found.append(f"schedule {schedule.func}({schedule.args})")
    return found


def _give_every_task_a_copy(ids: dict[str, Any]) -> None:
    for func in FUNCS:
        args = (ids[func], [ids["flag"]]) if func == ALERT_TASK else (ids[func],)
        _record(func, *args)
    _record(ANALYZE_TASK, ids[ANALYZE_TASK], success=False)  # a Failure too
    _queue(ANALYZE_TASK, ids[ANALYZE_TASK])
    _queue(HANDLE_UPDATE_TASK, ids[HANDLE_UPDATE_TASK])
    _queue(EXPORT_TASK, ids[EXPORT_TASK])
    _schedule(NOTIFY_RETRY_TASK, f"{ids[NOTIFY_RETRY_TASK]}, 2")
    _schedule(ALERT_TASK, f"{ids[ALERT_TASK]}, [{ids['flag']}], 2")


def test_erasure_removes_every_task_copy_naming_the_person_and_keeps_the_others(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    person, other = _person(7_100_001), _person(7_100_002)
    _give_every_task_a_copy(person)
    _give_every_task_a_copy(other)
    assert len(_copies_naming(person)) == 11

    with django_capture_on_commit_callbacks(execute=True):
        user_erase_confirmed(user=person["user"], channel="web")

    assert _copies_naming(person) == []
    assert len(_copies_naming(other)) == 11  # someone else's tasks are not touched


def test_tasks_still_queued_at_erasure_run_after_it_find_nothing_and_record_nothing(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    """What a Redis queue holds is out of the erasure's reach: each task runs later, in the worker's code path
    (Q_SYNC runs the worker and the monitor in this process), finds its row gone and leaves no record."""
    person = _person(7_200_001)
    with django_capture_on_commit_callbacks(execute=True):
        user_erase_confirmed(user=person["user"], channel="web")
    Task.objects.all().delete()

    async_task(ANALYZE_TASK, person[ANALYZE_TASK], hook="telegram_bridge.tasks.assessment_finished")
    async_task(HANDLE_UPDATE_TASK, person[HANDLE_UPDATE_TASK])
    async_task(EXPORT_TASK, person[EXPORT_TASK])
    async_task(NOTIFY_RETRY_TASK, person[NOTIFY_RETRY_TASK], 2)
    async_task(ALERT_TASK, person[ALERT_TASK], [person["flag"]], 2)

    assert list(Task.objects.values_list("func", "args")) == []
    assert not PhotoAssessment.objects.exists() and not DataExport.objects.exists()
    # A task whose row still exists is recorded as before.
    someone = _person(7_200_002)
    async_task(HANDLE_UPDATE_TASK, someone[HANDLE_UPDATE_TASK])
    assert list(Task.objects.values_list("func", "args")) == [(HANDLE_UPDATE_TASK, (someone[HANDLE_UPDATE_TASK],))]


def test_a_failure_after_erasure_is_recorded_without_anything_that_names_the_person(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    """django-q2 saves failures whatever `save` says: the worker strips them before the monitor saves."""
    from django_q.brokers import get_broker
    from django_q.monitor import save_task

    person = _person(7_300_001)
    with django_capture_on_commit_callbacks(execute=True):
        user_erase_confirmed(user=person["user"], channel="web")
    now = timezone.now()
    task = {
        "id": uuid.uuid4().hex, "name": "failed-task", "func": ANALYZE_TASK, "args": (person[ANALYZE_TASK],),
        "kwargs": {}, "started": now, "stopped": now, "success": False, "group": f"photo {person[ANALYZE_TASK]}",
        "result": f"Traceback ... assessment {person[ANALYZE_TASK]}",
        "hook": "telegram_bridge.tasks.assessment_finished",
    }  # fmt: skip

    leave_no_record_of_gone_rows(sender="django_q", func=None, task=task)
    save_task(task, get_broker())

    [failure] = Task.objects.filter(func=ANALYZE_TASK)
    assert (failure.success, failure.args, failure.kwargs, failure.result, failure.group, failure.hook) == (
        False, (), {}, ERASED_RESULT, None, None,
    )  # fmt: skip


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_a_task_queued_on_redis_before_erasure_leaves_no_record_when_a_worker_runs_it(
    django_capture_on_commit_callbacks: Callable, settings: SettingsWrapper
) -> None:
    """The real Redis broker and django-q2's own worker and monitor functions, on a queue of this test's own."""
    from django_q.brokers import get_broker
    from django_q.monitor import monitor
    from django_q.worker import worker

    broker = get_broker(list_key=f"test-erasure-{uuid.uuid4().hex}")
    person = _person(7_400_001)
    try:
        async_task(HANDLE_UPDATE_TASK, person[HANDLE_UPDATE_TASK], broker=broker, sync=False)
        async_task(ANALYZE_TASK, person[ANALYZE_TASK], broker=broker, sync=False)
        assert broker.queue_size() == 2
        with django_capture_on_commit_callbacks(execute=True):
            user_erase_confirmed(user=person["user"], channel="web")
        assert broker.queue_size() == 2  # still there: the erasure cannot reach into Redis

        task_queue: Queue = Queue()
        result_queue: Queue = Queue()
        for _task_id, payload in broker.dequeue() + broker.dequeue():
            task_queue.put(SignedPackage.loads(payload))
        task_queue.put("STOP")
        worker(task_queue, result_queue, Value("f", -1))
        result_queue.put("STOP")
        monitor(result_queue, broker)
    finally:
        broker.delete_queue()

    assert list(Task.objects.filter(func__in=FUNCS).values_list("func", "args")) == []
    assert not ProcessedUpdate.objects.filter(update_id=person[HANDLE_UPDATE_TASK]).exists()


def test_erasure_removes_the_persons_rate_limit_and_throttle_counters(
    django_capture_on_commit_callbacks: Callable, settings: SettingsWrapper
) -> None:
    settings.PHOTO_UPLOAD_RATE = "1/hour"
    person, other = UserFactory(), UserFactory()
    person_id = person.pk  # delete() clears the instance's pk
    shared = caches["shared"]
    for user in (person, other):
        photo_upload_take(user_id=user.pk)
        shared.set(f"throttle_export_{user.pk}", [1.0], 3600)  # as DRF's throttle writes its history
    assert _counter_keys(person_id)

    with django_capture_on_commit_callbacks(execute=True):
        user_erase_confirmed(user=person, channel="web")

    assert _counter_keys(person_id) == []
    assert shared.get(f"throttle_export_{person_id}") is None
    # The other person's count is kept: still limited.
    assert shared.get(f"throttle_export_{other.pk}") == [1.0]
    with pytest.raises(RateLimited):
        photo_upload_take(user_id=other.pk)


def _counter_keys(user_id: int) -> list[str]:
    """The photo counter keys of this user id that hold a value (this period's and the last)."""
    _count, period = PHOTO_UPLOAD.rate()
    window = int(time.time() // period)
    keys = [f"rate:{PHOTO_UPLOAD.name}:{user_id}:{w}" for w in (window - 1, window)]
    return [key for key in keys if caches["shared"].get(key) is not None]
