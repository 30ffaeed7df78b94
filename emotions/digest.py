"""The weekly digest in words, in the current language: what the bot's digest and the e-mail digest both say.

It reads the same summary as the dashboard's "Where you stand this week" (emotions.selectors.summary), so a
week is "worse" in the digest exactly when it is "worse" on the dashboard.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from emotions.selectors.summary import Direction, Measure, WeekSummary


def _compared(measure: Measure, before: str) -> str:
    """How the week compares with the four weeks before, with the earlier figure."""
    if measure.direction == Direction.BETTER:
        return _("better than the four weeks before (%(before)s)") % {"before": before}
    if measure.direction == Direction.WORSE:
        return _("worse than the four weeks before (%(before)s)") % {"before": before}
    if measure.direction == Direction.STEADY:
        return _("about the same as the four weeks before (%(before)s)") % {"before": before}
    if measure.previous is None:
        return _("nothing earlier to compare with")
    return _("too little to compare with the four weeks before (%(before)s)") % {"before": before}


def _photos_line(summary: WeekSummary) -> str:
    share = summary.negative
    if share.current is None:
        return _("Photos: none analysed this week.")
    before = f"{round(share.previous * 100)}%" if share.previous is not None else ""
    values = {"count": share.current_count, "percent": round(share.current * 100), "compared": _compared(share, before)}
    return _("Photos: %(count)s, %(percent)s%% looked negative; %(compared)s.") % values


def _mood_line(summary: WeekSummary) -> str:
    mood = summary.mood
    if mood.current is None:
        return _("Mood: no ratings this week.")
    before = number_format(mood.previous, 1) if mood.previous is not None else ""
    values = {"mood": number_format(mood.current, 1), "count": mood.current_count, "compared": _compared(mood, before)}
    return _("Mood: %(mood)s of 5 on average (ratings: %(count)s); %(compared)s.") % values


def weekly_digest_lines(summary: WeekSummary) -> list[str]:
    """The week in words: photos, mood and the latest questionnaire, each against the four weeks before."""
    lines = [_("Your week:"), _photos_line(summary), _mood_line(summary)]
    if summary.cbi.current is not None:
        lines.append(_("Latest burnout questionnaire: %(score)s of 100.") % {"score": round(summary.cbi.current)})
    return lines
