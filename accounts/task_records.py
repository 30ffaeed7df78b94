"""django-q2 tasks that name a person, and how erasure leaves none of them behind.

A task's arguments hold ids of the person's rows (a photo's assessment, a Telegram update, an export, a
care link): in the ORM broker's queue, in one-off schedules (retries), and in the task records django-q2
keeps (Task, shown as Success/Failure). The apps declare these tasks as `TaskSubject`s of their personal
data sections. Then:

- erasure deletes every queued, scheduled and recorded copy whose row is gone (`task_records_forget`);
- a copy that runs after its row went (still queued on Redis, which erasure cannot reach, or running
  while the erasure commits) finds nothing, returns quietly, and leaves no record: the worker marks it
  not to be saved, and strips a failure, which django-q2 saves regardless, of everything but its
  function's name (`leave_no_record_of_gone_rows`).
"""

from __future__ import annotations

import ast
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from accounts.personal_data import TaskSubject, personal_data_sections

logger = logging.getLogger(__name__)

ERASED_RESULT = "not recorded: the row this task was for is gone"


def task_subjects() -> dict[str, TaskSubject]:
    """Every task that names a person, by its dotted function name: accounts' own and the apps' sections'."""
    # Here, not at the top: the models need the app registry, and accounts.services imports this module.
    from accounts.models import DataExport
    from accounts.services import EXPORT_TASK

    subjects = {EXPORT_TASK: TaskSubject(func=EXPORT_TASK, model=DataExport)}
    for section in personal_data_sections():
        subjects.update({subject.func: subject for subject in section.tasks})
    return subjects


def _first_id(args: object) -> int | None:
    if isinstance(args, list | tuple) and args and isinstance(args[0], int) and not isinstance(args[0], bool):
        return args[0]
    return None


def _gone(subject: TaskSubject, ids: Iterable[int]) -> set[int]:
    """The ids among `ids` whose row no longer exists."""
    wanted = set(ids)
    if not wanted:
        return set()
    field = subject.model._meta.pk.name if subject.field == "pk" else subject.field
    present = subject.model._default_manager.filter(**{f"{field}__in": wanted}).values_list(field, flat=True)
    return wanted - set(present)


def task_records_forget() -> int:
    """Delete the queued (ORM broker), scheduled and recorded copies of every task whose row is gone.

    Called by erasure inside its transaction (after the person's rows are deleted) and again after the
    commit, for a copy recorded meanwhile by a worker that was still running. Returns how many went.
    """
    from django_q.models import OrmQ, Schedule, Task
    from django_q.signing import SignedPackage

    subjects = task_subjects()
    # (function, id) -> how to delete that copy; ids are checked once per function, in one query.
    candidates: dict[str, list[tuple[int, Callable[[], Any]]]] = defaultdict(list)
    for entry in OrmQ.objects.all():
        try:
            package = SignedPackage.loads(entry.payload)
        except Exception:
            continue
        ident = _first_id(package.get("args"))
        if package.get("func") in subjects and ident is not None:
            candidates[package["func"]].append((ident, entry.delete))
    for task in Task.objects.filter(func__in=list(subjects)).only("id", "func", "args"):
        ident = _first_id(task.args)
        if ident is not None:
            candidates[task.func].append((ident, task.delete))
    for schedule in Schedule.objects.filter(func__in=list(subjects)).only("id", "func", "args"):
        ident = _first_id(_schedule_args(schedule.args))
        if ident is not None:
            candidates[schedule.func].append((ident, schedule.delete))

    removed = 0
    for func, copies in candidates.items():
        gone = _gone(subjects[func], (ident for ident, _delete in copies))
        for ident, delete in copies:
            if ident in gone:
                delete()
                removed += 1
    return removed


def _schedule_args(text: str | None) -> tuple[Any, ...]:
    # How django-q2's scheduler reads them back: "12, 2" -> (12, 2); "12" -> 12.
    try:
        value = ast.literal_eval(text or "()")
    except (ValueError, SyntaxError):
        return ()
    return value if isinstance(value, tuple) else (value,)


def leave_no_record_of_gone_rows(sender: Any, func: Any, task: dict[str, Any], **kwargs: Any) -> None:
    """django-q2's post_execute_in_worker receiver: the run of a task whose row is gone leaves no record.

    It runs in the worker before the result goes to the monitor, which saves it: `save` False skips a
    success (and its hook); a failure is saved anyway, so it keeps only its function's name.
    """
    from django_q.utils import get_func_repr

    try:
        subject = task_subjects().get(get_func_repr(task.get("func")))
        ident = _first_id(task.get("args"))
        if subject is None or ident is None or not _gone(subject, [ident]):
            return
    except Exception:
        # Never let the check break the worker's loop; the erasure's sweep removes what is left.
        logger.exception("could not check whether a finished task's row still exists")
        return
    task["save"] = False
    if not task.get("success"):
        task.update(args=(), kwargs={}, result=ERASED_RESULT, hook=None, group=None)
