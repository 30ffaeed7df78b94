"""What the webhook benchmark left behind: updates stored and handling tasks queued, per update_id.

Runs inside Django on the benchmark's scratch database and broker (bench_webhook calls it through
`manage.py shell` with the server's settings), after the load and before the clean-up; nothing is consumed.
"""

from __future__ import annotations

from collections import Counter

from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from telegram_bridge.models import ProcessedUpdate
from telegram_bridge.services import HANDLE_UPDATE_TASK


def _queued_payloads() -> list[str]:
    broker = get_broker()
    if isinstance(broker, ORM):
        return list(OrmQ.objects.filter(key=broker.list_key).values_list("payload", flat=True))
    # The Redis broker keeps the queue in one list: read it without popping.
    return [item.decode() for item in broker.connection.lrange(broker.list_key, 0, -1)]


def webhook_tally(*, first_id: int) -> dict[str, int]:
    """stored: update rows from `first_id` on; queued: handling tasks for them; duplicates: tasks beyond one
    per update; unqueued: stored updates with no task."""
    per_update: Counter[int] = Counter()
    for payload in _queued_payloads():
        task = SignedPackage.loads(payload)
        args = task.get("args") or ()
        if task.get("func") == HANDLE_UPDATE_TASK and args and args[0] >= first_id:
            per_update[args[0]] += 1
    stored = set(ProcessedUpdate.objects.filter(update_id__gte=first_id).values_list("update_id", flat=True))
    return {
        "stored": len(stored),
        "queued": sum(per_update.values()),
        "duplicates": sum(count - 1 for count in per_update.values()),
        "unqueued": len(stored - per_update.keys()),
    }
