"""The brief in plain words (emotions.selectors.brief computes the figures): one sentence per shared figure.

Sentences are built in the active language (the page's, the PDF's); numbers use its decimal separator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from emotions.selectors.brief import Brief


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def decimal(value: float | None) -> str:
    return "—" if value is None else formats.number_format(value, 1, use_l10n=True)


def _day(value: object) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _span(brief: Brief) -> str:
    if brief.since_session:
        return _("Since the last session on %(day)s (%(days)s days).") % {
            "day": _day(brief.first_day),
            "days": brief.days,
        }
    return _("From %(first)s to %(last)s (%(days)s days).") % {
        "first": _day(brief.first_day),
        "last": _day(brief.last_day),
        "days": brief.days,
    }


def _share_sentence(brief: Brief) -> str:
    if brief.share_now is None:
        return _("No counted photo readings in this span.")
    sentence = ngettext(
        "Negative share: %(share)s of %(count)s counted reading.",
        "Negative share: %(share)s of %(count)s counted readings.",
        brief.readings,
    ) % {"share": percent(brief.share_now), "count": brief.readings}
    change = brief.share_change
    if change is None:
        return sentence + " " + _("No readings in the span before to compare with.")
    points = round(change * 100)
    return (
        sentence
        + " "
        + _("%(points)+d points against %(before)s in the span before.")
        % {"points": points, "before": percent(brief.share_before)}
    )


def _unsure_sentence(brief: Brief) -> str:
    return ngettext(
        "%(count)s reading was unsure and is not counted.",
        "%(count)s readings were unsure and are not counted.",
        brief.unsure,
    ) % {"count": brief.unsure}


def _agreement_sentence(brief: Brief) -> str | None:
    agreement = brief.agreement
    if agreement is None or not agreement.checked:
        return _("The patient has not checked any reading yet.")
    return ngettext(
        "The patient checked %(checked)s reading and called %(agreed)s right (%(share)s).",
        "The patient checked %(checked)s readings and called %(agreed)s right (%(share)s).",
        agreement.checked,
    ) % {
        "checked": agreement.checked,
        "agreed": agreement.agreed,
        "share": percent(agreement.agreed / agreement.checked),
    }


def _mood_sentence(brief: Brief) -> str:
    if brief.mood_now is None:
        return _("No mood ratings in this span.")
    sentence = ngettext(
        "Mood: %(mood)s of 5 on average over %(count)s rating.",
        "Mood: %(mood)s of 5 on average over %(count)s ratings.",
        brief.mood_ratings,
    ) % {"mood": decimal(brief.mood_now), "count": brief.mood_ratings}
    if brief.mood_before is None:
        return sentence
    return sentence + " " + _("%(before)s in the span before.") % {"before": decimal(brief.mood_before)}


def _cbi_sentence(brief: Brief) -> str:
    before = None if brief.cbi_before is None else round(brief.cbi_before)
    if brief.cbi_now is None:
        if before is None:
            return _("No burnout questionnaire answered yet.")
        return _("No burnout questionnaire in this span; the last score was %(before)s of 100.") % {"before": before}
    sentence = _("Burnout questionnaire: %(score)s of 100.") % {"score": round(brief.cbi_now)}
    if before is None:
        return sentence
    return sentence + " " + _("The score before was %(before)s.") % {"before": before}


def _flags_sentence(brief: Brief) -> str:
    if not brief.flags_raised and not brief.flags_cleared:
        return _("No burnout signal was raised or cleared.")
    parts = []
    if brief.flags_raised:
        names = ", ".join(f"{flag.get_rule_display()} ({_day(flag.raised_at.date())})" for flag in brief.flags_raised)
        parts.append(_("Signals raised: %(names)s.") % {"names": names})
    if brief.flags_cleared:
        names = ", ".join(
            f"{flag.get_rule_display()} ({_day(flag.cleared_at.date())})"  # type: ignore[union-attr]
            for flag in brief.flags_cleared
        )
        parts.append(_("Signals cleared: %(names)s.") % {"names": names})
    return " ".join(parts)


def _quiet_sentence(brief: Brief) -> str:
    return ngettext(
        "No data on %(count)s of %(days)s day.",
        "No data on %(count)s of %(days)s days.",
        brief.days,
    ) % {"count": brief.days_without_data, "days": brief.days}


def brief_sentences(brief: Brief) -> list[str]:
    """The brief's sentences in order, only for the shared categories."""
    from emotions.selectors.brief import FLAGS, MOOD, QUESTIONNAIRE, READINGS

    sentences = [_span(brief)]
    if READINGS in brief.categories:
        sentences += [_share_sentence(brief), _unsure_sentence(brief)]
    if MOOD in brief.categories:
        sentences.append(_mood_sentence(brief))
    if QUESTIONNAIRE in brief.categories:
        sentences.append(_cbi_sentence(brief))
    if FLAGS in brief.categories:
        sentences.append(_flags_sentence(brief))
    if READINGS in brief.categories:
        sentences.append(_agreement_sentence(brief))  # type: ignore[arg-type]
    sentences.append(_quiet_sentence(brief))
    return sentences
