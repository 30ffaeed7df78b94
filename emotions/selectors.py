"""Reads for the emotions app: a person's assessments and their dynamics.

Aggregation happens in the database (grouped by the day in the person's time zone);
Python only fills the days without data so that a chart's axis has no holes.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, tzinfo
from statistics import median
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Model,
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
from accounts.selectors import care_active_links_of_psychologist, consent_is_active
from emotions import statistics
from emotions.burnout import RuleState as RuleState
from emotions.burnout import burnout_flag_open_exists, burnout_windows
from emotions.burnout import burnout_flags_open as burnout_flags_open
from emotions.burnout import burnout_rule_states as burnout_rule_states
from emotions.ml.labels import CLASSES
from emotions.models import EMOTION_NAMES, BurnoutFlag, PhotoAssessment, QuestionnaireResponse, SelfReport

if TYPE_CHECKING:
    from accounts.models import User

RowT = TypeVar("RowT", bound=Model)

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

    # Pre-formatted for the data tables and the heatmap: a dashboard renders up to ~1,100 of these
    # cells, and the template filters (localized dates, widthratio) cost most of its render time.
    @property
    def day_label(self) -> str:
        return self.day.isoformat()

    @property
    def share_percent(self) -> str:
        return _percent(self.negative_share)

    @property
    def rolling_percent(self) -> str:
        return _percent(self.rolling_share)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


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
    # "Needs attention": a burnout flag (emotions.BurnoutFlag, evaluated by emotions.burnout) is open now.
    flagged: bool
    recency: str
    # The last CBI personal-burnout score (0-100), None when the patient never answered it.
    latest_cbi: float | None = None
    # The rules of the open flags, in the order they were raised (their display names).
    flag_rules: tuple[str, ...] = ()

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
    recent_start, previous_start = burnout_windows(now=now)
    # Only the analysed photos of the two windows are joined (FilteredRelation puts the condition in
    # the JOIN), so the grouped rows stay bounded however long people have used the product; the last
    # photo comes from a subquery on the (user, captured_at) index.
    pa = "window_photos"
    negative = Q(window_photos__valence=PhotoAssessment.Valence.NEGATIVE)
    recent = Q(window_photos__captured_at__gte=recent_start)
    previous = Q(window_photos__captured_at__lt=recent_start)

    def share(negative_field: str, total_field: str) -> ExpressionWrapper:
        return ExpressionWrapper(
            Cast(negative_field, FloatField()) / NullIf(Cast(total_field, FloatField()), Value(0.0)),
            output_field=FloatField(),
        )

    last_photo = (
        PhotoAssessment.objects.filter(user=OuterRef("patient_id")).order_by("-captured_at").values("captured_at")[:1]
    )
    latest_cbi = (
        QuestionnaireResponse.objects.filter(
            user=OuterRef("patient_id"), instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL
        )
        .order_by("-at", "-id")
        .values("score")[:1]
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
            latest_cbi=Subquery(latest_cbi),
            flagged=burnout_flag_open_exists(user_ref="patient_id"),
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
    fields += ("previous_share", "share_change", "flagged", "latest_cbi")
    values = list(links.values(*fields))
    rules = _open_flag_rules([row["patient_id"] for row in values if row["flagged"]])
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
            latest_cbi=row["latest_cbi"],
            flag_rules=tuple(rules.get(row["patient_id"], ())),
        )
        for row in values
    ]


def _open_flag_rules(patient_ids: list[int]) -> dict[int, list[str]]:
    """The display names of each patient's open flags (one query for the whole list)."""
    rules: dict[int, list[str]] = {}
    if not patient_ids:
        return rules
    open_flags = BurnoutFlag.objects.filter(user_id__in=patient_ids, cleared_at__isnull=True)
    for flag in open_flags.order_by("raised_at", "id").only("user_id", "rule"):
        rules.setdefault(flag.user_id, []).append(str(flag.get_rule_display()))
    return rules


# --- date ranges and dynamics for the REST API -------------------------------------------------------------

DYNAMICS_BUCKETS = ("day", "week")


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


def assessment_list_between(
    *, user: User, first_day: date | None = None, last_day: date | None = None
) -> QuerySet[PhotoAssessment]:
    """assessment_list, limited to photos taken on these calendar days (inclusive) of the person's time zone."""
    return _on_days(assessment_list(user=user), "captured_at", user_tzinfo(user), first_day, last_day)


@dataclass(frozen=True)
class DynamicsBucket:
    start: date
    end: date  # inclusive; a week is cut to the requested range
    count: int
    negative: int
    negative_share: float | None
    mean_negativity: float | None
    class_mix: dict[str, int]
    # The mean of the person's own 1-5 mood ratings in the bucket; None without any.
    mean_mood: float | None


def assessment_dynamics(*, user: User, first_day: date, last_day: date, bucket: str = "day") -> list[DynamicsBucket]:
    """Analysed photos per day or ISO week (Monday first) of the person's time zone, every bucket listed.

    Two grouped queries: counts, negative share, mean negativity and the count of each top emotion from
    the photos; the mean self-reported mood from the self-reports (by the time of the report).
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
    mood_trunc: Any = (
        TruncWeek("at", tzinfo=tz, output_field=DateField()) if bucket == "week" else TruncDate("at", tzinfo=tz)
    )
    moods = dict(
        self_report_list_between(user=user, first_day=first_day, last_day=last_day)
        .annotate(bucket=mood_trunc)
        .order_by()
        .values("bucket")
        .annotate(mean_mood=Avg("mood"))
        .values_list("bucket", "mean_mood")
    )
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
                mean_mood=moods.get(key),
            )
        )
        key += step
    return buckets


# --- self-reports and questionnaires ---------------------------------------------------------------------------


def self_report_list(*, user: User) -> QuerySet[SelfReport]:
    return SelfReport.objects.filter(user=user).order_by("-at", "-id")


def self_report_list_between(
    *, user: User, first_day: date | None = None, last_day: date | None = None
) -> QuerySet[SelfReport]:
    """self_report_list, limited to reports made on these calendar days (inclusive) of the person's time zone."""
    return _on_days(self_report_list(user=user), "at", user_tzinfo(user), first_day, last_day)


def self_report_daily_mood(*, user: User, days: int, now: datetime | None = None) -> dict[date, float]:
    """Mean self-reported mood per calendar day (person's time zone) of the last `days` days, days with reports only."""
    tz = user_tzinfo(user)
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


def questionnaire_cbi_list(*, user: User) -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(
        user=user, instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL
    ).order_by("-at", "-id")


def questionnaire_cbi_latest(*, user: User) -> QuestionnaireResponse | None:
    return questionnaire_cbi_list(user=user).first()


def questionnaire_cbi_due(*, user: User, now: datetime | None = None) -> bool:
    """The questionnaire is offered weekly: due when never answered or the last answer is 7 days old or more."""
    latest = questionnaire_cbi_latest(user=user)
    now = now or timezone.now()
    return latest is None or now - latest.at >= timedelta(days=settings.CBI_REMIND_AFTER_DAYS)


# --- photo negativity against the person's own mood (the pilot's key metric) ----------------------------------


@dataclass(frozen=True)
class MoodPair:
    """One self-report beside what the photos said: the photo it answers, else that day's analysed photos."""

    at: datetime
    mood: int
    negativity: float
    # The photo side as a yes/no: the answered photo's top emotion is negative, or (same-day pairs) more
    # than half of that day's analysed photos had a negative top emotion.
    photo_negative: bool
    linked: bool


def mood_pairs(*, user: User, first_day: date | None = None, last_day: date | None = None) -> list[MoodPair]:
    """Every self-report of the period that has a photo counterpart (two queries, grouped in the database).

    A report linked to an analysed photo pairs with it; any other report pairs with the mean negativity of
    the person's analysed photos of the same calendar day (their time zone); without any, it has no pair.
    """
    tz = user_tzinfo(user)
    done = PhotoAssessment.Status.DONE
    reports = list(
        self_report_list_between(user=user, first_day=first_day, last_day=last_day)
        .annotate(
            day=TruncDate("at", tzinfo=tz),
            linked_negativity=Case(
                When(assessment__status=done, then=F("assessment__negativity")), output_field=FloatField()
            ),
            linked_valence=Case(When(assessment__status=done, then=F("assessment__valence"))),
        )
        .order_by("at", "id")
        .values("at", "mood", "day", "linked_negativity", "linked_valence")
    )
    if not reports:
        return []
    report_days = {row["day"] for row in reports}
    days = {
        row["day"]: row
        for row in _on_days(
            PhotoAssessment.objects.filter(user=user, status=done, negativity__isnull=False),
            "captured_at",
            tz,
            min(report_days),
            max(report_days),
        )
        .annotate(day=TruncDate("captured_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(
            mean_negativity=Avg("negativity"),
            total=Count("id"),
            negative=Count("id", filter=Q(valence=PhotoAssessment.Valence.NEGATIVE)),
        )
    }
    pairs = []
    for row in reports:
        if row["linked_negativity"] is not None:
            pairs.append(
                MoodPair(
                    at=row["at"],
                    mood=row["mood"],
                    negativity=row["linked_negativity"],
                    photo_negative=row["linked_valence"] == PhotoAssessment.Valence.NEGATIVE,
                    linked=True,
                )
            )
        elif row["day"] in days:
            day = days[row["day"]]
            pairs.append(
                MoodPair(
                    at=row["at"],
                    mood=row["mood"],
                    negativity=day["mean_negativity"],
                    photo_negative=day["negative"] * 2 > day["total"],
                    linked=False,
                )
            )
    return pairs


def mood_correlation(
    *, user: User, first_day: date | None = None, last_day: date | None = None
) -> statistics.Correlation:
    """Spearman's rho between photo negativity and self-reported mood, with n and a 95 % interval."""
    pairs = mood_pairs(user=user, first_day=first_day, last_day=last_day)
    return statistics.spearman([pair.negativity for pair in pairs], [float(pair.mood) for pair in pairs])


# --- the pilot report (manage.py pilot_report) -----------------------------------------------------------------


def research_cohort() -> list[User]:
    """People whose latest research decision is a grant of the current document: the only ones a report counts."""
    from accounts.models import ConsentEvent, ConsentKind, User

    candidates = User.objects.filter(
        pk__in=ConsentEvent.objects.filter(document__kind=ConsentKind.RESEARCH, granted=True).values("user_id")
    ).order_by("pk")
    return [person for person in candidates if consent_is_active(user=person, kind=ConsentKind.RESEARCH)]


def _correlation_dict(result: statistics.Correlation) -> dict[str, Any]:
    return asdict(result)


def pilot_report(*, first_day: date | None = None, last_day: date | None = None) -> dict[str, Any]:
    """The figures a pilot review needs, over people with an active research consent.

    Per-person pairs use each person's calendar days; the period bounds, the weeks of the retention
    table and the photo counts use UTC days (the cohort is compared at one clock).
    """
    utc = zoneinfo.ZoneInfo("UTC")
    cohort = research_cohort()
    ids = [person.pk for person in cohort]

    all_pairs: list[MoodPair] = []
    rhos: list[float] = []
    for person in cohort:
        pairs = mood_pairs(user=person, first_day=first_day, last_day=last_day)
        all_pairs.extend(pairs)
        result = statistics.spearman([pair.negativity for pair in pairs], [float(pair.mood) for pair in pairs])
        if result.rho is not None:
            rhos.append(result.rho)
    pooled = statistics.spearman([pair.negativity for pair in all_pairs], [float(pair.mood) for pair in all_pairs])
    agreement = statistics.binary_agreement(
        [(pair.photo_negative, pair.mood <= 2) for pair in all_pairs if pair.mood != 3]
    )

    photos = _on_days(PhotoAssessment.objects.filter(user_id__in=ids), "captured_at", utc, first_day, last_day)
    reports = _on_days(SelfReport.objects.filter(user_id__in=ids), "at", utc, first_day, last_day)

    per_user = dict(photos.order_by().values("user_id").annotate(n=Count("id")).values_list("user_id", "n"))
    counts = sorted(per_user.get(pk, 0) for pk in ids)
    status = PhotoAssessment.Status
    finished = photos.filter(status__in=[status.DONE, status.NO_FACE, status.FAILED]).aggregate(
        finished=Count("id"), no_face=Count("id", filter=Q(status=status.NO_FACE))
    )

    weekly: dict[date, set[int]] = {}
    for model_rows, field in ((photos, "captured_at"), (reports, "at")):
        for week, user_id in (
            model_rows.annotate(week=TruncWeek(field, tzinfo=utc, output_field=DateField()))
            .order_by()
            .values_list("week", "user_id")
            .distinct()
        ):
            weekly.setdefault(week, set()).add(user_id)
    retention = []
    if weekly:
        week = min(weekly)
        previous: set[int] | None = None
        while week <= max(weekly):
            active = weekly.get(week, set())
            retained = len(active & previous) if previous is not None else None
            retention.append(
                {
                    "week": week,
                    "active": len(active),
                    "retained": retained,
                    "retention": (retained / len(previous)) if previous and retained is not None else None,
                }
            )
            previous, week = active, week + timedelta(days=7)

    return {
        "from": first_day,
        "to": last_day,
        "users": len(cohort),
        "correlation": {
            "pooled": _correlation_dict(pooled),
            "per_user_median": median(rhos) if rhos else None,
            "users_with_rho": len(rhos),
        },
        "agreement": asdict(agreement),
        "assessments_per_user": {
            "mean": (sum(counts) / len(counts)) if counts else None,
            "median": median(counts) if counts else None,
            "min": counts[0] if counts else None,
            "max": counts[-1] if counts else None,
        },
        "retention": retention,
        "no_face": {
            "finished": finished["finished"],
            "no_face": finished["no_face"],
            "share": (finished["no_face"] / finished["finished"]) if finished["finished"] else None,
        },
    }
