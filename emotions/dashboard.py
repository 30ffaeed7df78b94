"""The dashboard's presentation: what templates/emotions/_dynamics.html, the dashboard and the portal draw.

Reads go through emotions.selectors; this module only shapes them for the templates and for
static/js/dashboard.js (chart data, the year's heatmap, the words about photos against mood ratings).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import SharingCategory
from emotions import selectors
from emotions.guidance import baseline_comparison_text, baseline_summary_text
from emotions.selectors.assessments import percent_text
from emotions.selectors.factors import MIN_DAYS as FACTOR_MIN_DAYS
from emotions.selectors.factors import factors_rank
from emotions.selectors.patterns import MIN_DAYS_DAYPART, MIN_DAYS_WEEKDAY
from emotions.selectors.person_records import person_records_read

ALL_CATEGORIES = tuple(SharingCategory.values)


def dynamics_context(
    user: Any, days: int, bucket: str | None = None, categories: Collection[str] = ALL_CATEGORIES
) -> dict[str, Any]:
    """What templates/emotions/_dynamics.html draws for one person: the dashboard and the portal share it.

    `bucket` is "day" or "week"; anything else takes the period's default (weeks from WEEKLY_FROM_DAYS up).
    `categories`: what is shown (the person's own dashboard: all; the portal: what the patient shares, given by
    emotions.selectors.clinician.patient_detail_read). Nothing of another category is even read.
    """
    shared = {category: category in categories for category in ALL_CATEGORIES}
    if bucket not in selectors.DYNAMICS_BUCKETS:
        bucket = "week" if days >= WEEKLY_FROM_DAYS else "day"
    tz = selectors.user_tzinfo_get(user=user)
    weekly = bucket == "week"
    # Weeks are shown whole, the last one ending today, so no point is a week cut short (one photo read as
    # 100%): the period then spans whole weeks (90 days as 13 weeks, 91 days), and every figure of the page
    # follows that span, so the weekly totals add up to the period's count.
    span = whole_weeks(days) if weekly else days
    first_day = timezone.localdate(timezone=tz) - timedelta(days=span - 1)
    context: dict[str, Any] = {
        "days": days,
        "span_days": span,
        "span_weeks": span // 7,
        "span_first_day": first_day,
        "bucket": bucket,
        "periods": selectors.DASHBOARD_PERIODS,
        "user_tz": tz,
        "shared": shared,
        "has_any": shared["readings"] and selectors.assessment_exists(user=user),
    }
    # The questionnaire's chart and table follow the period like every other chart.
    cbi_history = (
        [
            row
            for row in reversed(selectors.questionnaire_cbi_list(user=user)[:CBI_HISTORY_LIMIT])
            if timezone.localtime(row.at, tz).date() >= first_day
        ]
        if shared["questionnaire"]
        else []
    )
    context["cbi_history"] = cbi_history
    if not shared["readings"]:
        # Mood without the readings: its own table, since the readings' chart and table carry it otherwise.
        moods = selectors.self_report_daily_mood(user=user, days=span) if shared["mood"] else {}
        context["mood_days"] = sorted(moods.items(), reverse=True)
    if context["has_any"]:
        daily = selectors.assessment_daily_negative_share(user=user, days=span)
        mix = selectors.assessment_emotion_mix(user=user, days=span)
        year_moods = selectors.self_report_daily_mood(user=user, days=max(HEATMAP_DAYS, span)) if shared["mood"] else {}
        moods = {day: mood for day, mood in year_moods.items() if day >= first_day}
        # The calendar's year is the chart's days when they reach back a year: one read fewer.
        year = daily[-HEATMAP_DAYS:]
        if span < HEATMAP_DAYS:
            year = selectors.assessment_daily_negative_share(user=user, days=HEATMAP_DAYS)
        buckets = chart_buckets(daily, moods, weekly=weekly)
        context.update(
            {
                "summary": selectors.assessment_period_summary(user=user, days=span),
                "buckets_with_data": [item for item in buckets if item.total or item.mood is not None],
                "mix": mix,
                "latest": selectors.assessment_latest(user=user, limit=10),
                "chart_data": chart_data(buckets, mix, cbi_history, tz),
                "mood_points": sum(1 for item in buckets if item.mood is not None),
                # Monday, Wednesday, Friday and Sunday named: every row named would not fit 12-pixel rows.
                "heatmap_rows": list(
                    zip(
                        [WEEKDAYS_ABBR[index] if index % 2 == 0 else "" for index in range(7)],
                        heatmap_weeks(year, year_moods),
                        strict=True,
                    )
                ),
                "heatmap_months": heatmap_months(year),
                "heatmap_days": [item for item in year if item.total],
            }
        )
    return context


# From this period up the charts show weeks by default: 90 or 365 daily points are noise on a phone.
WEEKLY_FROM_DAYS = 90


def whole_weeks(days: int) -> int:
    """The period rounded up to whole weeks: 90 days are charted as 13 weeks (91 days), 365 as 53 (371)."""
    return -(-days // 7) * 7


@dataclass(frozen=True)
class ChartBucket:
    """One point of the charts and one row of their table: a day, or seven days, the last ending today.

    Weeks end on today like "Where you stand this week" (the last seven days), so the latest point is a whole
    week, never a Monday-to-today stub.
    """

    start: date
    end: date
    total: int
    negative: int
    rolling_share: float | None  # days only: the trailing ROLLING_DAYS
    # The mean of the days' mean ratings: each rated day weighs the same, however many times it was rated.
    mood: float | None

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.total if self.total else None

    @property
    def label(self) -> str:
        return (
            self.start.isoformat() if self.start == self.end else f"{self.start.isoformat()} – {self.end.isoformat()}"
        )

    @property
    def share_percent(self) -> str:
        return percent_text(self.negative_share)

    @property
    def rolling_percent(self) -> str:
        return percent_text(self.rolling_share)


def chart_buckets(daily: list[selectors.DayBucket], moods: dict[date, float], *, weekly: bool) -> list[ChartBucket]:
    """The daily buckets as they are, or summed per seven days counted back from the last (no query).

    For weeks, pass whole weeks of days (whole_weeks): only then is the first week whole too.
    """
    last_day = daily[-1].day if daily else date.max
    groups: dict[object, list[selectors.DayBucket]] = {}
    for item in daily:
        key = (last_day - item.day).days // 7 if weekly else item.day
        groups.setdefault(key, []).append(item)
    buckets = []
    for days in groups.values():
        rated = [moods[item.day] for item in days if item.day in moods]
        buckets.append(
            ChartBucket(
                start=days[0].day,
                end=days[-1].day,
                total=sum(item.total for item in days),
                negative=sum(item.negative for item in days),
                rolling_share=None if weekly else days[0].rolling_share,
                mood=sum(rated) / len(rated) if rated else None,
            )
        )
    return buckets


# The CBI history chart and table show this many latest answers (a year of weekly answers).
CBI_HISTORY_LIMIT = 52


HEATMAP_DAYS = 365


# Colour steps of the calendar: a day's negative share up to each bound (percent) gets that level.
HEATMAP_LEVELS = (20, 40, 60, 80, 100)


def heatmap_weeks(
    buckets: list[selectors.DayBucket], moods: dict[date, float] | None = None
) -> list[list[dict[str, Any] | None]]:
    """The year as a calendar: seven rows (Monday first), one column per week; None pads the first and last week.

    Each day has two colour levels: its negative share (`level`, 1-5) and its mean mood (`mood`, 1-5 rounded);
    0 is a day without it. The page's toggle picks which one colours the squares (CSS only).
    """
    moods = moods or {}
    cells: list[dict[str, Any] | None] = [None] * buckets[0].day.weekday() if buckets else []
    for bucket in buckets:
        level = 0
        if bucket.negative_share is not None:
            percent = bucket.negative_share * 100
            level = next(index + 1 for index, bound in enumerate(HEATMAP_LEVELS) if percent <= bound)
        mood = moods.get(bucket.day)
        cells.append({"bucket": bucket, "level": level, "mood": 0 if mood is None else round(mood)})
    cells += [None] * (-len(cells) % 7)
    weeks = [cells[start : start + 7] for start in range(0, len(cells), 7)]
    return [[week[weekday] for week in weeks] for weekday in range(7)]


def heatmap_months(buckets: list[selectors.DayBucket]) -> list[str]:
    """A label over each calendar column: the month's short name where a month begins, else empty."""
    if not buckets:
        return []
    first = buckets[0].day - timedelta(days=buckets[0].day.weekday())
    labels = []
    week = first
    while week <= buckets[-1].day:
        starts = [week + timedelta(days=offset) for offset in range(7)]
        month_start = next((day for day in starts if day.day == 1 and day >= buckets[0].day), None)
        # The first column names its month unless a new one begins within two weeks (the labels would touch).
        if week == first and month_start is None and buckets[0].day.day <= 17:
            month_start = buckets[0].day
        labels.append(str(MONTHS_3[month_start.month]).capitalize() if month_start else "")
        week += timedelta(days=7)
    return labels


# Conventional cut-offs of a rank correlation's strength (Cohen's): from 0.1 weak, 0.3 moderate, 0.5 strong.
CORRELATION_STRENGTHS: tuple[tuple[float, str], ...] = ((0.5, "strong"), (0.3, "moderate"), (0.1, "weak"))


def _strength_words() -> dict[str, str]:
    return {
        "strong": pgettext("link strength", "strong"),
        "moderate": pgettext("link strength", "moderate"),
        "weak": pgettext("link strength", "weak"),
    }


def correlation_context(user: Any, days: int | None = None) -> dict[str, Any] | None:
    """What the dashboard says about photos against the person's own ratings; None below the minimum of pairs.

    Over the selected period (`days`), at most the last CORRELATION_WINDOW_DAYS. Plain words with the strength
    in a word; the figures (Spearman's rho, its interval, n) go in a details element.
    """
    today = timezone.localdate(timezone=selectors.user_tzinfo_get(user=user))
    # The selected period, never longer than CORRELATION_WINDOW_DAYS (the cap keeps the page's cost bounded).
    window = min(days or settings.CORRELATION_WINDOW_DAYS, settings.CORRELATION_WINDOW_DAYS)
    first_day = today - timedelta(days=window - 1)
    result = selectors.mood_correlation_compute(user=user, first_day=first_day)
    if result.n < settings.CORRELATION_MIN_PAIRS:
        return None
    if result.rho is None:
        return {
            "result": result,
            "words": _(
                "Your mood ratings (or the photo estimates) did not vary, so we cannot say whether they move together."
            ),
        }
    strength = next((name for bound, name in CORRELATION_STRENGTHS if abs(result.rho) >= bound), None)
    if strength is None:
        words = _(
            "The photo estimates and your own ratings do not move together: "
            "for you, your own ratings are the better guide."
        )
    elif result.rho < 0:
        words = _(
            "On days your photos looked more negative, you usually rated your mood lower too. The link is %(strength)s."
        ) % {"strength": _strength_words()[strength]}
    else:
        words = _(
            "On days your photos looked more negative, you usually rated your mood higher, not lower. "
            "The link is %(strength)s: for you, your own ratings are the better guide."
        ) % {"strength": _strength_words()[strength]}
    return {"result": result, "words": words, "strength": strength}


# The dashboard names at most this many factors; the factors page lists them all.
HARDER_DAYS_FACTORS = 2


def harder_days_context(user: Any, days: int) -> dict[str, Any]:
    """The dashboard's "What goes with your harder days": the rhythms and the factors that go with lower mood.

    Over the selected period, like every other insight; the journal and the factors page give the whole story.
    """
    first_day = timezone.localdate(timezone=selectors.user_tzinfo_get(user=user)) - timedelta(days=days - 1)
    # One read of the period's ratings and readings serves both.
    records = person_records_read(user=user, first_day=first_day)
    patterns = selectors.patterns_compute(user=user, first_day=first_day, records=records)
    ranking = factors_rank(user=user, first_day=first_day, records=records)
    return {
        "patterns": [*patterns.weekday, *patterns.daypart],
        # Harder days only: a factor that goes with a better mood is on the factors page.
        "factors": [effect for effect in ranking.effects if effect.mood_direction == "lower"][:HARDER_DAYS_FACTORS],
        # What "enough data" means, for the sentence shown while nothing stands out.
        "weekday_days": MIN_DAYS_WEEKDAY,
        "daypart_days": MIN_DAYS_DAYPART,
        "factor_days": FACTOR_MIN_DAYS,
    }


def baseline_context(baseline: selectors.Baseline, comparisons: list[selectors.BaselineComparison]) -> dict[str, Any]:
    """The dashboard's "Compared with your usual": the baseline (or why none yet), the last 7 and 14 days.

    From selectors.baseline_comparisons, read once by the view (the week's summary reuses its baseline).
    """
    return {
        "exists": baseline.exists,
        "summary": baseline_summary_text(baseline),
        "rows": [
            {"verdict": comparison.verdict.value, "text": baseline_comparison_text(comparison)}
            for comparison in comparisons
        ],
    }


def period_from(raw: str | None) -> int:
    try:
        days = int(raw or selectors.DEFAULT_PERIOD)
    except ValueError:
        return selectors.DEFAULT_PERIOD
    return days if days in selectors.DASHBOARD_PERIODS else selectors.DEFAULT_PERIOD


def chart_data(
    buckets: list[ChartBucket],
    mix: list[selectors.ClassShare],
    cbi_history: list[Any] | None = None,
    tz: Any = None,
) -> dict[str, Any]:
    """What static/js/dashboard.js draws; passed through json_script (no inline script)."""
    weekly = any(item.start != item.end for item in buckets)
    return {
        "weekly": weekly,
        "mood": [None if item.mood is None else round(item.mood, 2) for item in buckets],
        "thresholds": {
            "negative_percent": settings.PORTAL_FLAG_NEGATIVE_PERCENT,
            "cbi": settings.BURNOUT_FLAG_CBI_SCORE,
        },
        "cbi": {
            "days": [timezone.localtime(row.at, tz).date().isoformat() for row in cbi_history or []],
            "scores": [round(row.score, 1) for row in cbi_history or []],
        },
        "daily": {
            "days": [item.start.isoformat() for item in buckets],
            # Percent, rounded: the chart needs no more precision and the page stays small.
            "negative_share": [
                None if item.negative_share is None else round(item.negative_share * 100, 1) for item in buckets
            ],
            "rolling_share": [
                None if item.rolling_share is None else round(item.rolling_share * 100, 1) for item in buckets
            ],
            "rolling_days": selectors.ROLLING_DAYS,
            "totals": [item.total for item in buckets],
        },
        "mix": {
            "labels": [item.label for item in mix],
            "names": [item.name for item in mix],
            "counts": [item.count for item in mix],
        },
    }
