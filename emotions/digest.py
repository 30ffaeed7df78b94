"""The weekly digest in words, in the current language: what the bot's digest and the e-mail digest both say."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from emotions.selectors.weekly import Change, WeeklySummary


def _compared(change: Change, before: str) -> str:
    """How the week compares with the four weeks before, with the earlier figure."""
    if change.direction == "better":
        return _("better than the four weeks before (%(before)s)") % {"before": before}
    if change.direction == "worse":
        return _("worse than the four weeks before (%(before)s)") % {"before": before}
    if change.direction == "steady":
        return _("about the same as the four weeks before (%(before)s)") % {"before": before}
    return _("nothing earlier to compare with")


def weekly_digest_lines(summary: WeeklySummary) -> list[str]:
    """The week in words: photos, mood and the latest questionnaire, each against the four weeks before."""
    lines = [_("Your week:")]
    share, mood = summary.negative_share, summary.mood
    if share.week is None:
        lines.append(_("Photos: none analysed this week."))
    else:
        before = f"{round(share.before * 100)}%" if share.before is not None else ""
        values = {"count": summary.photos, "percent": round(share.week * 100), "compared": _compared(share, before)}
        lines.append(_("Photos: %(count)s, %(percent)s%% looked negative; %(compared)s.") % values)
    if mood.week is None:
        lines.append(_("Mood: no ratings this week."))
    else:
        before = number_format(mood.before, 1) if mood.before is not None else ""
        values = {
            "mood": number_format(mood.week, 1),
            "days": summary.mood_ratings_days,
            "compared": _compared(mood, before),
        }
        lines.append(_("Mood: %(mood)s of 5 on average (days rated: %(days)s); %(compared)s.") % values)
    if summary.cbi is not None:
        lines.append(_("Latest burnout questionnaire: %(score)s of 100.") % {"score": round(summary.cbi.score)})
    return lines
