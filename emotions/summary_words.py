"""The words of "Where you stand this week" (emotions.selectors.summary), for the dashboard and any channel.

One sentence per measure saying the direction in plain words, and the figures behind it for a details
element. No statistics vocabulary: a person reads "fewer of your photos looked negative", not a p-value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from emotions.selectors.summary import Direction, Measure, WeekSummary


@dataclass(frozen=True)
class SummaryRow:
    key: str  # negative | mood | cbi
    title: str
    direction: str  # a Direction value: the CSS class and the test's handle
    direction_word: str
    sentence: str
    details: list[str] = field(default_factory=list)


def _direction_word(direction: Direction) -> str:
    return {
        Direction.BETTER: pgettext("direction", "better"),
        Direction.STEADY: pgettext("direction", "steady"),
        Direction.WORSE: pgettext("direction", "worse"),
        Direction.UNKNOWN: pgettext("direction", "not enough data"),
    }[direction]


def _percent(share: float) -> int:
    return round(share * 100)


def _share_line(label: str, share: float | None, count: int) -> str:
    if share is None:
        return _("%(label)s: no counted photo.") % {"label": label}
    return ngettext(
        "%(label)s: %(percent)s%% of %(count)s counted photo looked negative.",
        "%(label)s: %(percent)s%% of %(count)s counted photos looked negative.",
        count,
    ) % {"label": label, "percent": _percent(share), "count": count}


def _negative_row(summary: WeekSummary) -> SummaryRow:
    measure = summary.negative
    sentence = {
        Direction.BETTER: _("Fewer of your photos looked negative this week than in the four weeks before."),
        Direction.STEADY: _("About as many of your photos looked negative this week as in the four weeks before."),
        Direction.WORSE: _("More of your photos looked negative this week than in the four weeks before."),
        Direction.UNKNOWN: _("Too few photos this week or in the four weeks before to compare."),
    }[measure.direction]
    details = [
        _share_line(_("This week"), measure.current, measure.current_count),
        _share_line(_("The four weeks before"), measure.previous, measure.previous_count),
    ]
    if summary.baseline_share is not None:
        usual = {
            Direction.BETTER: _("That is less than your usual."),
            Direction.STEADY: _("That is about your usual."),
            Direction.WORSE: _("That is more than your usual."),
        }.get(summary.baseline_direction)
        if usual and measure.current is not None:
            sentence = f"{sentence} {usual}"
        details.append(_("Your usual: %(percent)s%%.") % {"percent": _percent(summary.baseline_share)})
    return SummaryRow(
        "negative", _("Negative photos"), measure.direction.value, _direction_word(measure.direction), sentence, details
    )


def _mood_line(label: str, measure_mean: float | None, count: int) -> str:
    if measure_mean is None:
        return _("%(label)s: no mood rating.") % {"label": label}
    return ngettext(
        "%(label)s: %(mean)s out of 5 on average, from %(count)s rating.",
        "%(label)s: %(mean)s out of 5 on average, from %(count)s ratings.",
        count,
    ) % {"label": label, "mean": f"{measure_mean:.1f}", "count": count}


def _mood_row(measure: Measure) -> SummaryRow:
    sentence = {
        Direction.BETTER: _("You rated your mood higher this week than in the four weeks before."),
        Direction.STEADY: _("You rated your mood about the same this week as in the four weeks before."),
        Direction.WORSE: _("You rated your mood lower this week than in the four weeks before."),
        Direction.UNKNOWN: _("Too few mood ratings to compare: rate your mood a few times a week."),
    }[measure.direction]
    details = [
        _mood_line(_("This week"), measure.current, measure.current_count),
        _mood_line(_("The four weeks before"), measure.previous, measure.previous_count),
    ]
    return SummaryRow("mood", _("Mood"), measure.direction.value, _direction_word(measure.direction), sentence, details)


def _cbi_row(measure: Measure) -> SummaryRow:
    if measure.current is None:
        sentence, details = _("You have not answered the burnout questionnaire yet."), []
    else:
        sentence = {
            Direction.BETTER: _("Your latest burnout questionnaire score is lower than in the four weeks before it."),
            Direction.STEADY: _(
                "Your latest burnout questionnaire score is about the same as in the four weeks before it."
            ),
            Direction.WORSE: _("Your latest burnout questionnaire score is higher than in the four weeks before it."),
            Direction.UNKNOWN: _("No earlier answer in the four weeks before your latest one to compare with."),
        }[measure.direction]
        details = [_("Latest score: %(score)s out of 100.") % {"score": round(measure.current)}]
        if measure.previous is not None:
            details.append(
                ngettext(
                    "The four weeks before it: %(score)s on average, from %(count)s answer.",
                    "The four weeks before it: %(score)s on average, from %(count)s answers.",
                    measure.previous_count,
                )
                % {"score": round(measure.previous), "count": measure.previous_count}
            )
    title = _("Burnout questionnaire")
    return SummaryRow("cbi", title, measure.direction.value, _direction_word(measure.direction), sentence, details)


def summary_rows(summary: WeekSummary) -> list[SummaryRow]:
    """The card's three rows: negative photos, mood, the burnout questionnaire."""
    return [_negative_row(summary), _mood_row(summary.mood), _cbi_row(summary.cbi)]
