"""Weekly and daily rhythms in the person's own data: which weekday and which part of the day are hardest.

Computed in the person's time zone from their mood ratings (lower is harder) and their photo readings (a
higher negative share is harder). Each day counts once: a group's value is the mean of its days' means, so a
day with ten photos does not outweigh a day with one. A pattern is shown only from enough days, and only when
its group stands out from the person's own average by a clear margin; the days behind it are always given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from statistics import fmean
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

from emotions.selectors.person_records import PersonRecords, person_records_read

if TYPE_CHECKING:
    from accounts.models import User

# Below this many days with data in all, no rhythm is claimed; a group needs this many of its own days.
MIN_DAYS_WEEKDAY, MIN_GROUP_DAYS_WEEKDAY = 21, 3
MIN_DAYS_DAYPART, MIN_GROUP_DAYS_DAYPART = 14, 4
# How far a group must sit from the person's own average to be called out (mood points; negative share).
MOOD_MARGIN = 0.3
NEGATIVE_MARGIN = 0.05

# Parts of the day by local hour: night before 5, morning to 12, afternoon to 17, evening to 22, then night.
DAYPARTS = ("morning", "afternoon", "evening", "night")
# Weekday names inside a sentence (Russian writes them in lower case there), Monday first like date.weekday().
WEEKDAY_NAMES = (
    pgettext_lazy("weekday in a sentence", "Monday"),
    pgettext_lazy("weekday in a sentence", "Tuesday"),
    pgettext_lazy("weekday in a sentence", "Wednesday"),
    pgettext_lazy("weekday in a sentence", "Thursday"),
    pgettext_lazy("weekday in a sentence", "Friday"),
    pgettext_lazy("weekday in a sentence", "Saturday"),
    pgettext_lazy("weekday in a sentence", "Sunday"),
)
DAYPART_NAMES = {
    "morning": pgettext_lazy("part of the day", "morning"),
    "afternoon": pgettext_lazy("part of the day", "afternoon"),
    "evening": pgettext_lazy("part of the day", "evening"),
    "night": pgettext_lazy("part of the day", "night"),
}


def daypart_of(moment: datetime) -> str:
    hour = moment.hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


@dataclass(frozen=True)
class Pattern:
    """One group (a weekday 0-6, Monday first, or a part of the day) that is harder than the person's average."""

    measure: str  # "mood" (1-5, lower is harder) or "negative" (0-1, higher is harder)
    group: int | str
    value: float  # the group's mean of daily means
    overall: float  # the mean over every day with data
    group_days: int
    total_days: int

    @property
    def is_weekday(self) -> bool:
        return isinstance(self.group, int)

    @property
    def label(self) -> str:
        """The weekday's or the part of the day's name, in the current language."""
        return str(WEEKDAY_NAMES[self.group] if isinstance(self.group, int) else DAYPART_NAMES[self.group])

    @property
    def value_percent(self) -> int:
        return round(self.value * 100)

    @property
    def overall_percent(self) -> int:
        return round(self.overall * 100)


@dataclass(frozen=True)
class Patterns:
    weekday: list[Pattern]
    daypart: list[Pattern]
    mood_days: int
    photo_days: int


Sample = tuple[datetime, float]  # local time, value


def _standout(
    samples: Iterable[Sample],
    *,
    measure: str,
    group_of: Callable[[datetime], int | str],
    min_days: int,
    min_group_days: int,
) -> Pattern | None:
    by_day_group: dict[tuple[date, int | str], list[float]] = defaultdict(list)
    for moment, value in samples:
        by_day_group[(moment.date(), group_of(moment))].append(value)
    days: dict[date, list[float]] = defaultdict(list)
    groups: dict[int | str, list[float]] = defaultdict(list)
    for (day, group), values in by_day_group.items():
        days[day] += values
        groups[group].append(fmean(values))
    if len(days) < min_days:
        return None
    overall = fmean(fmean(values) for values in days.values())
    eligible = {group: values for group, values in groups.items() if len(values) >= min_group_days}
    if len(eligible) < 2:
        return None
    harder_is_lower = measure == "mood"
    pick = min if harder_is_lower else max
    group = pick(eligible, key=lambda g: fmean(eligible[g]))
    value = fmean(eligible[group])
    margin = MOOD_MARGIN if harder_is_lower else NEGATIVE_MARGIN
    if abs(value - overall) < margin or (value > overall) == harder_is_lower:
        return None
    return Pattern(measure, group, value, overall, len(eligible[group]), len(days))


def patterns_compute(
    *,
    user: User,
    first_day: date | None = None,
    last_day: date | None = None,
    records: PersonRecords | None = None,
) -> Patterns:
    """The hardest weekday and part of the day by mood and by photos, where the data show one.

    Two queries, or none with `records` already read for the same days (person_records_read).
    """
    if records is None:
        records = person_records_read(user=user, first_day=first_day, last_day=last_day)
    mood: list[Sample] = [(rating.at, float(rating.mood)) for rating in records.ratings]
    # Only counted readings (person_records_read): an unsure one is in the journal but in no share.
    negative: list[Sample] = [
        (reading.at, float(reading.negativity)) for reading in records.readings if reading.negativity is not None
    ]
    weekday, daypart = [], []
    for measure, samples in (("mood", mood), ("negative", negative)):
        found = _standout(
            samples,
            measure=measure,
            group_of=datetime.weekday,
            min_days=MIN_DAYS_WEEKDAY,
            min_group_days=MIN_GROUP_DAYS_WEEKDAY,
        )
        if found is not None:
            weekday.append(found)
        found = _standout(
            samples,
            measure=measure,
            group_of=daypart_of,
            min_days=MIN_DAYS_DAYPART,
            min_group_days=MIN_GROUP_DAYS_DAYPART,
        )
        if found is not None:
            daypart.append(found)
    return Patterns(
        weekday=weekday,
        daypart=daypart,
        mood_days=len({moment.date() for moment, _v in mood}),
        photo_days=len({moment.date() for moment, _v in negative}),
    )
