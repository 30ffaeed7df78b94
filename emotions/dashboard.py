"""The dashboard's presentation: what templates/emotions/_dynamics.html, the dashboard and the portal draw.

Reads go through emotions.selectors; this module only shapes them for the templates and for
static/js/dashboard.js (chart data, the year's heatmap, the words about photos against mood ratings).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SharingCategory
from emotions import selectors
from emotions.guidance import baseline_comparison_text, baseline_summary_text

ALL_CATEGORIES = tuple(SharingCategory.values)


def dynamics_context(user: Any, days: int, categories: Collection[str] = ALL_CATEGORIES) -> dict[str, Any]:
    """What templates/emotions/_dynamics.html draws for one person: the dashboard and the portal share it.

    `categories`: what is shown (the person's own dashboard: all; the portal: what the patient shares, given by
    emotions.selectors.clinician.patient_detail_read). Nothing of another category is even read.
    """
    shared = {category: category in categories for category in ALL_CATEGORIES}
    context: dict[str, Any] = {
        "days": days,
        "periods": selectors.DASHBOARD_PERIODS,
        "user_tz": selectors.user_tzinfo_get(user=user),
        "shared": shared,
        "has_any": shared["readings"] and selectors.assessment_exists(user=user),
    }
    cbi_history = (
        list(reversed(selectors.questionnaire_cbi_list(user=user)[:CBI_HISTORY_LIMIT]))
        if shared["questionnaire"]
        else []
    )
    context["cbi_history"] = cbi_history
    moods = selectors.self_report_daily_mood(user=user, days=days) if shared["mood"] else {}
    if not shared["readings"]:
        # Mood without the readings: its own table, since the readings' chart and table carry it otherwise.
        context["mood_days"] = sorted(moods.items(), reverse=True)
    if context["has_any"]:
        buckets = selectors.assessment_daily_negative_share(user=user, days=days)
        mix = selectors.assessment_emotion_mix(user=user, days=days)
        year = buckets
        if days != HEATMAP_DAYS:
            year = selectors.assessment_daily_negative_share(user=user, days=HEATMAP_DAYS)
        context.update(
            {
                "summary": selectors.assessment_period_summary(user=user, days=days),
                "days_with_data": [
                    (bucket, moods.get(bucket.day)) for bucket in buckets if bucket.total or bucket.day in moods
                ],
                "mix": mix,
                "latest": selectors.assessment_latest(user=user, limit=10),
                "chart_data": chart_data(buckets, mix, moods, cbi_history, context["user_tz"]),
                "heatmap_weeks": heatmap_weeks(year),
                "heatmap_days": [bucket for bucket in year if bucket.total],
            }
        )
    return context


# The CBI history chart and table show this many latest answers (a year of weekly answers).
CBI_HISTORY_LIMIT = 52


HEATMAP_DAYS = 365


# Colour steps of the calendar: a day's negative share up to each bound (percent) gets that level.
HEATMAP_LEVELS = (20, 40, 60, 80, 100)


def heatmap_weeks(buckets: list[selectors.DayBucket]) -> list[list[dict[str, Any] | None]]:
    """The year as a calendar: seven rows (Monday first), one column per week; None pads the first and last week."""
    cells: list[dict[str, Any] | None] = [None] * buckets[0].day.weekday() if buckets else []
    for bucket in buckets:
        level = 0
        if bucket.negative_share is not None:
            percent = bucket.negative_share * 100
            level = next(index + 1 for index, bound in enumerate(HEATMAP_LEVELS) if percent <= bound)
        cells.append({"bucket": bucket, "level": level})
    cells += [None] * (-len(cells) % 7)
    weeks = [cells[start : start + 7] for start in range(0, len(cells), 7)]
    return [[week[weekday] for week in weeks] for weekday in range(7)]


# Conventional cut-offs for a "moderate" and a "weak" rank correlation; the expected sign is negative
# (more negative photos, lower mood), so anything above the weak bound reads as no useful link.
CORRELATION_MODERATE, CORRELATION_WEAK = -0.3, -0.1


def correlation_context(user: Any) -> dict[str, Any] | None:
    """What the dashboard says about photos against the person's own ratings; None below the minimum of pairs."""
    today = timezone.localdate(timezone=selectors.user_tzinfo_get(user=user))
    first_day = today - timedelta(days=settings.CORRELATION_WINDOW_DAYS - 1)
    result = selectors.mood_correlation_compute(user=user, first_day=first_day)
    if result.n < settings.CORRELATION_MIN_PAIRS:
        return None
    if result.rho is None:
        words = _(
            "Your mood ratings (or the photo estimates) did not vary, so we cannot say whether they move together."
        )
    elif result.rho <= CORRELATION_MODERATE:
        words = _(
            "On days your photos looked more negative, you usually rated your mood lower: "
            "the photo estimates follow how you say you feel."
        )
    elif result.rho < CORRELATION_WEAK:
        words = _(
            "On days your photos looked more negative, you rated your mood a little lower, "
            "but the link is weak: read the photo estimates with care."
        )
    else:
        words = _(
            "The photo estimates and your own ratings do not move together: "
            "for you, your own ratings are the better guide."
        )
    return {"result": result, "words": words}


def baseline_context(user: Any) -> dict[str, Any]:
    """The dashboard's "Compared with your usual": the baseline (or why none yet), the last 7 and 14 days."""
    baseline, comparisons = selectors.baseline_comparisons(user=user)
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
    buckets: list[selectors.DayBucket],
    mix: list[selectors.ClassShare],
    moods: dict[Any, float] | None = None,
    cbi_history: list[Any] | None = None,
    tz: Any = None,
) -> dict[str, Any]:
    """What static/js/dashboard.js draws; passed through json_script (no inline script)."""
    moods = moods or {}
    return {
        "mood": [None if bucket.day not in moods else round(moods[bucket.day], 2) for bucket in buckets],
        "thresholds": {
            "negative_percent": settings.PORTAL_FLAG_NEGATIVE_PERCENT,
            "cbi": settings.BURNOUT_FLAG_CBI_SCORE,
        },
        "cbi": {
            "days": [timezone.localtime(row.at, tz).date().isoformat() for row in cbi_history or []],
            "scores": [round(row.score, 1) for row in cbi_history or []],
        },
        "daily": {
            "days": [bucket.day.isoformat() for bucket in buckets],
            # Percent, rounded: the chart needs no more precision and the page stays small.
            "negative_share": [
                None if bucket.negative_share is None else round(bucket.negative_share * 100, 1) for bucket in buckets
            ],
            "rolling_share": [
                None if bucket.rolling_share is None else round(bucket.rolling_share * 100, 1) for bucket in buckets
            ],
            "rolling_days": selectors.ROLLING_DAYS,
            "totals": [bucket.total for bucket in buckets],
        },
        "mix": {
            "labels": [item.label for item in mix],
            "names": [item.name for item in mix],
            "counts": [item.count for item in mix],
        },
    }
