"""django-q2 tasks of the bot: thin, by id; the worker imports them by these dotted names."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from telegram_bridge import alerts, handlers
from telegram_bridge.models import ProcessedUpdate
from telegram_bridge.services import cbi_progress_purge_expired, update_mark_handled

logger = logging.getLogger(__name__)


def handle_update(update_id: int) -> None:
    """Handle one stored webhook update, once: a handled (or erased) row is skipped."""
    with transaction.atomic():
        update = ProcessedUpdate.objects.select_for_update().filter(update_id=update_id).first()
        if update is None or update.handled_at is not None or not update.payload:
            return
        payload = update.payload
        # Marked before the replies go out: a retried task must not answer twice (a lost reply beats a double one).
        update_mark_handled(update=update)
    handlers.update_dispatch(payload)


def assessment_finished(task: Any) -> None:
    """django-q2 hook of emotions.tasks.analyze_assessment: task.result is the assessment id (None if erased)."""
    assessment_id = getattr(task, "result", None)
    if not isinstance(assessment_id, int):
        return
    handlers.assessment_notify(assessment_id=assessment_id)


def assessment_notify_retry(assessment_id: int, attempt: int) -> None:
    """A later try at sending a result whose first send failed for a network reason."""
    handlers.assessment_notify(assessment_id=assessment_id, attempt=attempt)


def burnout_alert_send(link_id: int, flag_ids: list[int], attempt: int = 1) -> None:
    """A psychologist's burnout alert in Telegram (queued by alerts.burnout_alerts_take_over; retries itself)."""
    alerts.burnout_alert_deliver(link_id=link_id, flag_ids=flag_ids, attempt=attempt)


def send_reminders() -> int:
    """Every few minutes (schedule in migrations/0002): the daily check-ins that are due; returns how many."""
    return handlers.reminders_send()


def purge_expired_questionnaires() -> int:
    """Hourly (schedule in migrations/0004): unfinished questionnaires past their time; returns how many went."""
    return cbi_progress_purge_expired()
