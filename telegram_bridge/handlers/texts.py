"""What the bot says: the messages composed from several parts or filled in from data, in one place.

Every reply is in the person's Telegram language (`reply_language`: Russian for "ru*", English otherwise);
the msgids are those of the Russian catalogue, so a text moved here keeps its translation.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import ConsentRequired
from emotions.guidance import (
    SHARE_LINK,
    baseline_comparison_text,
    baseline_summary_text,
    cbi_guidance,
    cbi_guidance_paragraphs,
)
from emotions.models import (
    CBI_ITEM_KEYS,
    CBI_ITEMS,
    UNSURE_NOT_COUNTED,
    AssessmentFeedback,
    PhotoAssessment,
    QuestionnaireResponse,
)
from emotions.selectors import Baseline, BaselineComparison, questionnaire_cbi_due, questionnaire_cbi_latest


def reply_language(language_code: str | None) -> str:
    return "ru" if (language_code or "").lower().startswith("ru") else "en"


def site_url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def help_text() -> str:
    return _(
        "Send me a selfie and I will estimate the emotion on your face; the website shows how it changes "
        "over days and weeks.\n"
        "/start - connect this chat to your account\n"
        "/stats - your last 7 and 30 days\n"
        "/mood - tell me how you feel (1-5)\n"
        "/remind HH:MM - a daily check-in at this time; /remind off stops it\n"
        "/cbi - a short burnout questionnaire (six questions)\n"
        "/share - who sees your data; stop sharing\n"
        "/keepphotos on|off - keep your photos in this chat (by default I delete them after the analysis)\n"
        "/unlink - disconnect this chat from your account\n"
        "/delete - delete your account and all your data\n"
        "/help - this message"
    )


def unknown_command_text() -> str:
    return _("I do not know this command.") + " " + help_text()


def malformed_text(*, about_photo: bool) -> str:
    if about_photo:
        return _("I could not read this message. Please send the photo again.")
    return _("I could not read this message. Please send it again.")


def too_big_text() -> str:
    return _("This file is larger than 20 MB, the most Telegram lets me download. Please send a smaller photo.")


def sticker_text() -> str:
    return _("Nice sticker! To check your mood I need a real photo of your face.")


def video_text() -> str:
    return _("I cannot analyse videos. Please send a photo of your face instead.")


def voice_text() -> str:
    return _("I cannot listen to voice messages. Please send a photo of your face.")


def send_a_selfie_text() -> str:
    return _("Send me a selfie and I will estimate your emotion. /help shows what I can do.")


def not_linked_text() -> str:
    return _(
        "This chat is not connected to an account yet. Sign in on the website, open your profile and press "
        "“Connect Telegram”: %(url)s"
    ) % {"url": site_url("accounts:profile")}


def consent_required_text(exc: ConsentRequired) -> str:
    return (
        exc.message
        + " "
        + _("Please read and accept the terms on the website: %(url)s") % {"url": site_url("accounts:privacy")}
    )


# --- /start, /stats, /remind --------------------------------------------------------------------------------


def private_chat_only_text() -> str:
    return _("For your privacy I only work in a private chat. Please write to me directly.")


def welcome_text() -> str:
    return _(
        "Hello! I estimate emotions from face selfies and help you notice early signs of burnout. "
        "Create an account on %(url)s, then press “Connect Telegram” in your profile to link this chat."
    ) % {"url": site_url("accounts:signup")}


def linked_text(user: User) -> str:
    if user.is_psychologist:
        # A psychologist links the chat to receive burnout alerts, not to send selfies.
        return _(
            "Done! This chat is connected to your account %(username)s. Choose Telegram in your alert settings "
            "to get burnout alerts here: %(url)s"
        ) % {"username": user.get_username(), "url": site_url("accounts:psychologist_alerts")}
    return _("Done! This chat is connected to your account %(username)s. Send me a selfie whenever you like.") % {
        "username": user.get_username()
    }


def stats_period_text(*, days: int, done: int, negative_share: float | None, unsure: int = 0) -> str:
    """`done`: the counted readings the share is over; `unsure`: those left out of it."""
    if negative_share is None and unsure:
        text = _("Last %(days)s days: no reading sure enough to count.") % {"days": days}
    elif negative_share is None:
        text = _("Last %(days)s days: no analysed photos.") % {"days": days}
    else:
        text = _("Last %(days)s days: %(done)s photos, %(percent)s%% with a negative emotion.") % {
            "days": days,
            "done": done,
            "percent": round(negative_share * 100),
        }
    return f"{text} {unsure_left_out_text(unsure)}" if unsure else text


def unsure_left_out_text(unsure: int) -> str:
    return ngettext("%(count)s unsure reading not counted.", "%(count)s unsure readings not counted.", unsure) % {
        "count": unsure
    }


def stats_baseline_lines(baseline: Baseline, comparisons: list[BaselineComparison]) -> list[str]:
    """/stats against the person's own usual: the baseline (or why none yet), then each window's verdict."""
    lines = ["", baseline_summary_text(baseline)]
    if baseline.exists:
        lines += [baseline_comparison_text(comparison) for comparison in comparisons]
    return lines


def dashboard_link_text() -> str:
    return _("Dashboard: %(url)s") % {"url": site_url("emotions:dashboard")}


def unlinked_text(*, was_linked: bool) -> str:
    if was_linked:
        return _("This chat is no longer connected to your account.")
    return _("This chat is not connected to any account.")


def reminders_off_text() -> str:
    return _("Daily reminders are off.")


def reminder_usage_text(remind_at_text: str | None) -> str:
    if remind_at_text is not None:
        text = _("I remind you every day at %(time)s.") % {"time": remind_at_text}
    else:
        text = reminders_off_text()
    return text + " " + _("Use /remind HH:MM (for example /remind 09:30) or /remind off.")


def reminder_set_text(*, time: str, timezone_name: str) -> str:
    return _("Done! I will remind you every day at %(time)s (%(timezone)s).") % {
        "time": time,
        "timezone": timezone_name,
    }


def reminder_text(offer: str) -> str:
    text = _("Time for your daily check-in: send me a selfie, or tell me how you feel.")
    return f"{text}\n\n{offer}" if offer else text


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


# --- /delete ------------------------------------------------------------------------------------------------


def delete_confirm_text(*, minutes: int) -> str:
    return (
        _(
            "Delete your account and all your data? This erases everything: your photos and their results, your "
            "mood ratings, your questionnaire answers, your consents, sharing with psychologists, and the account "
            "itself, on the website too. It cannot be undone."
        )
        + " "
        + ngettext("The button works for %(minutes)s minute.", "The button works for %(minutes)s minutes.", minutes)
        % {"minutes": minutes}
        + " "
        + _("/unlink only disconnects this chat.")
    )


def delete_yes_label() -> str:
    return _("Yes, delete everything")


def delete_cancel_label() -> str:
    return _("Cancel")


def delete_cancelled_text() -> str:
    return _("Cancelled. Nothing was deleted.")


def account_deleted_text() -> str:
    return _("Your account and all your data have been deleted.")


# --- /share: who sees the person's data ------------------------------------------------------------------


def share_list_text(lines: list[str]) -> str:
    """`lines`: one per active link, "name: categories"."""
    if not lines:
        return _("You do not share your data with anyone.")
    listed = "\n".join(f"• {line}" for line in lines)
    return (
        _("You share your data with:")
        + f"\n{listed}\n\n"
        + _("Tap a button to stop sharing. You can change what each one sees on the website: %(url)s")
        % {"url": site_url("care:index")}
    )


def share_stop_label(name: str) -> str:
    return _("Stop sharing with %(name)s") % {"name": name}


def share_confirm_text(name: str) -> str:
    return _("Stop sharing with %(name)s? They will no longer see your data, from now on.") % {"name": name}


def share_yes_label() -> str:
    return _("Yes, stop sharing")


def share_stopped_text(name: str) -> str:
    return _("%(name)s can no longer see your data.") % {"name": name}


def share_cancelled_text() -> str:
    return _("Cancelled. Nothing was changed.")
