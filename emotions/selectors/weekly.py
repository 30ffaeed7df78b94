"""The week in numbers: the last 7 days against the 28 before them (negative share of photos, mean mood) and the
latest burnout questionnaire, each with a direction. What the weekly digest says in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean
from typing import TYPE_CHECKING

from django.utils import timezone

from emotions.selectors.assessments import assessment_daily_negative_share
from emotions.selectors.periods import user_tzinfo_get
from emotions.selectors.questionnaires import questionnaire_cbi_latest
from emotions.selectors.self_reports import self_report_daily_mood

if TYPE_CHECKING:
    from accounts.models import User
    from emotions.models import QuestionnaireResponse

WEEK_DAYS, BEFORE_DAYS = 7, 28
# Changes smaller than these are "steady": day-to-day noise, not a turn (negative share; mood points).
NEGATIVE_STEADY, MOOD_STEADY = 0.05, 0.3
BETTER, STEADY, WORSE = "better", "steady", "worse"


@dataclass(frozen=True)
class Change:
    week: float | None
    before: float | None
    direction: str | None  # better / steady / worse; None when either side has no data


@dataclass(frozen=True)
class WeeklySummary:
    photos: int
    negative_share: Change
    mood_ratings_days: int
    mood: Change
    cbi: QuestionnaireResponse | None


def _direction(week: float | None, before: float | None, *, steady: float, higher_is_better: bool) -> str | None:
    if week is None or before is None:
        return None
    if abs(week - before) < steady:
        return STEADY
    return BETTER if (week > before) == higher_is_better else WORSE


def weekly_summary_compute(*, user: User, now: datetime | None = None) -> WeeklySummary:
    now = now or timezone.now()
    buckets = assessment_daily_negative_share(user=user, days=WEEK_DAYS + BEFORE_DAYS, now=now)
    week, before = buckets[-WEEK_DAYS:], buckets[:-WEEK_DAYS]

    def share(rows: list) -> float | None:
        total = sum(row.total for row in rows)
        return sum(row.negative for row in rows) / total if total else None

    today = timezone.localtime(now, user_tzinfo_get(user=user)).date()
    week_start = today - timedelta(days=WEEK_DAYS - 1)
    moods = self_report_daily_mood(user=user, days=WEEK_DAYS + BEFORE_DAYS, now=now)
    week_moods = [value for day, value in moods.items() if day >= week_start]
    before_moods = [value for day, value in moods.items() if day < week_start]
    mood_week = fmean(week_moods) if week_moods else None
    mood_before = fmean(before_moods) if before_moods else None
    share_week, share_before = share(week), share(before)
    return WeeklySummary(
        photos=sum(row.total for row in week),
        negative_share=Change(
            share_week,
            share_before,
            _direction(share_week, share_before, steady=NEGATIVE_STEADY, higher_is_better=False),
        ),
        mood_ratings_days=len(week_moods),
        mood=Change(
            mood_week, mood_before, _direction(mood_week, mood_before, steady=MOOD_STEADY, higher_is_better=True)
        ),
        cbi=questionnaire_cbi_latest(user=user),
    )
