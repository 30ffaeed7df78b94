"""The django-q2 plumbing every app uses: queue a task, or log when the broker is down; forget queued tasks.

django_q is imported inside the functions: its task and model modules need the app registry, and the apps
import this module while it loads.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

logger = logging.getLogger(__name__)


def task_enqueue(func: str, *args: Any, what: str, group: str, hook: str | None = None) -> bool:
    """Queue `func(*args)`; False (and the error logged, naming `what`) when the broker refuses it.

    For a task queued after the row it works on is committed: the request that made the row has already
    succeeded, so a broker outage must not turn into an error page. Each caller says what happens instead
    (a sweep queues it again, the row is failed, another channel takes over).
    """
    from django_q.tasks import async_task

    options: dict[str, str] = {"group": group}
    if hook:
        options["hook"] = hook
    try:
        async_task(func, *args, **options)
    except Exception:
        logger.exception("could not enqueue %s", what)
        return False
    return True


def task_queue_forget(*, func: str, ids: Iterable[int]) -> int:
    """Remove queued and recorded django-q2 tasks of `func` whose first argument is one of `ids`.

    Only the ORM broker keeps its queue in the database; with Redis a queued task stays queued,
    and the task itself returns quietly when its row is gone. Task rows (results) are kept by
    django-q2 up to its save limit, so scanning those of one function stays cheap.
    """
    from django_q.models import OrmQ, Task
    from django_q.signing import SignedPackage

    wanted = set(ids)
    if not wanted:
        return 0
    removed = 0
    for entry in OrmQ.objects.all():
        try:
            package = SignedPackage.loads(entry.payload)
        except Exception:
            continue
        args = package.get("args") or ()
        if package.get("func") == func and args and args[0] in wanted:
            entry.delete()
            removed += 1
    for task in Task.objects.filter(func=func).only("id", "args"):
        args = task.args or ()
        if args and args[0] in wanted:
            task.delete()
            removed += 1
    return removed
