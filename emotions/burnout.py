"""The burnout rules (docs/burnout-flags.md): the one place that decides whether each rule holds.

`burnout_rule_states` evaluates the rules for one person; `burnout_flag_evaluate` (emotions.services.burnout)
turns their answer into `BurnoutFlag` rows, right after each new reading, rating or answer and daily. Two
rules are also asked for one figure: `cbi_score_holds` (the questionnaire's result page and the bot's reply
show the supportive card at once) and `baseline_rise_holds` (the dashboard's verdict against the personal
baseline, emotions.selectors.baseline). Every other reader (the portal's "Needs attention" column and
its sorting, the API's `flagged`, the person's dashboard) reads the open flags (emotions.selectors.burnout),
never the thresholds, so all of them give the same answer as the flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from emotions.models import BurnoutFlag, PhotoAssessment, QuestionnaireResponse

if TYPE_CHECKING:
    from accounts.models import User

# Shares are compared as floats: 0.8 - 0.6 comes out a hair under 0.2.
FLOAT_SLACK = 1e-9


@dataclass(frozen=True)
class Thresholds:
    """The thresholds the rules compare with. The flags (and so the person's dashboard, the list and the alerts)
    always use the defaults; a psychologist's own per-patient thresholds (emotions.FlagThreshold) are applied
    only to that psychologist's view of the patient page (docs/burnout-flags.md, "Your own thresholds")."""

    negative_percent: float
    rise_percent: float
    cbi_score: float

    @classmethod
    def defaults(cls) -> Thresholds:
        return cls(
            negative_percent=settings.PORTAL_FLAG_NEGATIVE_PERCENT,
            rise_percent=settings.PORTAL_FLAG_RISE_PERCENT,
            cbi_score=settings.BURNOUT_FLAG_CBI_SCORE,
        )


# The documented bounds of a psychologist's own thresholds (docs/burnout-flags.md): wide enough to adapt to a
# person, narrow enough that a signal can neither fire on every photo nor never fire.
THRESHOLD_BOUNDS: dict[str, tuple[int, int]] = {
    "negative_percent": (30, 90),
    "rise_percent": (5, 50),
    "cbi_score": (25, 90),
}


@dataclass(frozen=True)
class RuleState:
    rule: str
    holds: bool
    value: float | None


def burnout_windows(*, now: datetime) -> tuple[datetime, datetime]:
    """The start of the recent window and of the one before it: PORTAL_WINDOW_DAYS × 24 h each."""
    window = timedelta(days=settings.PORTAL_WINDOW_DAYS)
    return now - window, now - 2 * window


def baseline_rise_holds(*, readings: int, difference: float) -> bool:
    """The `baseline_rise` rule: enough recent readings, and their share this far above the person's baseline."""
    return (
        readings >= settings.PORTAL_FLAG_MIN_ASSESSMENTS
        and difference >= settings.BURNOUT_BASELINE_RISE_PERCENT / 100 - FLOAT_SLACK
    )


def cbi_score_holds(score: float | None, threshold: float | None = None) -> bool:
    """The `cbi` rule for one score: what the flag judges and what the result page and the bot say at once."""
    limit = settings.BURNOUT_FLAG_CBI_SCORE if threshold is None else threshold
    return score is not None and score >= limit


def burnout_rule_states(
    *, user: User, now: datetime | None = None, thresholds: Thresholds | None = None
) -> list[RuleState]:
    """Whether each burnout rule holds for the person now (three queries), by `thresholds` (default: settings)."""
    # emotions.selectors re-exports this module, so its baseline module can only be imported once both exist.
    from emotions.selectors.baseline import personal_baseline

    now = now or timezone.now()
    limits = thresholds or Thresholds.defaults()
    recent_start, previous_start = burnout_windows(now=now)
    negative = Q(valence=PhotoAssessment.Valence.NEGATIVE)
    recent, previous = Q(captured_at__gte=recent_start), Q(captured_at__lt=recent_start)
    # Counted readings only (finished, not unsure): an unsure reading neither raises nor lowers a share.
    counts = (
        PhotoAssessment.objects.counted()
        .filter(user=user, captured_at__gte=previous_start, captured_at__lte=now)
        .aggregate(
            recent_total=Count("id", filter=recent),
            recent_negative=Count("id", filter=recent & negative),
            previous_total=Count("id", filter=previous),
            previous_negative=Count("id", filter=previous & negative),
        )
    )
    recent_share = counts["recent_negative"] / counts["recent_total"] if counts["recent_total"] else None
    previous_share = counts["previous_negative"] / counts["previous_total"] if counts["previous_total"] else None
    baseline = personal_baseline(user=user, now=now)
    # A person with a baseline is judged against it, not against everyone's threshold: a resting face that
    # reads as sad is not a signal (docs/burnout-flags.md, "Personal baseline").
    share_holds = (
        baseline.share is None
        and recent_share is not None
        and counts["recent_total"] >= settings.PORTAL_FLAG_MIN_ASSESSMENTS
        and recent_share >= limits.negative_percent / 100 - FLOAT_SLACK
    )
    rise = recent_share - previous_share if recent_share is not None and previous_share is not None else None
    rise_holds = rise is not None and rise >= limits.rise_percent / 100 - FLOAT_SLACK
    latest = (
        QuestionnaireResponse.objects.filter(
            user=user, instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL, at__lte=now
        )
        .order_by("-at", "-id")
        .values_list("score", flat=True)
        .first()
    )
    above = recent_share - baseline.share if recent_share is not None and baseline.share is not None else None
    above_holds = above is not None and baseline_rise_holds(readings=counts["recent_total"], difference=above)
    return [
        RuleState(BurnoutFlag.Rule.NEGATIVE_SHARE, share_holds, recent_share),
        RuleState(BurnoutFlag.Rule.RISE, rise_holds, rise),
        RuleState(BurnoutFlag.Rule.BASELINE_RISE, above_holds, above),
        RuleState(BurnoutFlag.Rule.CBI, cbi_score_holds(latest, limits.cbi_score), latest),
    ]
