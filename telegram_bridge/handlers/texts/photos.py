"""What the bot says about a photo: received, its reading and confidence, the photo deleted, mood and feedback."""

from __future__ import annotations

from django.utils.translation import gettext as _

from emotions.models import (
    UNSURE_NOT_COUNTED,
    AssessmentFeedback,
    PhotoAssessment,
)

# --- photos -------------------------------------------------------------------------------------------------


def not_a_photo_text() -> str:
    return _("This file is not a photo. Please send a photo of your face.")


def download_failed_text() -> str:
    return _("I could not download this photo from Telegram. Please send it again.")


def photo_received_text() -> str:
    return _("Got it! Analysing your photo…")


def assessment_result_text(assessment: PhotoAssessment, *, note: str = "") -> str:
    """The result; `note` (a paragraph of its own) goes before the questions, which stay just above their buttons."""
    if assessment.status != PhotoAssessment.Status.DONE:
        return assessment.user_message()
    lines = [_("Your emotion: %(emotion)s") % {"emotion": assessment.label_display}]
    if assessment.confidence_level is not None:
        lines.append(confidence_text(assessment))
    if (assessment.faces_found or 0) > 1:
        lines.append(_("I found several faces and used the largest one."))
    mix = ", ".join(f"{name} {percent}%" for _key, name, _p, percent in assessment.probability_rows() if percent >= 1)
    lines.append(_("Mix: %(mix)s") % {"mix": mix})
    lines.append(_("Valence: %(valence)s") % {"valence": assessment.get_valence_display()})
    if assessment.negativity_percent is not None:
        lines.append(negative_tone_text(assessment.negativity_percent))
    if note:
        lines.append(f"\n{note}\n")
    lines.append(mood_question_text())
    lines.append(_("Was this reading right?"))
    return "\n".join(lines)


def confidence_text(assessment: PhotoAssessment) -> str:
    """The reading's confidence in words and percent; an unsure one says it is not counted."""
    text = _("How sure: %(level)s (%(percent)s%%)") % {
        "level": assessment.confidence_level_display,
        "percent": assessment.confidence_percent,
    }
    if assessment.is_unsure:
        text += "\n" + str(UNSURE_NOT_COUNTED)
    return text


def negative_tone_text(percent: int) -> str:
    # "Negative tone", not "negative": that word is kept for the share of readings whose top emotion is negative.
    return _("Negative tone of this photo: %(percent)s%%") % {"percent": percent}


# --- the photo message after its analysis ---------------------------------------------------------------


def photo_deleted_text() -> str:
    return _(
        "I deleted your photo from this chat after the analysis, as the website deletes it. To keep your "
        "photos in the chat, send /keepphotos on."
    )


def keep_photos_text(*, keep: bool, changed: bool) -> str:
    """The answer to /keepphotos: what was set, or (without a valid argument) what holds now and how to change it."""
    if keep:
        text = _("Your photos now stay in this chat.") if changed else _("Your photos stay in this chat.")
        return text + " " + _("Send /keepphotos off to have each one deleted after the analysis.")
    if changed:
        text = _("I will now delete each photo from this chat after the analysis.")
    else:
        text = _("I delete each photo from this chat after the analysis.")
    return text + " " + _("Send /keepphotos on to keep them.")


def mood_question_text() -> str:
    return _("How do you feel? 1 = very bad, 5 = very good")


def mood_saved_text() -> str:
    return _("Thank you! Your mood is saved.")


def feedback_right_label() -> str:
    return _("Right")


def feedback_choose_label() -> str:
    return _("Not right…")


def feedback_skip_label() -> str:
    return _("Skip")


def feedback_pick_text() -> str:
    return _("Which emotion does the photo show?")


def feedback_skipped_text() -> str:
    return _("OK, nothing saved.")


def feedback_saved_text(feedback: AssessmentFeedback) -> str:
    if feedback.agrees:
        return _("Thank you. You said the reading was right.")
    return _("Thank you. You said the photo shows: %(emotion)s.") % {"emotion": feedback.label_display}
