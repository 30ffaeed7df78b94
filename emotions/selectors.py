"""Reads for the emotions app: a person's assessments and their dynamics.

Aggregation happens in the database (grouped by the day in the person's time zone);
Python only fills the days without data so that a chart's axis has no holes.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Lower, NullIf, TruncDate, TruncWeek
from django.utils import timezone

from accounts.models import CareLink
from accounts.selectors import care_active_links_of_psychologist
from emotions.ml.labels import CLASSES
from emotions.models import EMOTION_NAMES, PhotoAssessment

if TYPE_CHECKING:
    from accounts.models import User

DASHBOARD_PERIODS: tuple[int, ...] = (30, 90, 365)
DEFAULT_PERIOD = 30
# With one to a few photos a day, a day's share jumps between 0 and 100 %; the trend
# people should read is the share over the trailing week.
ROLLING_DAYS = 7


def user_tzinfo(user: User) -> tzinfo:
    """The person's time zone; UTC when it is unset or unknown to this system."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def assessment_list(*, user: User) -> QuerySet[PhotoAssessment]:
    """Everything a person may see of their own assessments, newest first.

    Views look rows up through this queryset, so another person's id is simply not found (404).
    """
    return PhotoAssessment.objects.filter(user=user).order_by("-captured_at", "-id")


def assessment_latest(*, user: User, limit: int = 10) -> list[PhotoAssessment]:
    return list(assessment_list(user=user)[:limit])


def assessment_exists(*, user: User) -> bool:
    return PhotoAssessment.objects.filter(user=user).exists()


def _period_start(*, days: int, tz: tzinfo, today: date) -> tuple[date, datetime]:
    first_day = today - timedelta(days=days - 1)
    return first_day, datetime.combine(first_day, datetime.min.time(), tzinfo=tz)


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


def assessment_daily_negative_share(*, user: User, days: int, now: datetime | None = None) -> list[DayBucket]:
    """One bucket per calendar day (person's time zone) of the last `days` days, today included.

    A day's share is the number of analysed photos whose top emotion is negative divided
    by the number of analysed photos that day; photos without a face or that failed do
    not count, they say nothing about the person's mood.
    """
    tz = user_tzinfo(user)
    today = timezone.localtime(now or timezone.now(), tz).date()
    first_day, start = _period_start(days=days, tz=tz, today=today)
    rows = (
        PhotoAssessment.objects.filter(user=user, status=PhotoAssessment.Status.DONE, captured_at__gte=start)
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
    """How often each of the seven emotions was the top one in the period, in the model's class order."""
    tz = user_tzinfo(user)
    today = timezone.localtime(now or timezone.now(), tz).date()
    _first_day, start = _period_start(days=days, tz=tz, today=today)
    counts = dict(
        PhotoAssessment.objects.filter(user=user, status=PhotoAssessment.Status.DONE, captured_at__gte=start)
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


def assessment_period_summary(*, user: User, days: int, now: datetime | None = None) -> PeriodSummary:
    tz = user_tzinfo(user)
    today = timezone.localtime(now or timezone.now(), tz).date()
    _first_day, start = _period_start(days=days, tz=tz, today=today)
    status = PhotoAssessment.Status
    data: dict[str, Any] = PhotoAssessment.objects.filter(user=user, captured_at__gte=start).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=status.DONE)),
        negative=Count("id", filter=Q(status=status.DONE, valence=PhotoAssessment.Valence.NEGATIVE)),
        no_face=Count("id", filter=Q(status=status.NO_FACE)),
        failed=Count("id", filter=Q(status=status.FAILED)),
        pending=Count("id", filter=Q(status=status.PENDING)),
        mean_negativity=Avg("negativity", filter=Q(status=status.DONE)),
    )
    done = data["done"]
    return PeriodSummary(
        total=data["total"],
        done=done,
        negative=data["negative"],
        no_face=data["no_face"],
        failed=data["failed"],
        pending=data["pending"],
        negative_share=(data["negative"] / done) if done else None,
        mean_negativity=data["mean_negativity"],
    )


# --- the psychologist's portal -----------------------------------------------------------------------------

PORTAL_SORTS = ("flag", "name", "last", "share", "change")
# Recency colour of the last photo: (at most this many days ago, colour name); older is grey.
RECENCY_COLOURS: tuple[tuple[int, str], ...] = ((2, "green"), (7, "yellow"), (30, "red"))
# Shares are compared in the database as floats: 0.8 - 0.6 comes out a hair under 0.2.
_FLOAT_SLACK = 1e-9


@dataclass(frozen=True)
class PortalRow:
    link_id: int
    patient_id: int
    name: str
    last_assessment_at: datetime | None
    recent_total: int
    recent_share: float | None
    previous_share: float | None
    share_change: float | None
    flagged: bool
    recency: str

    @property
    def recent_percent(self) -> int | None:
        return None if self.recent_share is None else round(self.recent_share * 100)

    @property
    def change_points(self) -> int | None:
        return None if self.share_change is None else round(self.share_change * 100)


def _recency(last: datetime | None, now: datetime) -> str:
    if last is None:
        return "grey"
    age_days = (now - last).total_seconds() / 86400
    for limit, colour in RECENCY_COLOURS:
        if age_days <= limit:
            return colour
    return "grey"


def portal_patient_rows(*, psychologist: Any, sort: str = "flag", now: datetime | None = None) -> list[PortalRow]:
    """One row per patient sharing with this psychologist now, in one query whatever their number.

    Windows are the last PORTAL_WINDOW_DAYS × 24 h and the same span before (not calendar days in each
    patient's zone: the list compares many people at one moment). Only analysed photos count.
    """
    now = now or timezone.now()
    window = timedelta(days=settings.PORTAL_WINDOW_DAYS)
    recent_start, previous_start = now - window, now - 2 * window
    # Only the analysed photos of the two windows are joined (FilteredRelation puts the condition in
    # the JOIN), so the grouped rows stay bounded however long people have used the product; the last
    # photo comes from a subquery on the (user, captured_at) index.
    pa = "window_photos"
    negative = Q(window_photos__valence=PhotoAssessment.Valence.NEGATIVE)
    recent = Q(window_photos__captured_at__gte=recent_start)
    previous = Q(window_photos__captured_at__lt=recent_start)
    share_threshold = settings.PORTAL_FLAG_NEGATIVE_PERCENT / 100 - _FLOAT_SLACK
    rise_threshold = settings.PORTAL_FLAG_RISE_PERCENT / 100 - _FLOAT_SLACK

    def share(negative_field: str, total_field: str) -> ExpressionWrapper:
        return ExpressionWrapper(
            Cast(negative_field, FloatField()) / NullIf(Cast(total_field, FloatField()), Value(0.0)),
            output_field=FloatField(),
        )

    last_photo = (
        PhotoAssessment.objects.filter(user=OuterRef("patient_id")).order_by("-captured_at").values("captured_at")[:1]
    )
    links: QuerySet[CareLink] = (
        care_active_links_of_psychologist(psychologist=psychologist)
        .annotate(
            window_photos=FilteredRelation(
                "patient__photo_assessments",
                condition=Q(
                    patient__photo_assessments__status=PhotoAssessment.Status.DONE,
                    patient__photo_assessments__captured_at__gte=previous_start,
                    patient__photo_assessments__captured_at__lte=now,
                ),
            ),
            last_assessment_at=Subquery(last_photo),
        )
        .annotate(
            recent_total=Count(pa, filter=recent),
            recent_negative=Count(pa, filter=recent & negative),
            previous_total=Count(pa, filter=previous),
            previous_negative=Count(pa, filter=previous & negative),
        )
        .annotate(
            recent_share=share("recent_negative", "recent_total"),
            previous_share=share("previous_negative", "previous_total"),
        )
        .annotate(
            share_change=ExpressionWrapper(F("recent_share") - F("previous_share"), output_field=FloatField()),
            display_name=Coalesce(
                NullIf("alias", Value("")), NullIf("patient__first_name", Value("")), "patient__username"
            ),
        )
        .annotate(
            flagged=Case(
                When(
                    Q(recent_total__gte=settings.PORTAL_FLAG_MIN_ASSESSMENTS, recent_share__gte=share_threshold)
                    | Q(share_change__gte=rise_threshold),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    name_order = (Lower("display_name").asc(), F("pk").asc())
    orderings = {
        "name": name_order,
        "last": (F("last_assessment_at").desc(nulls_last=True), *name_order),
        "share": (F("recent_share").desc(nulls_last=True), *name_order),
        "change": (F("share_change").desc(nulls_last=True), *name_order),
        "flag": (F("flagged").desc(), F("recent_share").desc(nulls_last=True), *name_order),
    }
    links = links.order_by(*orderings.get(sort, orderings["flag"]))
    # Plain values, not model instances: with hundreds of patients building objects costs more than the query.
    fields = ("pk", "patient_id", "display_name", "last_assessment_at", "recent_total", "recent_share")
    fields += ("previous_share", "share_change", "flagged")
    return [
        PortalRow(
            link_id=row["pk"],
            patient_id=row["patient_id"],
            name=row["display_name"],
            last_assessment_at=row["last_assessment_at"],
            recent_total=row["recent_total"],
            recent_share=row["recent_share"],
            previous_share=row["previous_share"],
            share_change=row["share_change"],
            flagged=bool(row["flagged"]),
            recency=_recency(row["last_assessment_at"], now),
        )
        for row in links.values(*fields)
    ]


# --- date ranges and dynamics for the REST API -------------------------------------------------------------

DYNAMICS_BUCKETS = ("day", "week")


def _day_start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz)


def assessment_list_between(
    *, user: User, first_day: date | None = None, last_day: date | None = None
) -> QuerySet[PhotoAssessment]:
    """assessment_list, limited to photos taken on these calendar days (inclusive) of the person's time zone."""
    tz = user_tzinfo(user)
    rows = assessment_list(user=user)
    if first_day is not None:
        rows = rows.filter(captured_at__gte=_day_start(first_day, tz))
    if last_day is not None:
        rows = rows.filter(captured_at__lt=_day_start(last_day + timedelta(days=1), tz))
    return rows


@dataclass(frozen=True)
class DynamicsBucket:
    start: date
    end: date  # inclusive; a week is cut to the requested range
    count: int
    negative: int
    negative_share: float | None
    mean_negativity: float | None
    class_mix: dict[str, int]
    # The person's own 1-5 mood ratings in the bucket; None until self-reports exist.
    mean_mood: float | None


def assessment_dynamics(*, user: User, first_day: date, last_day: date, bucket: str = "day") -> list[DynamicsBucket]:
    """Analysed photos per day or ISO week (Monday first) of the person's time zone, every bucket listed.

    One grouped query: counts, negative share, mean negativity and the count of each top emotion.
    """
    tz = user_tzinfo(user)
    if bucket == "week":
        trunc: Any = TruncWeek("captured_at", tzinfo=tz, output_field=DateField())
        first_key = first_day - timedelta(days=first_day.weekday())
        step = timedelta(days=7)
    else:
        trunc = TruncDate("captured_at", tzinfo=tz)
        first_key, step = first_day, timedelta(days=1)
    rows = (
        assessment_list_between(user=user, first_day=first_day, last_day=last_day)
        .filter(status=PhotoAssessment.Status.DONE)
        .annotate(bucket=trunc)
        .order_by()
        .values("bucket")
        .annotate(
            count=Count("id"),
            negative=Count("id", filter=Q(valence=PhotoAssessment.Valence.NEGATIVE)),
            mean_negativity=Avg("negativity"),
            **{f"mix_{label}": Count("id", filter=Q(label=label)) for label in CLASSES},
        )
    )
    by_key = {row["bucket"]: row for row in rows}
    buckets = []
    key = first_key
    while key <= last_day:
        row = by_key.get(key, {})
        count = row.get("count", 0)
        buckets.append(
            DynamicsBucket(
                start=max(key, first_day),
                end=min(key + step - timedelta(days=1), last_day),
                count=count,
                negative=row.get("negative", 0),
                negative_share=row["negative"] / count if count else None,
                mean_negativity=row.get("mean_negativity"),
                class_mix={label: row.get(f"mix_{label}", 0) for label in CLASSES},
                mean_mood=None,
            )
        )
        key += step
    return buckets
