"""The personal baseline: a person's own usual negative share, and how their last days compare with it.

People's resting faces differ: a global threshold reads some people as always sad. The baseline is the
person's own share over the BURNOUT_BASELINE_DAYS before the recent window (docs/burnout-flags.md,
"Personal baseline"); the dashboard, the bot's /stats and the `baseline_rise` rule (emotions.burnout) read it
from here. Windows are spans of 24 h counted back from now, like the rules' windows, so the 14-day
comparison shown to the person is the figure the rule judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from emotions.burnout import FLOAT_SLACK, baseline_rise_holds
from emotions.models import PhotoAssessment
from emotions.selectors.periods import user_tzinfo_get

if TYPE_CHECKING:
    from accounts.models import User

# The spans the dashboard and /stats compare with the baseline.
COMPARE_DAYS: tuple[int, ...] = (7, 14)


@dataclass(frozen=True)
class WindowShare:
    readings: int
    negative: int

    @property
    def share(self) -> float | None:
        return self.negative / self.readings if self.readings else None


def readings_share(*, user: User, start: datetime, end: datetime) -> WindowShare:
    """The person's counted readings taken in [start, end) and how many of them were negative."""
    data = (
        PhotoAssessment.objects.counted()
        .filter(user=user, captured_at__gte=start, captured_at__lt=end)
        .aggregate(readings=Count("id"), negative=Count("id", filter=Q(valence=PhotoAssessment.Valence.NEGATIVE)))
    )
    return WindowShare(readings=data["readings"], negative=data["negative"])


@dataclass(frozen=True)
class Baseline:
    start: datetime
    end: datetime  # excluded: the recent window starts here
    readings: int
    days: int  # different calendar days (the person's time zone) with a reading
    # None while there is too little data: no baseline rather than a noisy one.
    share: float | None

    @property
    def exists(self) -> bool:
        return self.share is not None


def personal_baseline(*, user: User, now: datetime | None = None) -> Baseline:
    """The person's negative share over the BURNOUT_BASELINE_DAYS before the recent window (one query).

    Trailing, not the first weeks of use: a baseline follows a life that changes (a new job, a new camera),
    and ending where the recent window starts keeps a rise from hiding inside its own reference.
    """
    now = now or timezone.now()
    end = now - timedelta(days=settings.PORTAL_WINDOW_DAYS)
    start = end - timedelta(days=settings.BURNOUT_BASELINE_DAYS)
    data = (
        PhotoAssessment.objects.counted()
        .filter(user=user, captured_at__gte=start, captured_at__lt=end)
        .aggregate(
            readings=Count("id"),
            negative=Count("id", filter=Q(valence=PhotoAssessment.Valence.NEGATIVE)),
            days=Count(TruncDate("captured_at", tzinfo=user_tzinfo_get(user=user)), distinct=True),
        )
    )
    enough = (
        data["readings"] >= settings.BURNOUT_BASELINE_MIN_READINGS
        and data["days"] >= settings.BURNOUT_BASELINE_MIN_DAYS
    )
    share = data["negative"] / data["readings"] if enough else None
    return Baseline(start=start, end=end, readings=data["readings"], days=data["days"], share=share)


class Verdict(StrEnum):
    NO_BASELINE = "no_baseline"
    TOO_FEW = "too_few"
    LOWER = "lower"
    USUAL = "usual"
    HIGHER = "higher"
    MUCH_HIGHER = "much_higher"


@dataclass(frozen=True)
class BaselineComparison:
    days: int
    readings: int
    share: float | None
    difference: float | None  # share - baseline (0-1); None without both
    verdict: Verdict

    @property
    def difference_points(self) -> int | None:
        return None if self.difference is None else round(self.difference * 100)


def baseline_verdict(*, baseline: Baseline, window: WindowShare) -> Verdict:
    """Plain words for a window against the baseline; "clearly more" is exactly the `baseline_rise` rule."""
    if baseline.share is None:
        return Verdict.NO_BASELINE
    if window.share is None or window.readings < settings.PORTAL_FLAG_MIN_ASSESSMENTS:
        return Verdict.TOO_FEW
    difference = window.share - baseline.share
    if baseline_rise_holds(readings=window.readings, difference=difference):
        return Verdict.MUCH_HIGHER
    # Half the rule's rise: a change worth a word, not yet a signal.
    notable = settings.BURNOUT_BASELINE_RISE_PERCENT / 200
    if difference >= notable - FLOAT_SLACK:
        return Verdict.HIGHER
    if difference <= -notable + FLOAT_SLACK:
        return Verdict.LOWER
    return Verdict.USUAL


def baseline_comparisons(*, user: User, now: datetime | None = None) -> tuple[Baseline, list[BaselineComparison]]:
    """The baseline, and the last 7 and 14 days against it (what the dashboard and /stats say)."""
    now = now or timezone.now()
    baseline = personal_baseline(user=user, now=now)
    comparisons = []
    for days in COMPARE_DAYS:
        # The rules' recent window includes a photo taken at `now` itself; [start, end) needs end just after it.
        window = readings_share(user=user, start=now - timedelta(days=days), end=now + timedelta(microseconds=1))
        verdict = baseline_verdict(baseline=baseline, window=window)
        difference = None
        if baseline.share is not None and window.share is not None:
            difference = window.share - baseline.share
        comparisons.append(
            BaselineComparison(
                days=days, readings=window.readings, share=window.share, difference=difference, verdict=verdict
            )
        )
    return baseline, comparisons
