"""Dynamics for the REST API: analysed photos and self-reported mood per day or ISO week, every bucket listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, DateField, Q
from django.db.models.functions import TruncDate, TruncWeek

from emotions.confidence import counted_q, unsure_q
from emotions.ml.labels import CLASSES
from emotions.models import PhotoAssessment
from emotions.selectors.assessments import assessment_list_between
from emotions.selectors.periods import user_tzinfo_get
from emotions.selectors.self_reports import self_report_list_between

if TYPE_CHECKING:
    from accounts.models import User


DYNAMICS_BUCKETS = ("day", "week")


@dataclass(frozen=True)
class DynamicsBucket:
    start: date
    end: date  # inclusive; a week is cut to the requested range
    count: int  # counted readings: finished and not unsure
    negative: int
    negative_share: float | None
    mean_negativity: float | None
    class_mix: dict[str, int]
    # The mean of the person's own 1-5 mood ratings in the bucket; None without any.
    mean_mood: float | None
    # Finished readings of the bucket too unsure to count: in none of the figures above.
    unsure: int = 0


def assessment_dynamics(*, user: User, first_day: date, last_day: date, bucket: str = "day") -> list[DynamicsBucket]:
    """Analysed photos per day or ISO week (Monday first) of the person's time zone, every bucket listed.

    Two grouped queries: counts, negative share, mean negative tone and the count of each top emotion from
    the counted readings (finished, not unsure), and how many unsure ones were left out; the mean
    self-reported mood from the self-reports (by the time of the report).
    """
    tz = user_tzinfo_get(user=user)
    if bucket == "week":
        trunc: Any = TruncWeek("captured_at", tzinfo=tz, output_field=DateField())
        first_key = first_day - timedelta(days=first_day.weekday())
        step = timedelta(days=7)
    else:
        trunc = TruncDate("captured_at", tzinfo=tz)
        first_key, step = first_day, timedelta(days=1)
    counted = counted_q()
    rows = (
        assessment_list_between(user=user, first_day=first_day, last_day=last_day)
        .filter(status=PhotoAssessment.Status.DONE)
        .annotate(bucket=trunc)
        .order_by()
        .values("bucket")
        .annotate(
            count=Count("id", filter=counted),
            unsure=Count("id", filter=unsure_q()),
            negative=Count("id", filter=counted & Q(valence=PhotoAssessment.Valence.NEGATIVE)),
            mean_negativity=Avg("negativity", filter=counted),
            **{f"mix_{label}": Count("id", filter=counted & Q(label=label)) for label in CLASSES},
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
                unsure=row.get("unsure", 0),
            )
        )
        key += step
    return buckets
