"""What the bot says during the burnout questionnaire and after it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from emotions.guidance import (
    SHARE_LINK,
    cbi_guidance,
    cbi_guidance_paragraphs,
)
from emotions.models import (
    CBI_ITEM_KEYS,
    CBI_ITEMS,
    QuestionnaireResponse,
)
from emotions.selectors import questionnaire_cbi_due, questionnaire_cbi_latest

from .common import site_url

# --- the burnout questionnaire ------------------------------------------------------------------------------


def cbi_offer_text(user: User) -> str:
    """The weekly questionnaire offer of the dashboard, pointing at /cbi; empty while it is not due."""
    if not questionnaire_cbi_due(user=user):
        return ""
    if questionnaire_cbi_latest(user=user) is not None:
        text = _("It has been a week or more since you answered the burnout questionnaire. It takes about a minute.")
    else:
        text = _(
            "Answer a short burnout questionnaire (six questions, about a minute) to follow how exhausted you feel "
            "over the weeks."
        )
    return text + " " + _("Send /cbi to answer it here.")


def cbi_intro_text(*, resumed: bool, item: int) -> str:
    if resumed:
        return _("You started the questionnaire earlier. Let us go on with question %(number)s of %(total)s.") % {
            "number": item + 1,
            "total": len(CBI_ITEM_KEYS),
        }
    return (
        _(
            "The personal burnout scale of the Copenhagen Burnout Inventory: six questions about the last weeks. "
            "The score goes from 0 to 100; higher means more exhaustion."
        )
        + " "
        + _("Tap the answer that fits best. If you stop, send /cbi later to go on where you left off.")
    )


def cbi_question_text(item: int) -> str:
    return _("Question %(number)s of %(total)s: %(question)s") % {
        "number": item + 1,
        "total": len(CBI_ITEM_KEYS),
        "question": CBI_ITEMS[CBI_ITEM_KEYS[item]],
    }


def cbi_answered_text(item: int, answer_label: str) -> str:
    return cbi_question_text(item) + "\n" + _("Your answer: %(answer)s") % {"answer": answer_label}


def cbi_result_text(response: QuestionnaireResponse) -> str:
    """The score in its band; a high one gets the burnout card's support at once, else the usual caveat."""
    parts = [_("Thank you. Your score is %(score)s out of 100.") % {"score": round(response.score)}]
    parts += cbi_guidance_paragraphs(response.score)
    if cbi_guidance(response.score).support:
        parts.append(_("A questionnaire score is not a diagnosis.") + f" {SHARE_LINK}: {site_url('care:index')}")
    else:
        parts.append(
            _("A questionnaire score is not a diagnosis.")
            + " "
            + _(
                "It helps you and your psychologist follow how you feel over time. If you feel unwell, talk to a "
                "doctor or a psychologist."
            )
        )
    parts.append(_("Your earlier scores: %(url)s") % {"url": site_url("emotions:questionnaire_cbi")})
    return "\n\n".join(parts)


def cbi_saved_text() -> str:
    return _("Thank you! Your answers are saved.")
