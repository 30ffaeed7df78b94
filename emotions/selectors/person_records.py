"""A person's mood ratings and counted photo readings over a period, in their local time, read once.

The rhythms (emotions.selectors.patterns) and the factors (emotions.selectors.factors) compute from the same
two reads; the dashboard shows both, so it reads them once and hands the result to each (converting a year of
timestamps to local time twice was most of their cost). Each page that shows only one reads through here too.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone

from emotions.models import PhotoAssessment, SelfReport
from emotions.selectors.periods import _on_days, user_tzinfo_get

if TYPE_CHECKING:
    from accounts.models import User


class Rating(NamedTuple):
    id: int
    at: datetime  # local time
    mood: int
    sleep_hours: Decimal | None
    workload: int | None


class Reading(NamedTuple):
    at: datetime  # local time
    negativity: float | None  # the summed probability of the negative emotions ("negative tone")
    negative: bool  # the top emotion is a negative one


class PersonRecords(NamedTuple):
    ratings: list[Rating]
    readings: list[Reading]  # counted ones only: an unsure reading is in no share (emotions/confidence.py)


def person_records_read(*, user: User, first_day: date | None = None, last_day: date | None = None) -> PersonRecords:
    """The ratings and counted readings made on these calendar days of the person's time zone (two queries)."""
    tz = user_tzinfo_get(user=user)
    ratings = _on_days(SelfReport.objects.filter(user=user), "at", tz, first_day, last_day).order_by()
    readings = _on_days(PhotoAssessment.objects.counted().filter(user=user), "captured_at", tz, first_day, last_day)
    negative = PhotoAssessment.Valence.NEGATIVE
    return PersonRecords(
        ratings=[
            Rating(pk, timezone.localtime(at, tz), mood, sleep_hours, workload)
            for pk, at, mood, sleep_hours, workload in ratings.values_list(
                "pk", "at", "mood", "sleep_hours", "workload"
            )
        ],
        readings=[
            Reading(timezone.localtime(at, tz), negativity, valence == negative)
            for at, negativity, valence in readings.order_by().values_list("captured_at", "negativity", "valence")
        ],
    )
