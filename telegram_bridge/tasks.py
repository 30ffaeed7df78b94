"""django-q2 tasks of the bot: thin, by id; the worker imports them by these dotted names."""

from __future__ import annotations

import logging
from typing import Any

from telegram_bridge import alerts, durable, handlers
from telegram_bridge.services import cbi_progress_purge_expired

logger = logging.getLogger(__name__)


def handle_update(update_id: int) -> None:
    """Handle one stored webhook update, once: a handled (or erased) row is skipped."""
    durable.update_handle(update_id=update_id)


def assessment_finished(task: Any) -> None:
    """The django-q2 hook that analyses queued before results were told through the channel registry still name.

    task.result is the assessment id (None if erased); the claim in assessment_notify makes a second call harmless.
    """
    assessment_id = getattr(task, "result", None)
    if not isinstance(assessment_id, int):
        return
    handlers.assessment_notify(assessment_id=assessment_id)


def resume_unfinished() -> int:
    """Every minute (schedule in migrations/0005): what a dead worker left: updates, then result replies."""
    return durable.updates_resume() + durable.results_resume()


def assessment_notify_retry(assessment_id: int, attempt: int) -> None:
    """A later try at a result reply, as scheduled before replies had their outbox (kept for those schedules)."""
    handlers.assessment_notify(assessment_id=assessment_id)


def burnout_alert_send(link_id: int, flag_ids: list[int], attempt: int = 1) -> None:
    """A psychologist's burnout alert in Telegram (queued by alerts.burnout_alert_take_over; retries itself)."""
    alerts.burnout_alert_deliver(link_id=link_id, flag_ids=flag_ids, attempt=attempt)


def send_reminders() -> int:
    """Every few minutes (schedule in migrations/0002): the daily check-ins that are due; returns how many."""
    return handlers.reminders_send()


def send_digests() -> int:
    """Every few minutes (schedule in migrations/0008): the weekly digests that are due; returns how many."""
    return handlers.digests_send()


def purge_expired_questionnaires() -> int:
    """Hourly (schedule in migrations/0004): unfinished questionnaires past their time; returns how many went."""
    return cbi_progress_purge_expired()
