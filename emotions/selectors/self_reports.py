"""Reads of a person's self-reports (their own 1-5 mood ratings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Avg, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from emotions.models import SelfReport
from emotions.selectors.periods import _on_days, _period_start, user_tzinfo_get

if TYPE_CHECKING:
    from accounts.models import User


def self_report_list(*, user: User) -> QuerySet[SelfReport]:
    # The tags travel with each rating in the API: one more query per page, not one per row.
    return SelfReport.objects.filter(user=user).prefetch_related("tags").order_by("-at", "-id")


def self_report_exists(*, user: User) -> bool:
    return SelfReport.objects.filter(user=user).exists()


def self_report_list_between(
    *, user: User, first_day: date | None = None, last_day: date | None = None
) -> QuerySet[SelfReport]:
    """self_report_list, limited to reports made on these calendar days (inclusive) of the person's time zone."""
    return _on_days(self_report_list(user=user), "at", user_tzinfo_get(user=user), first_day, last_day)


def self_report_daily_mood(*, user: User, days: int, now: datetime | None = None) -> dict[date, float]:
    """Mean self-reported mood per calendar day (person's time zone) of the last `days` days, days with reports only."""
    tz = user_tzinfo_get(user=user)
    today = timezone.localtime(now or timezone.now(), tz).date()
    _first_day, start = _period_start(days=days, tz=tz, today=today)
    return dict(
        SelfReport.objects.filter(user=user, at__gte=start)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(mean_mood=Avg("mood"))
        .values_list("day", "mean_mood")
    )
