"""Claiming what is due at a person's local time (a daily reminder, a weekly digest), once, by one worker.

Each row holds the local time (and for a weekly one the weekday, 0 = Monday) and the local date it was last
claimed. A compare-and-set UPDATE of that date decides: of several workers running the sweep at once, exactly
one wins each row for the day. The bot's reminder and digest (telegram_bridge) and the e-mails share it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from emotions.selectors.periods import user_tzinfo_get


def schedule_claim_due(
    rows: QuerySet[Any],
    *,
    at_field: str,
    last_field: str,
    weekday_field: str | None = None,
    now: datetime | None = None,
) -> list[tuple[Any, date]]:
    """The rows due now that this caller claimed, each with the person's local date."""
    claimed = []
    for row in rows.filter(**{f"{at_field}__isnull": False}).select_related("user"):
        local = timezone.localtime(now or timezone.now(), user_tzinfo_get(user=row.user))
        if weekday_field is not None and local.weekday() != getattr(row, weekday_field):
            continue
        if local.time() < getattr(row, at_field):
            continue
        today = local.date()
        last = getattr(row, last_field)
        if last is not None and last >= today:
            continue
        won = (
            type(row)
            .objects.filter(pk=row.pk, **{f"{at_field}__isnull": False})
            .filter(Q(**{f"{last_field}__isnull": True}) | Q(**{f"{last_field}__lt": today}))
            .update(**{last_field: today})
        )
        if won:
            claimed.append((row, today))
    return claimed


def schedule_first_claim(*, user: Any, at: Any, weekday: int | None = None, now: datetime | None = None) -> date | None:
    """The `*_last_on` a new schedule starts with: today when its time has already passed today (so it begins
    on the next day, or next week), else None."""
    local = timezone.localtime(now or timezone.now(), user_tzinfo_get(user=user))
    if at is None or (weekday is not None and local.weekday() != weekday) or local.time() < at:
        return None
    return local.date()
