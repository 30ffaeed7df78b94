"""What we tell a person about their own signals, in one place for the web pages and the bot.

- the supportive words and help resources of the burnout card (not a diagnosis, what helps, crisis line);
- the band of a CBI personal-burnout score (docs/burnout-flags.md says which band limits have a source);
- the plain-words verdict of the last days against the person's baseline (emotions.selectors.baseline).

The templates draw the card through `{% burnout_card %}` (emotions/templatetags/burnout_card.py) and the bot
joins the same sentences, so the wording exists once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from emotions.burnout import cbi_score_holds
from emotions.selectors.baseline import Baseline, BaselineComparison, Verdict

SUPPORT_TITLE = gettext_lazy("Take care of yourself")
NOT_A_DIAGNOSIS = gettext_lazy(
    "This is not a diagnosis, and feeling this way is common. Rest, sleep and talking to someone you trust help. "
    "If it goes on, talk to a psychologist or a doctor; you can share your dynamics with a psychologist from the "
    "care page."
)
CRISIS = gettext_lazy("If you are in crisis or think about harming yourself, call your local emergency number now.")
SHARE_LINK = gettext_lazy("Share with a psychologist")
FLAGS_REASON = gettext_lazy("Your recent photos or answers suggest that the last weeks have been hard:")


def support_paragraphs() -> list[Promise]:
    """The card's words after its reason: not a diagnosis and what helps, then the crisis line."""
    return [NOT_A_DIAGNOSIS, CRISIS]


# --- the CBI score's band --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CbiBand:
    key: str
    range: str  # the scores it covers, as the bands' table in docs/burnout-flags.md writes them
    lowest: float  # its first score (0-100)
    name: Promise
    words: Promise


# Kristensen et al. 2005 score the scale 0-100; no bands of theirs were found. The cut-off of 50 ("moderate and
# higher") is the one Creedy et al. 2017 use; 75-99 high and 100 severe are a common convention, not verified
# against a paper (docs/burnout-flags.md, "Sources").
CBI_BANDS: tuple[CbiBand, ...] = (
    CbiBand(
        "low",
        "0–49",
        0,
        pgettext_lazy("CBI score band", "low"),
        gettext_lazy("Your answers are in the range where burnout is not usually seen."),
    ),
    CbiBand(
        "moderate",
        "50–74",
        50,
        pgettext_lazy("CBI score band", "moderate"),
        gettext_lazy("Your answers describe moderate exhaustion: worth taking seriously and giving yourself rest."),
    ),
    CbiBand(
        "high",
        "75–99",
        75,
        pgettext_lazy("CBI score band", "high"),
        gettext_lazy("Your answers describe high exhaustion: it is a good time to talk to someone about it."),
    ),
    CbiBand(
        "severe",
        "100",
        100,
        pgettext_lazy("CBI score band", "severe"),
        gettext_lazy("Your answers describe severe exhaustion: please talk to a psychologist or a doctor soon."),
    ),
)


def cbi_band(score: float) -> CbiBand:
    return [band for band in CBI_BANDS if score >= band.lowest][-1]


@dataclass(frozen=True)
class CbiGuidance:
    score: int
    band: CbiBand
    summary: str
    # Whether the supportive card goes with it: the `cbi` burnout rule holds for this score.
    support: bool


def cbi_guidance(score: float) -> CbiGuidance:
    """The score in words: its band and what it means, and whether the card's support goes with it."""
    band = cbi_band(score)
    summary = _("In the bands commonly used with this questionnaire, that is %(band)s (%(range)s).") % {
        "band": band.name,
        "range": band.range,
    }
    return CbiGuidance(score=round(score), band=band, summary=summary, support=cbi_score_holds(score))


def cbi_guidance_paragraphs(score: float) -> list[str]:
    """The bot's version: the band and its words, then the card's support when the score is high."""
    guidance = cbi_guidance(score)
    parts = [f"{guidance.summary} {guidance.band.words}"]
    if guidance.support:
        parts += [str(paragraph) for paragraph in support_paragraphs()]
    return parts


# --- the last days against the personal baseline -------------------------------------------------------------

VERDICT_WORDS: dict[Verdict, Promise] = {
    Verdict.LOWER: gettext_lazy("less negative than usual for you"),
    Verdict.USUAL: gettext_lazy("about as usual for you"),
    Verdict.HIGHER: gettext_lazy("a little more negative than usual for you"),
    Verdict.MUCH_HIGHER: gettext_lazy("clearly more negative than usual for you"),
}


def baseline_summary_text(baseline: Baseline) -> str:
    """What the baseline is, or plainly why there is none yet."""
    if baseline.share is None:
        return _(
            "No personal baseline yet: it needs at least %(readings)s analysed photos on %(days)s different days "
            "in the %(period)s days before the last %(window)s days (there are %(have)s on %(have_days)s)."
        ) % {
            "readings": settings.BURNOUT_BASELINE_MIN_READINGS,
            "days": settings.BURNOUT_BASELINE_MIN_DAYS,
            "period": settings.BURNOUT_BASELINE_DAYS,
            "window": settings.PORTAL_WINDOW_DAYS,
            "have": baseline.readings,
            "have_days": baseline.days,
        }
    return _("Your usual share of negative photos: %(percent)s%% (%(readings)s photos on %(days)s days).") % {
        "percent": round(baseline.share * 100),
        "readings": baseline.readings,
        "days": baseline.days,
    }


def baseline_comparison_text(comparison: BaselineComparison) -> str:
    """One window against the baseline: the difference in points and the verdict in words."""
    if comparison.verdict == Verdict.NO_BASELINE:
        return _("Last %(days)s days: no baseline to compare with yet.") % {"days": comparison.days}
    if comparison.verdict == Verdict.TOO_FEW:
        return _("Last %(days)s days: too few analysed photos to compare (%(have)s; at least %(needed)s).") % {
            "days": comparison.days,
            "have": comparison.readings,
            "needed": settings.PORTAL_FLAG_MIN_ASSESSMENTS,
        }
    assert comparison.share is not None and comparison.difference_points is not None
    return _("Last %(days)s days: %(percent)s%% negative, %(difference)s points against your usual: %(verdict)s.") % {
        "days": comparison.days,
        "percent": round(comparison.share * 100),
        "difference": f"{comparison.difference_points:+d}",
        "verdict": VERDICT_WORDS[comparison.verdict],
    }
