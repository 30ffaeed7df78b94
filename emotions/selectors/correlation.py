"""Photo negativity against the person's own mood (the pilot's key metric)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Avg, Case, Count, F, FloatField, Q, When
from django.db.models.functions import TruncDate

from emotions import statistics
from emotions.confidence import counted_q
from emotions.models import PhotoAssessment
from emotions.selectors.periods import _on_days, user_tzinfo_get
from emotions.selectors.self_reports import self_report_list_between

if TYPE_CHECKING:
    from accounts.models import User


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


def mood_pair_list(*, user: User, first_day: date | None = None, last_day: date | None = None) -> list[MoodPair]:
    """Every self-report of the period that has a photo counterpart (two queries, grouped in the database).

    A report linked to a counted reading (finished, not unsure: emotions.confidence) pairs with it; any other
    report pairs with the mean negative tone of the person's counted readings of the same calendar day (their
    time zone); without any, it has no pair.
    """
    tz = user_tzinfo_get(user=user)
    linked_counted = counted_q(prefix="assessment__")
    reports = list(
        self_report_list_between(user=user, first_day=first_day, last_day=last_day)
        .annotate(
            day=TruncDate("at", tzinfo=tz),
            linked_negativity=Case(When(linked_counted, then=F("assessment__negativity")), output_field=FloatField()),
            linked_valence=Case(When(linked_counted, then=F("assessment__valence"))),
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
            PhotoAssessment.objects.counted().filter(user=user, negativity__isnull=False),
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


def mood_correlation_compute(
    *, user: User, first_day: date | None = None, last_day: date | None = None
) -> statistics.Correlation:
    """Spearman's rho between photo negativity and self-reported mood, with n and a 95 % interval."""
    pairs = mood_pair_list(user=user, first_day=first_day, last_day=last_day)
    return statistics.spearman([pair.negativity for pair in pairs], [float(pair.mood) for pair in pairs])
