"""Forgetting queued and recorded django-q2 tasks that name rows about to disappear."""

from __future__ import annotations

from collections.abc import Iterable


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
