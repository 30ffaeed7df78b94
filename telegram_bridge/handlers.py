"""What the bot does with each update: plain sync functions called from django-q2 tasks.

`update_dispatch(payload)` is the single entry for the webhook task and for long polling.
Every reply is in the person's Telegram language (Russian for "ru*", English otherwise).
Bot API calls go through one BotSession per update (telegram_bridge/client.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError

from accounts.models import User
from accounts.services import ConsentRequired
from burnout_site.rate_limits import RateLimited, photo_upload_take
from emotions.models import CBI_ANSWERS, CBI_ITEM_KEYS, CBI_ITEMS, PhotoAssessment, QuestionnaireResponse
from emotions.selectors import assessment_period_summary, questionnaire_cbi_due, questionnaire_cbi_latest
from emotions.services import (
    PhotoRejected,
    SelfReportRejected,
    assessment_by_source_key,
    assessment_create,
    assessment_notification_claim,
    assessment_notification_done,
    assessment_notification_later,
    photo_validate,
    self_report_create,
)
from telegram_bridge.client import BotSession
from telegram_bridge.delivery import NOTIFY_ATTEMPTS, message_send, retry_delay
from telegram_bridge.models import CbiProgress, TelegramAccount
from telegram_bridge.services import (
    DELETE_CONFIRM_TTL,
    DELETE_TOKEN_VALUE,
    CbiAnswerRefused,
    TelegramDeleteRefused,
    TelegramLinkError,
    button_not_understood_text,
    cbi_answer_record,
    cbi_progress_start,
    telegram_account_erase,
    telegram_delete_token,
    telegram_link,
    telegram_reminder_set,
    telegram_reminders_due,
    telegram_unlink,
)
from telegram_bridge.update_shape import MalformedUpdate, update_parse

logger = logging.getLogger(__name__)

# The Bot API refuses getFile above 20 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
FINISHED_HOOK = "telegram_bridge.tasks.assessment_finished"
MOOD_CALLBACK_PREFIX = "mood"
# "cbi:<run id>:<item position>:<answer key>", at most 35 bytes of the 64 Telegram allows.
CBI_CALLBACK_PREFIX = "cbi"
# The "Cancel" button of /delete; its "Yes" button carries a signed token that starts with "del:" too.
DELETE_CANCEL_DATA = f"{DELETE_TOKEN_VALUE}:cancel"
# The assessment id of a /mood button that answers no photo.
NO_ASSESSMENT = 0


def reply_language(language_code: str | None) -> str:
    return "ru" if (language_code or "").lower().startswith("ru") else "en"


def site_url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


# --- entry ------------------------------------------------------------------------------------------------


def update_dispatch(payload: dict[str, Any]) -> None:
    try:
        update = update_parse(payload)
    except MalformedUpdate as malformed:
        # Not shaped as Telegram sends updates (the webhook checked only that the JSON can be stored).
        logger.warning("malformed Telegram update %s: %s", payload.get("update_id"), malformed.reason)
        _on_malformed(malformed)
        return
    with BotSession() as session:
        if update.callback_query is not None:
            _on_callback(session, update)
        elif update.message is not None and update.message.from_user is not None:
            with translation.override(reply_language(update.message.from_user.language_code)):
                _on_message(session, update.message)


def _on_malformed(malformed: MalformedUpdate) -> None:
    """Tell the person, when the update says where, that it could not be read; nothing else is done with it."""
    if malformed.chat_id is None and malformed.callback_query_id is None:
        return
    with translation.override(reply_language(malformed.language_code)), BotSession() as session:
        if malformed.callback_query_id is not None:
            answer = session.bot.answer_callback_query(malformed.callback_query_id, text=button_not_understood_text())
            session.try_call(answer)
        elif malformed.chat_id is not None:
            if malformed.about_photo:
                text = _("I could not read this message. Please send the photo again.")
            else:
                text = _("I could not read this message. Please send it again.")
            _send(session, malformed.chat_id, text)


def _send(session: BotSession, chat_id: int, text: str, **kwargs: Any) -> None:
    session.try_call(session.bot.send_message(chat_id=chat_id, text=text, **kwargs))


def _on_message(session: BotSession, message: Message) -> None:
    chat_id = message.chat_id
    text = (message.text or "").strip()
    if text.startswith("/"):
        command, _sep, argument = text.partition(" ")
        command = command.split("@", 1)[0].lower()
        if command == "/start":
            _on_start(session, message, argument.strip())
        elif command == "/help":
            _send(session, chat_id, _help_text())
        elif command == "/unlink":
            _on_unlink(session, message)
        elif command == "/mood":
            _on_mood(session, message)
        elif command == "/stats":
            _on_stats(session, message)
        elif command == "/cbi":
            _on_cbi(session, message)
        elif command == "/delete":
            _on_delete(session, message)
        elif command == "/remind":
            _on_remind(session, message, argument.strip())
        else:
            _send(session, chat_id, _("I do not know this command.") + " " + _help_text())
        return
    if message.photo:
        # The largest size Telegram made that the Bot API still lets us download.
        sizes = [size for size in message.photo if (size.file_size or 0) <= MAX_DOWNLOAD_BYTES]
        if not sizes:
            _send(session, chat_id, _too_big_text())
            return
        largest = max(sizes, key=lambda size: size.width * size.height)
        _on_image(session, message, largest.file_id)
        return
    document = message.document
    if document is not None:
        if not (document.mime_type or "").startswith("image/"):
            _send(session, chat_id, _("This file is not a photo. Please send a photo of your face."))
            return
        if (document.file_size or 0) > MAX_DOWNLOAD_BYTES:
            _send(session, chat_id, _too_big_text())
            return
        _on_image(session, message, document.file_id)
        return
    if message.sticker is not None:
        _send(session, chat_id, _("Nice sticker! To check your mood I need a real photo of your face."))
    elif message.video or message.video_note or message.animation:
        _send(session, chat_id, _("I cannot analyse videos. Please send a photo of your face instead."))
    elif message.voice or message.audio:
        _send(session, chat_id, _("I cannot listen to voice messages. Please send a photo of your face."))
    else:
        _send(session, chat_id, _("Send me a selfie and I will estimate your emotion. /help shows what I can do."))


def _help_text() -> str:
    return _(
        "Send me a selfie and I will estimate the emotion on your face; the website shows how it changes "
        "over days and weeks.\n"
        "/start - connect this chat to your account\n"
        "/stats - your last 7 and 30 days\n"
        "/mood - tell me how you feel (1-5)\n"
        "/remind HH:MM - a daily check-in at this time; /remind off stops it\n"
        "/cbi - a short burnout questionnaire (six questions)\n"
        "/unlink - disconnect this chat from your account\n"
        "/delete - delete your account and all your data\n"
        "/help - this message"
    )


def _too_big_text() -> str:
    return _("This file is larger than 20 MB, the most Telegram lets me download. Please send a smaller photo.")


def _account_of(telegram_user_id: int) -> TelegramAccount | None:
    return TelegramAccount.objects.select_related("user").filter(telegram_user_id=telegram_user_id).first()


def _not_linked_text() -> str:
    return _(
        "This chat is not connected to an account yet. Sign in on the website, open your profile and press "
        "“Connect Telegram”: %(url)s"
    ) % {"url": site_url("accounts:profile")}


# --- commands ---------------------------------------------------------------------------------------------


def _on_start(session: BotSession, message: Message, token: str) -> None:
    chat_id = message.chat_id
    if message.chat.type != ChatType.PRIVATE:
        _send(session, chat_id, _("For your privacy I only work in a private chat. Please write to me directly."))
        return
    if not token:
        _send(
            session,
            chat_id,
            _(
                "Hello! I estimate emotions from face selfies and help you notice early signs of burnout. "
                "Create an account on %(url)s, then press “Connect Telegram” in your profile to link this chat."
            )
            % {"url": site_url("accounts:signup")},
        )
        return
    assert message.from_user is not None
    try:
        account = telegram_link(
            token=token,
            telegram_user_id=message.from_user.id,
            chat_id=chat_id,
            language=message.from_user.language_code or "",
        )
    except TelegramLinkError as exc:
        _send(session, chat_id, exc.message)
        return
    _send(session, chat_id, _linked_text(account.user))


def _linked_text(user: User) -> str:
    if user.is_psychologist:
        # A psychologist links the chat to receive burnout alerts, not to send selfies.
        return _(
            "Done! This chat is connected to your account %(username)s. Choose Telegram in your alert settings "
            "to get burnout alerts here: %(url)s"
        ) % {"username": user.get_username(), "url": site_url("accounts:psychologist_alerts")}
    return _("Done! This chat is connected to your account %(username)s. Send me a selfie whenever you like.") % {
        "username": user.get_username()
    }


def _on_unlink(session: BotSession, message: Message) -> None:
    assert message.from_user is not None
    if telegram_unlink(telegram_user_id=message.from_user.id):
        _send(session, message.chat_id, _("This chat is no longer connected to your account."))
    else:
        _send(session, message.chat_id, _("This chat is not connected to any account."))


def _consent_required_text(exc: ConsentRequired) -> str:
    return (
        exc.message
        + " "
        + _("Please read and accept the terms on the website: %(url)s") % {"url": site_url("accounts:privacy")}
    )


def _linked_or_reply(session: BotSession, message: Message) -> TelegramAccount | None:
    assert message.from_user is not None
    account = _account_of(message.from_user.id)
    if account is None:
        _send(session, message.chat_id, _not_linked_text())
    return account


def _on_mood(session: BotSession, message: Message) -> None:
    if _linked_or_reply(session, message) is None:
        return
    _send(
        session,
        message.chat_id,
        _("How do you feel? 1 = very bad, 5 = very good"),
        reply_markup=mood_keyboard(NO_ASSESSMENT),
    )


def _on_stats(session: BotSession, message: Message) -> None:
    account = _linked_or_reply(session, message)
    if account is None:
        return
    lines = []
    for days in (7, 30):
        summary = assessment_period_summary(user=account.user, days=days)
        if summary.negative_share is None:
            lines.append(_("Last %(days)s days: no analysed photos.") % {"days": days})
        else:
            lines.append(
                _("Last %(days)s days: %(done)s photos, %(percent)s%% with a negative emotion.")
                % {"days": days, "done": summary.done, "percent": round(summary.negative_share * 100)}
            )
    lines.append(_("Dashboard: %(url)s") % {"url": site_url("emotions:dashboard")})
    _send(session, message.chat_id, "\n".join(lines))


def _on_remind(session: BotSession, message: Message, argument: str) -> None:
    account = _linked_or_reply(session, message)
    if account is None:
        return
    if argument.lower() in ("off", "stop", "выкл"):
        telegram_reminder_set(account=account, at=None)
        _send(session, message.chat_id, _("Daily reminders are off."))
        return
    try:
        at = datetime.strptime(argument, "%H:%M").time()
    except ValueError:
        if account.remind_at is not None:
            text = _("I remind you every day at %(time)s.") % {"time": account.remind_at.strftime("%H:%M")}
        else:
            text = _("Daily reminders are off.")
        _send(session, message.chat_id, text + " " + _("Use /remind HH:MM (for example /remind 09:30) or /remind off."))
        return
    telegram_reminder_set(account=account, at=at)
    _send(
        session,
        message.chat_id,
        _("Done! I will remind you every day at %(time)s (%(timezone)s).")
        % {"time": at.strftime("%H:%M"), "timezone": account.user.timezone or "UTC"},
    )


def reminders_send() -> int:
    accounts = telegram_reminders_due()
    if not accounts:
        return 0
    sent = 0
    with BotSession() as session:
        for account in accounts:
            with translation.override(reply_language(account.language)):
                text = _("Time for your daily check-in: send me a selfie, or tell me how you feel.")
                offer = cbi_offer_text(account.user)
                result = session.try_call(
                    session.bot.send_message(
                        chat_id=account.chat_id,
                        text=f"{text}\n\n{offer}" if offer else text,
                        reply_markup=mood_keyboard(NO_ASSESSMENT),
                    )
                )
            sent += result is not None
    return sent


# --- photos -----------------------------------------------------------------------------------------------


def _on_image(session: BotSession, message: Message, file_id: str) -> None:
    chat_id = message.chat_id
    assert message.from_user is not None
    account = _account_of(message.from_user.id)
    if account is None:
        _send(session, chat_id, _not_linked_text())
        return
    # The same message handled again (its worker died half-way): its assessment exists and will be
    # answered by the result reply; downloading and acknowledging it twice would only confuse.
    source_key = f"{chat_id}:{message.message_id}"
    if assessment_by_source_key(source=PhotoAssessment.Source.TELEGRAM, source_key=source_key) is not None:
        return
    try:
        # Counted with the person's web and API uploads; beyond the limit nothing is downloaded or stored.
        photo_upload_take(user_id=account.user_id)
    except RateLimited as exc:
        _send(session, chat_id, exc.message)
        return
    session.try_call(session.bot.send_chat_action(chat_id=chat_id, action=ChatAction.UPLOAD_PHOTO))
    try:
        telegram_file = session.call(session.bot.get_file(file_id))
        data = bytes(session.call(telegram_file.download_as_bytearray()))
    except TelegramError as exc:
        logger.warning("could not download Telegram file %s: %r", file_id, exc)
        _send(session, chat_id, _("I could not download this photo from Telegram. Please send it again."))
        return
    try:
        photo = photo_validate(data=data)
        assessment_create(
            user=account.user,
            photo=photo,
            source=PhotoAssessment.Source.TELEGRAM,
            hook=FINISHED_HOOK,
            source_key=source_key,
        )
    except PhotoRejected as exc:
        _send(session, chat_id, exc.message)
        return
    except ConsentRequired as exc:
        _send(session, chat_id, _consent_required_text(exc))
        return
    session.try_call(session.bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING))
    _send(session, chat_id, _("Got it! Analysing your photo…"))


def assessment_result_text(assessment: PhotoAssessment) -> str:
    if assessment.status != PhotoAssessment.Status.DONE:
        return assessment.user_message()
    lines = [_("Your emotion: %(emotion)s") % {"emotion": assessment.label_display}]
    if (assessment.faces_found or 0) > 1:
        lines.append(_("I found several faces and used the largest one."))
    mix = ", ".join(f"{name} {percent}%" for _key, name, _p, percent in assessment.probability_rows() if percent >= 1)
    lines.append(_("Mix: %(mix)s") % {"mix": mix})
    lines.append(_("Valence: %(valence)s") % {"valence": assessment.get_valence_display()})
    if assessment.negativity_percent is not None:
        lines.append(_("Negative emotions: %(percent)s%%") % {"percent": assessment.negativity_percent})
    lines.append(_("How do you feel? 1 = very bad, 5 = very good"))
    return "\n".join(lines)


def mood_keyboard(assessment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(str(mood), callback_data=f"{MOOD_CALLBACK_PREFIX}:{assessment_id}:{mood}")
                for mood in range(1, 6)
            ]
        ]
    )


def assessment_notify(*, assessment_id: int) -> None:
    """Tell the person (in the chat they sent the photo from) what the analysis found, once.

    Called by the analysis task's hook and by the sweep (telegram_bridge.durable): whoever claims the
    assessment's notification sends it; a sender that died leaves the claim to expire. A network failure
    or flood control leaves it for the sweep after a back-off, NOTIFY_ATTEMPTS tries in all.
    """
    lease = timedelta(seconds=settings.TELEGRAM_REQUEUE_AFTER_SECONDS)
    attempt = assessment_notification_claim(assessment_id=assessment_id, lease=lease)
    if attempt is None:
        return  # still pending, already told, or another sender holds it
    assessment = PhotoAssessment.objects.select_related("user").get(pk=assessment_id)
    account = TelegramAccount.objects.filter(user=assessment.user).first()
    if account is None:
        # Unlinked meanwhile: the result is still on the dashboard, and there is no chat to tell.
        assessment_notification_done(assessment_id=assessment_id)
        return
    with translation.override(reply_language(account.language)), BotSession() as session:
        markup = mood_keyboard(assessment.pk) if assessment.status == PhotoAssessment.Status.DONE else None
        failure = message_send(
            session,
            chat_id=account.chat_id,
            text=assessment_result_text(assessment),
            what=f"result of assessment {assessment_id}",
            reply_markup=markup,
        )
    if failure is None or failure.refused or attempt >= NOTIFY_ATTEMPTS:
        if failure is not None and not failure.refused:
            logger.warning("giving up on the result of assessment %s after %s attempts", assessment_id, attempt)
        # Whatever happened to the message, the assessment is stored and the dashboard shows it.
        assessment_notification_done(assessment_id=assessment_id)
        return
    delay = retry_delay(attempt=attempt, retry_after=failure.retry_after)
    logger.info("result of assessment %s not sent (%r): retrying in %.0f s", assessment_id, failure.error, delay)
    assessment_notification_later(assessment_id=assessment_id, not_before=timezone.now() + timedelta(seconds=delay))


# --- the burnout questionnaire (CBI personal burnout), one item per message ---------------------------------


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


def _on_cbi(session: BotSession, message: Message) -> None:
    account = _linked_or_reply(session, message)
    if account is None:
        return
    try:
        progress, resumed = cbi_progress_start(account=account)
    except ConsentRequired as exc:
        _send(session, message.chat_id, _consent_required_text(exc))
        return
    item = progress.next_item()
    # A run whose last answer arrived was stored and deleted in that same transaction.
    assert item is not None
    if resumed:
        intro = _("You started the questionnaire earlier. Let us go on with question %(number)s of %(total)s.") % {
            "number": item + 1,
            "total": len(CBI_ITEM_KEYS),
        }
    else:
        intro = (
            _(
                "The personal burnout scale of the Copenhagen Burnout Inventory: six questions about the last weeks. "
                "The score goes from 0 to 100; higher means more exhaustion."
            )
            + " "
            + _("Tap the answer that fits best. If you stop, send /cbi later to go on where you left off.")
        )
    _send(session, message.chat_id, intro)
    _cbi_ask(session, message.chat_id, progress, item)


def _cbi_question_text(item: int) -> str:
    return _("Question %(number)s of %(total)s: %(question)s") % {
        "number": item + 1,
        "total": len(CBI_ITEM_KEYS),
        "question": CBI_ITEMS[CBI_ITEM_KEYS[item]],
    }


def cbi_keyboard(run_id: int, item: int) -> InlineKeyboardMarkup:
    # One answer a row: labels like "Never / almost never" do not fit five to a row on a phone.
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(str(label), callback_data=f"{CBI_CALLBACK_PREFIX}:{run_id}:{item}:{key}")]
            for key, label in CBI_ANSWERS.items()
        ]
    )


def _cbi_ask(session: BotSession, chat_id: int, progress: CbiProgress, item: int) -> None:
    _send(session, chat_id, _cbi_question_text(item), reply_markup=cbi_keyboard(progress.pk, item))


def _cbi_result_text(response: QuestionnaireResponse) -> str:
    return "\n\n".join(
        [
            _("Thank you. Your score is %(score)s out of 100.") % {"score": round(response.score)},
            _("A questionnaire score is not a diagnosis.")
            + " "
            + _(
                "It helps you and your psychologist follow how you feel over time. If you feel unwell, talk to a "
                "doctor or a psychologist."
            ),
            _("Your earlier scores: %(url)s") % {"url": site_url("emotions:questionnaire_cbi")},
        ]
    )


def _on_cbi_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str | None:
    parts = rest.split(":")
    if len(parts) != 3:
        return button_not_understood_text()
    run_number, item_number, answer = _callback_int(parts[0]), _callback_int(parts[1]), parts[2]
    if run_number is None or item_number is None:
        return button_not_understood_text()
    try:
        step = cbi_answer_record(account=account, run_id=run_number, item=item_number, answer=answer)
    except ConsentRequired as exc:
        _send(session, _query_chat_id(query), _consent_required_text(exc))
        return exc.message
    except CbiAnswerRefused as exc:
        # A button that answers nothing any more goes, so it is not tapped again.
        _remove_buttons(session, query)
        return exc.message
    # The question stays in the chat with the answer given, without buttons.
    _edit_text(
        session,
        query,
        _cbi_question_text(item_number) + "\n" + _("Your answer: %(answer)s") % {"answer": CBI_ANSWERS[answer]},
    )
    if step.response is not None:
        _send(session, _query_chat_id(query), _cbi_result_text(step.response))
        return _("Thank you! Your answers are saved.")
    assert step.progress is not None and step.next_item is not None
    _cbi_ask(session, _query_chat_id(query), step.progress, step.next_item)
    return None


# --- /delete ----------------------------------------------------------------------------------------------


def _on_delete(session: BotSession, message: Message) -> None:
    account = _linked_or_reply(session, message)
    if account is None:
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Yes, delete everything"), callback_data=telegram_delete_token(account=account)),
                InlineKeyboardButton(_("Cancel"), callback_data=DELETE_CANCEL_DATA),
            ]
        ]
    )
    minutes = round(DELETE_CONFIRM_TTL.total_seconds() / 60)
    text = (
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
    _send(session, message.chat_id, text, reply_markup=keyboard)


def _on_delete_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str:
    if query.data == DELETE_CANCEL_DATA:
        text = _("Cancelled. Nothing was deleted.")
        _edit_text(session, query, text)
        return text
    try:
        telegram_account_erase(account=account, token=query.data or "")
    except TelegramDeleteRefused as exc:
        if exc.code == "expired":
            _edit_text(session, query, exc.message)
        return exc.message
    text = _("Your account and all your data have been deleted.")
    _edit_text(session, query, text)
    return text


# --- mood buttons and the dispatch of button taps -------------------------------------------------------------


def _on_mood_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str:
    assessment, _sep, mood = rest.partition(":")
    assessment_id = _callback_int(assessment)
    if assessment_id is None or mood not in {"1", "2", "3", "4", "5"}:
        return button_not_understood_text()
    # One rating per message, kept by the database: a tap on buttons that already gave one (a second tap
    # before they went, two at once, an old copy of the chat) stores nothing and is answered so.
    message_key = f"{query.message.chat.id}:{query.message.message_id}" if query.message is not None else ""
    try:
        self_report_create(
            user=account.user,
            mood=int(mood),
            assessment=assessment_id or None,
            source="telegram",
            source_key=message_key,
        )
    except SelfReportRejected as exc:
        if exc.code == "already_saved":
            _remove_buttons(session, query)
        return exc.message
    _remove_buttons(session, query)
    return _("Thank you! Your mood is saved.")


ButtonHandler = Callable[[BotSession, CallbackQuery, TelegramAccount, str], "str | None"]

# The prefix before the first ":" of callback_data -> what the tap does (with the rest of the data).
BUTTON_HANDLERS: dict[str, ButtonHandler] = {
    MOOD_CALLBACK_PREFIX: _on_mood_button,
    CBI_CALLBACK_PREFIX: _on_cbi_button,
    DELETE_TOKEN_VALUE: _on_delete_button,
}


def _callback_int(text: str) -> int | None:
    """An id from callback data, or None: the data comes from the client, and a number too big for
    the database column would raise there instead of getting an answer."""
    return int(text) if text.isdecimal() and len(text) <= 18 else None


def _query_chat_id(query: CallbackQuery) -> int:
    # The bot works only in private chats, whose id is the person's; the message is absent when too old.
    return query.message.chat.id if query.message is not None else query.from_user.id


def _remove_buttons(session: BotSession, query: CallbackQuery) -> None:
    if query.message is not None:
        session.try_call(
            session.bot.edit_message_reply_markup(
                chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=None
            )
        )


def _edit_text(session: BotSession, query: CallbackQuery, text: str) -> None:
    """Replace the tapped message's text; without a reply_markup Telegram drops its buttons too."""
    if query.message is not None:
        session.try_call(
            session.bot.edit_message_text(chat_id=query.message.chat.id, message_id=query.message.message_id, text=text)
        )


def _on_callback(session: BotSession, update: Update) -> None:
    query = update.callback_query
    assert query is not None
    with translation.override(reply_language(query.from_user.language_code)):
        prefix, _sep, rest = (query.data or "").partition(":")
        handler = BUTTON_HANDLERS.get(prefix)
        account = _account_of(query.from_user.id) if handler is not None else None
        if handler is None:
            answer: str | None = button_not_understood_text()
        elif account is None:
            answer = _not_linked_text()
        else:
            answer = handler(session, query, account, rest)
        session.try_call(session.bot.answer_callback_query(query.id, text=answer[:200] if answer else None))
