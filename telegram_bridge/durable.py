"""Nothing lost when a worker dies: updates are claimed, handled, then marked; sweeps take up what is left.

An update is marked handled only after its handlers ran, so a worker killed half-way leaves it claimed
but unhandled, and `updates_resume` queues it again once the claim is older than
TELEGRAM_REQUEUE_AFTER_SECONDS. Handling it again is safe: a photo message finds the assessment it made
the first time (PhotoAssessment.source_key), and a claim stops two workers handling one update at once.
The result of a finished photo is told through emotions' notification outbox: whatever sent it records
it, and `results_resume` sends what nobody sent, once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from emotions.models import PhotoAssessment
from emotions.services import assessment_list_awaiting_notification
from telegram_bridge import handlers
from telegram_bridge.models import ProcessedUpdate
from telegram_bridge.services import update_handling_enqueue, update_mark_handled

logger = logging.getLogger(__name__)

# A sweep after an outage of days does not announce results that old: they are on the dashboard.
RESULT_REPLY_HORIZON = timedelta(days=1)
# The hook sends a result within a second of the analysis; the sweep gives it this long first (the
# claim would stop a double send anyway, this only keeps the two from racing for every photo).
RESULT_REPLY_GRACE = timedelta(seconds=15)


def requeue_after() -> timedelta:
    return timedelta(seconds=settings.TELEGRAM_REQUEUE_AFTER_SECONDS)


def update_handle(*, update_id: int) -> None:
    """Handle one stored update, once; a handled, erased or recently claimed update is left alone."""
    payload = _update_claim(update_id)
    if payload is None:
        return
    try:
        handlers.update_dispatch(payload)
    finally:
        # Also after an exception: an update that breaks a handler would break it again; only a dead
        # process (no finally) leaves it for the sweep.
        with transaction.atomic():
            update = ProcessedUpdate.objects.select_for_update().filter(update_id=update_id).first()
            if update is not None and update.handled_at is None:
                update_mark_handled(update=update)


def _update_claim(update_id: int) -> dict | None:
    now = timezone.now()
    with transaction.atomic():
        update = ProcessedUpdate.objects.select_for_update().filter(update_id=update_id).first()
        if update is None or update.handled_at is not None or not update.payload:
            return None
        if update.claimed_at is not None and update.claimed_at > now - requeue_after():
            return None  # another worker is on it
        if update.attempts >= settings.TELEGRAM_UPDATE_MAX_ATTEMPTS:
            logger.warning("Telegram update %s: %s attempts never finished: dropped", update_id, update.attempts)
            update_mark_handled(update=update)
            return None
        update.attempts += 1
        update.claimed_at = now
        update.save(update_fields=["attempts", "claimed_at"])
        return update.payload


def updates_resume(*, now: datetime | None = None) -> int:
    """Queue again the stored updates that nobody finished handling; returns how many."""
    cutoff = (now or timezone.now()) - requeue_after()
    stalled = ProcessedUpdate.objects.filter(handled_at__isnull=True, payload__isnull=False).filter(
        Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, received_at__lt=cutoff)
    )
    update_ids = list(stalled.order_by("received_at").values_list("update_id", flat=True)[:500])
    for update_id in update_ids:
        logger.info("Telegram update %s was not handled: queued again", update_id)
        update_handling_enqueue(update_id=update_id)
    return len(update_ids)


def results_resume(*, now: datetime | None = None) -> int:
    """Send the result replies that no one sent (the hook died with its worker, Telegram was down)."""
    now = now or timezone.now()
    assessment_ids = assessment_list_awaiting_notification(
        source=PhotoAssessment.Source.TELEGRAM,
        settled_before=now - RESULT_REPLY_GRACE,
        since=now - RESULT_REPLY_HORIZON,
        now=now,
    )
    for assessment_id in assessment_ids:
        handlers.assessment_notify(assessment_id=assessment_id)
    return len(assessment_ids)
