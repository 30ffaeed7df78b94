"""Reads of a person's own assessments: the list, the dashboard's daily shares, emotion mix and summary.

Aggregation happens in the database (grouped by the day in the person's time zone);
Python only fills the days without data so that a chart's axis has no holes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, FloatField, Q, QuerySet
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from emotions.confidence import counted_q, unsure_q
from emotions.ml.labels import CLASSES
from emotions.models import EMOTION_NAMES, PhotoAssessment
from emotions.selectors.periods import _on_days, _period_start, user_tzinfo_get

if TYPE_CHECKING:
    from accounts.models import User


DASHBOARD_PERIODS: tuple[int, ...] = (30, 90, 365)


DEFAULT_PERIOD = 30


# With one to a few photos a day, a day's share jumps between 0 and 100 %; the trend
# people should read is the share over the trailing week.
ROLLING_DAYS = 7


def assessment_list(*, user: User) -> QuerySet[PhotoAssessment]:
    """Everything a person may see of their own assessments, newest first.

    Views look rows up through this queryset, so another person's id is simply not found (404). The
    person's "Was this right?" answer comes along (one join): every list shows it beside the reading.
    """
    return PhotoAssessment.objects.filter(user=user).select_related("feedback").order_by("-captured_at", "-id")


def assessment_latest(*, user: User, limit: int = 10) -> list[PhotoAssessment]:
    return list(assessment_list(user=user)[:limit])


def assessment_exists(*, user: User) -> bool:
    return PhotoAssessment.objects.filter(user=user).exists()


@dataclass(frozen=True)
class DayBucket:
    day: date
    total: int
    negative: int
    # None on a day without analysed photos: the chart shows a gap, not a misleading 0 %.
    negative_share: float | None
    mean_negativity: float | None
    # Negative photos / photos over this day and the ROLLING_DAYS - 1 before it (within the period).
    rolling_share: float | None

    # Pre-formatted for the data tables and the heatmap: a dashboard renders up to ~1,100 of these
    # cells, and the template filters (localized dates, widthratio) cost most of its render time.
    @property
    def day_label(self) -> str:
        return self.day.isoformat()

    @property
    def share_percent(self) -> str:
        return percent_text(self.negative_share)

    @property
    def rolling_percent(self) -> str:
        return percent_text(self.rolling_share)


def percent_text(share: float | None) -> str:
    """A share as the data tables write it: "38%", or "—" without one (the dashboard's buckets too)."""
    return "—" if share is None else f"{round(share * 100)}%"


def assessment_daily_negative_share(*, user: User, days: int, now: datetime | None = None) -> list[DayBucket]:
    """One bucket per calendar day (person's time zone) of the last `days` days, today included.

    A day's share is the number of counted readings whose top emotion is negative divided
    by the number of counted readings that day; photos without a face, that failed, or whose
    reading is unsure do not count (PhotoAssessment.objects.counted()).
    """
    tz = user_tzinfo_get(user=user)
    today = timezone.localtime(now or timezone.now(), tz).date()
    first_day, start = _period_start(days=days, tz=tz, today=today)
    rows = (
        PhotoAssessment.objects.counted()
        .filter(user=user, captured_at__gte=start)
        .annotate(day=TruncDate("captured_at", tzinfo=tz))
        .values("day")
        .annotate(
            total=Count("id"),
            negative=Count("id", filter=Q(valence=PhotoAssessment.Valence.NEGATIVE)),
            mean_negativity=Avg("negativity"),
        )
        .annotate(
            negative_share=Cast("negative", FloatField()) / Cast("total", FloatField()),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    empty: dict[str, Any] = {"total": 0, "negative": 0, "negative_share": None, "mean_negativity": None}
    daily = [by_day.get(first_day + timedelta(days=offset), empty) for offset in range(days)]
    buckets = []
    for index, row in enumerate(daily):
        window = daily[max(0, index - ROLLING_DAYS + 1) : index + 1]
        window_total = sum(item["total"] for item in window)
        window_negative = sum(item["negative"] for item in window)
        buckets.append(
            DayBucket(
                day=first_day + timedelta(days=index),
                total=row["total"],
                negative=row["negative"],
                negative_share=row["negative_share"],
                mean_negativity=row["mean_negativity"],
                rolling_share=(window_negative / window_total) if window_total else None,
            )
        )
    return buckets


@dataclass(frozen=True)
class ClassShare:
    label: str
    name: str
    count: int
    share: float


def assessment_emotion_mix(*, user: User, days: int, now: datetime | None = None) -> list[ClassShare]:
    """How often each of the seven emotions was the top one among the period's counted readings, in class order."""
    tz = user_tzinfo_get(user=user)
    today = timezone.localtime(now or timezone.now(), tz).date()
    _first_day, start = _period_start(days=days, tz=tz, today=today)
    counts = dict(
        PhotoAssessment.objects.counted()
        .filter(user=user, captured_at__gte=start)
        .values("label")
        .annotate(n=Count("id"))
        .values_list("label", "n")
    )
    total = sum(counts.values())
    return [
        ClassShare(
            label=label,
            name=str(EMOTION_NAMES[label]),
            count=counts.get(label, 0),
            share=(counts.get(label, 0) / total) if total else 0.0,
        )
        for label in CLASSES
    ]


@dataclass(frozen=True)
class PeriodSummary:
    total: int
    done: int
    negative: int
    no_face: int
    failed: int
    pending: int
    negative_share: float | None
    mean_negativity: float | None
    # Finished readings too unsure to count (left out of `negative`, `negative_share`, `mean_negativity`).
    unsure: int = 0

    @property
    def counted(self) -> int:
        """The finished readings the shares count: done minus unsure."""
        return self.done - self.unsure


def assessment_period_summary(*, user: User, days: int, now: datetime | None = None) -> PeriodSummary:
    tz = user_tzinfo_get(user=user)
    today = timezone.localtime(now or timezone.now(), tz).date()
    _first_day, start = _period_start(days=days, tz=tz, today=today)
    status = PhotoAssessment.Status
    counted = counted_q()
    data: dict[str, Any] = PhotoAssessment.objects.filter(user=user, captured_at__gte=start).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=status.DONE)),
        counted=Count("id", filter=counted),
        unsure=Count("id", filter=unsure_q()),
        negative=Count("id", filter=counted & Q(valence=PhotoAssessment.Valence.NEGATIVE)),
        no_face=Count("id", filter=Q(status=status.NO_FACE)),
        failed=Count("id", filter=Q(status=status.FAILED)),
        pending=Count("id", filter=Q(status=status.PENDING)),
        mean_negativity=Avg("negativity", filter=counted),
    )
    return PeriodSummary(
        total=data["total"],
        done=data["done"],
        negative=data["negative"],
        no_face=data["no_face"],
        failed=data["failed"],
        pending=data["pending"],
        negative_share=(data["negative"] / data["counted"]) if data["counted"] else None,
        mean_negativity=data["mean_negativity"],
        unsure=data["unsure"],
    )


def assessment_list_between(
    *, user: User, first_day: date | None = None, last_day: date | None = None
) -> QuerySet[PhotoAssessment]:
    """assessment_list, limited to photos taken on these calendar days (inclusive) of the person's time zone."""
    return _on_days(assessment_list(user=user), "captured_at", user_tzinfo_get(user=user), first_day, last_day)
