"""Which factors go with lower mood or more negative photos: short sleep, a heavy workload, each of the person's
tags. Days with the factor are compared with the person's other rated days (their own baseline, not a norm).

A day counts once: its mood is the mean of that day's ratings, its photos the share of that day's analysed photos
whose top emotion is negative. A factor is shown only with MIN_DAYS days on each side; the days are always given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean
from typing import TYPE_CHECKING

from django.db.models.functions import Lower

from emotions.factor_models import FactorTag
from emotions.models import SelfReport
from emotions.selectors.periods import _on_days, user_tzinfo_get
from emotions.selectors.person_records import PersonRecords, person_records_read

if TYPE_CHECKING:
    from accounts.models import User

MIN_DAYS = 5  # days with the factor, and days without it, before anything is said
MIN_PHOTO_DAYS = 3  # days with photos on each side before the photos are compared
SHORT_SLEEP_HOURS = 7
HEAVY_WORKLOAD = 4
SAME_MOOD = 0.2  # mood points: a smaller difference is "about the same"


@dataclass
class _Day:
    moods: list[float] = field(default_factory=list)
    sleep: list[float] = field(default_factory=list)
    workload: list[int] = field(default_factory=list)
    tags: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class FactorEffect:
    kind: str  # "sleep", "workload" or "tag"
    tag: str  # the tag's name, for kind "tag"
    days_with: int
    days_without: int
    mood_with: float
    mood_without: float
    negative_with: float | None  # share of negative photos on those days, when enough days had photos
    negative_without: float | None

    @property
    def mood_difference(self) -> float:
        return self.mood_with - self.mood_without

    @property
    def mood_direction(self) -> str:
        if abs(self.mood_difference) < SAME_MOOD:
            return "same"
        return "lower" if self.mood_difference < 0 else "higher"

    @property
    def mood_difference_abs(self) -> float:
        return abs(self.mood_difference)

    @property
    def negative_with_percent(self) -> int | None:
        return None if self.negative_with is None else round(self.negative_with * 100)

    @property
    def negative_without_percent(self) -> int | None:
        return None if self.negative_without is None else round(self.negative_without * 100)


@dataclass(frozen=True)
class FactorRanking:
    effects: list[FactorEffect]  # harder first: the largest drop in mood at the top
    rated_days: int


def _days(*, user: User, first_day: date | None, records: PersonRecords) -> tuple[dict[date, _Day], dict[date, float]]:
    # Plain tuples and one read of the tag links: model instances with prefetched tags cost five times as much
    # over a year of daily ratings (the dashboard reads this on every visit).
    tz = user_tzinfo_get(user=user)
    links = _on_days(
        SelfReport.tags.through.objects.filter(selfreport__user=user), "selfreport__at", tz, first_day, None
    )
    tags_of: dict[int, list[int]] = defaultdict(list)
    for report_id, tag_id in links.values_list("selfreport_id", "factortag_id"):
        tags_of[report_id].append(tag_id)
    days: dict[date, _Day] = defaultdict(_Day)
    for rating in records.ratings:
        day = days[rating.at.date()]
        day.moods.append(rating.mood)
        if rating.sleep_hours is not None:
            day.sleep.append(float(rating.sleep_hours))
        if rating.workload is not None:
            day.workload.append(rating.workload)
        day.tags.update(tags_of.get(rating.id, ()))
    photos: dict[date, list[bool]] = defaultdict(list)
    for reading in records.readings:  # counted ones only (person_records_read)
        photos[reading.at.date()].append(reading.negative)
    shares = {day: sum(values) / len(values) for day, values in photos.items()}
    return days, shares


def _effect(
    kind: str, tag: str, days: dict[date, _Day], shares: dict[date, float], has: Callable[[_Day], bool | None]
) -> FactorEffect | None:
    """Compare the days where `has` is True with those where it is False (None: the factor was not recorded)."""
    sides: dict[bool, list[date]] = {True: [], False: []}
    for day, data in days.items():
        answer = has(data)
        if answer is not None:
            sides[answer].append(day)
    if len(sides[True]) < MIN_DAYS or len(sides[False]) < MIN_DAYS:
        return None

    def mood(side: list[date]) -> float:
        return fmean(fmean(days[day].moods) for day in side)

    def negative(side: list[date]) -> float | None:
        values = [shares[day] for day in side if day in shares]
        return fmean(values) if len(values) >= MIN_PHOTO_DAYS else None

    with_negative, without_negative = negative(sides[True]), negative(sides[False])
    if with_negative is None or without_negative is None:
        with_negative = without_negative = None
    return FactorEffect(
        kind,
        tag,
        len(sides[True]),
        len(sides[False]),
        mood(sides[True]),
        mood(sides[False]),
        with_negative,
        without_negative,
    )


def factors_rank(*, user: User, first_day: date | None = None, records: PersonRecords | None = None) -> FactorRanking:
    """The factors with enough days behind them, the one going with the lowest mood first.

    Four queries (the ratings, the photos, their tag links, the tags), two with `records` already read from
    `first_day` on (person_records_read).
    """
    if records is None:
        records = person_records_read(user=user, first_day=first_day)
    days, shares = _days(user=user, first_day=first_day, records=records)
    candidates = [
        _effect("sleep", "", days, shares, lambda d: min(d.sleep) < SHORT_SLEEP_HOURS if d.sleep else None),
        _effect("workload", "", days, shares, lambda d: max(d.workload) >= HEAVY_WORKLOAD if d.workload else None),
    ]
    for tag in FactorTag.objects.filter(user=user).order_by(Lower("name")):
        candidates.append(_effect("tag", tag.name, days, shares, lambda d, pk=tag.pk: pk in d.tags))
    effects = sorted((e for e in candidates if e is not None), key=lambda e: e.mood_difference)
    return FactorRanking(effects=effects, rated_days=len(days))


def factor_tag_list(*, user: User) -> list[FactorTag]:
    return list(FactorTag.objects.filter(user=user).order_by(Lower("name"), "id"))
