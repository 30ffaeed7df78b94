"""Telling the person a finished analysis's outcome: the entry channel's outbox (claim, done, later, awaiting)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from emotions.models import PhotoAssessment


def assessment_notification_claim(*, assessment_id: int, lease: timedelta, now: datetime | None = None) -> int | None:
    """Claim the right to tell the person a finished analysis's outcome; the attempt number, or None.

    One conditional UPDATE, so of two senders (the channel's hook and its sweep, or two workers) one wins.
    The claim lasts `lease`: a sender killed half-way leaves it to expire, and the sweep tries again.
    """
    now = now or timezone.now()
    claimed = (
        PhotoAssessment.objects.filter(pk=assessment_id, notified_at__isnull=True)
        .exclude(status=PhotoAssessment.Status.PENDING)
        .filter(Q(notify_lease_until__isnull=True) | Q(notify_lease_until__lte=now))
        .update(notify_lease_until=now + lease, notify_attempts=F("notify_attempts") + 1)
    )
    if not claimed:
        return None
    return PhotoAssessment.objects.values_list("notify_attempts", flat=True).filter(pk=assessment_id).first()


def assessment_notification_done(*, assessment_id: int) -> None:
    """The outcome reached the person (or never can: blocked bot, chat gone, attempts spent)."""
    PhotoAssessment.objects.filter(pk=assessment_id).update(notified_at=timezone.now(), notify_lease_until=None)


def assessment_notification_later(*, assessment_id: int, not_before: datetime) -> None:
    """A transient failure: nobody sends again before `not_before` (Telegram's flood control, back-off)."""
    PhotoAssessment.objects.filter(pk=assessment_id, notified_at__isnull=True).update(notify_lease_until=not_before)


def assessment_list_awaiting_notification(
    *, source: str, settled_before: datetime, since: datetime, now: datetime | None = None, limit: int = 100
) -> list[int]:
    """Finished rows of `source` whose outcome nobody has told the person, and that nobody holds a claim on.

    `settled_before` leaves the normal path (the hook right after the analysis) its time first; `since`
    keeps a sweep from announcing old results after an outage of days.
    """
    now = now or timezone.now()
    rows = (
        PhotoAssessment.objects.filter(source=source, notified_at__isnull=True)
        .exclude(status=PhotoAssessment.Status.PENDING)
        .filter(analyzed_at__lt=settled_before, analyzed_at__gte=since)
        .filter(Q(notify_lease_until__isnull=True) | Q(notify_lease_until__lte=now))
        .order_by("analyzed_at")
        .values_list("pk", flat=True)
    )
    return list(rows[:limit])
