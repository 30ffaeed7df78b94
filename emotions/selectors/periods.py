"""Calendar days in the person's time zone: the one way every read turns days into moments."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from accounts.models import User


RowT = TypeVar("RowT", bound=Model)


def user_tzinfo_get(*, user: User) -> tzinfo:
    """The person's time zone; UTC when it is unset or unknown to this system."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _period_start(*, days: int, tz: tzinfo, today: date) -> tuple[date, datetime]:
    first_day = today - timedelta(days=days - 1)
    return first_day, datetime.combine(first_day, datetime.min.time(), tzinfo=tz)


def _day_start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz)


def _on_days(
    rows: QuerySet[RowT], field: str, tz: tzinfo, first_day: date | None, last_day: date | None
) -> QuerySet[RowT]:
    """Rows whose `field` falls on these calendar days (inclusive) of time zone `tz`; a missing end is open."""
    if first_day is not None:
        rows = rows.filter(**{f"{field}__gte": _day_start(first_day, tz)})
    if last_day is not None:
        rows = rows.filter(**{f"{field}__lt": _day_start(last_day + timedelta(days=1), tz)})
    return rows
