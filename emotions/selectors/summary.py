"""Where a person stands: this week against their previous four weeks (and their own baseline).

The dashboard's first card reads it. Three measures: the share of negative photos (counted readings only,
emotions.confidence), the mean of the person's own 1-5 mood ratings, and the latest burnout questionnaire
(CBI) score against the answers of the four weeks before it. Each gets a direction: better, steady or worse,
or none when there is too little to compare. Four queries whatever the history's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils import timezone

from emotions.burnout import FLOAT_SLACK
from emotions.models import PhotoAssessment, SelfReport
from emotions.selectors.baseline import Baseline, Verdict, WindowShare, baseline_verdict, personal_baseline
from emotions.selectors.periods import _day_start, user_tzinfo_get
from emotions.selectors.questionnaires import questionnaire_cbi_list

if TYPE_CHECKING:
    from accounts.models import User

WEEK_DAYS = 7
PREVIOUS_WEEKS = 4

# Half a step on the 1-5 scale: a smaller change of a weekly mean is one rating more or less.
MOOD_STEADY_WITHIN = 0.5
# A mean needs a few ratings before its direction means anything.
MOOD_MIN_RATINGS = 2
# One CBI answer moved by one step (25 points over six questions) moves the score by about 4 points.
CBI_STEADY_WITHIN = 5.0


class Direction(StrEnum):
    BETTER = "better"
    STEADY = "steady"
    WORSE = "worse"
    UNKNOWN = "unknown"  # too little data on one side


@dataclass(frozen=True)
class Measure:
    current: float | None  # this week's value (the latest CBI score for the questionnaire)
    current_count: int  # readings, ratings or answers behind it
    previous: float | None  # the mean over the four weeks before
    previous_count: int
    direction: Direction

    @property
    def difference(self) -> float | None:
        return None if self.current is None or self.previous is None else self.current - self.previous


@dataclass(frozen=True)
class WeekSummary:
    first_day: date  # this week: the last seven days, today included
    previous_first_day: date  # the four weeks before: previous_first_day .. first_day - 1
    negative: Measure  # shares 0-1
    mood: Measure
    cbi: Measure
    cbi_latest_at: datetime | None
    baseline_share: float | None  # the person's usual negative share, when one exists
    baseline_direction: Direction  # this week's share against it


def _direction(difference: float | None, steady_within: float, *, higher_is_better: bool) -> Direction:
    if difference is None:
        return Direction.UNKNOWN
    if abs(difference) < steady_within - FLOAT_SLACK:
        return Direction.STEADY
    return Direction.BETTER if (difference > 0) == higher_is_better else Direction.WORSE


# The baseline's own verdict (one rule with "Compared with your usual" and the `baseline_rise` flag).
_BASELINE_DIRECTIONS = {
    Verdict.LOWER: Direction.BETTER,
    Verdict.USUAL: Direction.STEADY,
    Verdict.HIGHER: Direction.WORSE,
    Verdict.MUCH_HIGHER: Direction.WORSE,
}


def _negative(user: User, this_start: datetime, previous_start: datetime, end: datetime) -> tuple[Measure, WindowShare]:
    this_week = Q(captured_at__gte=this_start)
    negative = Q(valence=PhotoAssessment.Valence.NEGATIVE)
    data = (
        PhotoAssessment.objects.counted()
        .filter(user=user, captured_at__gte=previous_start, captured_at__lt=end)
        .aggregate(
            current=Count("id", filter=this_week),
            current_negative=Count("id", filter=this_week & negative),
            previous=Count("id", filter=~this_week),
            previous_negative=Count("id", filter=~this_week & negative),
        )
    )
    window = WindowShare(readings=data["current"], negative=data["current_negative"])
    before = WindowShare(readings=data["previous"], negative=data["previous_negative"])
    difference = None
    # A share of two photos swings by 50 points: judge only from as many readings as the alert rules need.
    minimum = settings.PORTAL_FLAG_MIN_ASSESSMENTS
    if window.share is not None and before.share is not None and min(window.readings, before.readings) >= minimum:
        difference = window.share - before.share
    # "A change worth a word" is the baseline's: half the rise that raises the `baseline_rise` flag.
    steady_within = settings.BURNOUT_BASELINE_RISE_PERCENT / 200
    measure = Measure(
        current=window.share,
        current_count=window.readings,
        previous=before.share,
        previous_count=before.readings,
        direction=_direction(difference, steady_within, higher_is_better=False),
    )
    return measure, window


def _mood(user: User, this_start: datetime, previous_start: datetime, end: datetime) -> Measure:
    this_week = Q(at__gte=this_start)
    data = SelfReport.objects.filter(user=user, at__gte=previous_start, at__lt=end).aggregate(
        current=Avg("mood", filter=this_week),
        current_count=Count("id", filter=this_week),
        previous=Avg("mood", filter=~this_week),
        previous_count=Count("id", filter=~this_week),
    )
    enough = min(data["current_count"], data["previous_count"]) >= MOOD_MIN_RATINGS
    difference = data["current"] - data["previous"] if enough else None
    return Measure(
        current=data["current"],
        current_count=data["current_count"],
        previous=data["previous"],
        previous_count=data["previous_count"],
        direction=_direction(difference, MOOD_STEADY_WITHIN, higher_is_better=True),
    )


def _cbi(user: User) -> tuple[Measure, datetime | None]:
    """The latest answer against the mean of those in the four weeks before it (whenever it was given)."""
    latest = questionnaire_cbi_list(user=user).values("at", "score").first()
    if latest is None:
        return Measure(None, 0, None, 0, Direction.UNKNOWN), None
    data = (
        questionnaire_cbi_list(user=user)
        .filter(at__lt=latest["at"], at__gte=latest["at"] - timedelta(days=WEEK_DAYS * PREVIOUS_WEEKS))
        .aggregate(previous=Avg("score"), previous_count=Count("id"))
    )
    difference = None if data["previous"] is None else latest["score"] - data["previous"]
    measure = Measure(
        current=latest["score"],
        current_count=1,
        previous=data["previous"],
        previous_count=data["previous_count"],
        direction=_direction(difference, CBI_STEADY_WITHIN, higher_is_better=False),
    )
    return measure, latest["at"]


def week_summary_get(*, user: User, now: datetime | None = None, baseline: Baseline | None = None) -> WeekSummary:
    """This week (the last seven calendar days of the person's time zone) against the four weeks before.

    `baseline` is the person's personal baseline when the caller has already read it (the dashboard does).
    """
    now = now or timezone.now()
    tz = user_tzinfo_get(user=user)
    today = timezone.localtime(now, tz).date()
    first_day = today - timedelta(days=WEEK_DAYS - 1)
    previous_first_day = first_day - timedelta(days=WEEK_DAYS * PREVIOUS_WEEKS)
    this_start, previous_start = _day_start(first_day, tz), _day_start(previous_first_day, tz)
    end = _day_start(today + timedelta(days=1), tz)
    negative, window = _negative(user, this_start, previous_start, end)
    cbi, cbi_at = _cbi(user)
    baseline = baseline if baseline is not None else personal_baseline(user=user, now=now)
    return WeekSummary(
        first_day=first_day,
        previous_first_day=previous_first_day,
        negative=negative,
        mood=_mood(user, this_start, previous_start, end),
        cbi=cbi,
        cbi_latest_at=cbi_at,
        baseline_share=baseline.share,
        baseline_direction=_BASELINE_DIRECTIONS.get(
            baseline_verdict(baseline=baseline, window=window), Direction.UNKNOWN
        ),
    )
