"""What the bot does with each update: plain sync functions called from django-q2 tasks.

`update_dispatch(payload)` is the single entry for the webhook task and for long polling.
Every reply is in the person's Telegram language (Russian for "ru*", English otherwise).
Bot API calls go through one BotSession per update (telegram_bridge/client.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from accounts.services import ConsentRequired
from emotions.models import PhotoAssessment
from emotions.selectors import assessment_period_summary
from emotions.services import PhotoRejected, SelfReportRejected, assessment_create, photo_validate, self_report_create
from telegram_bridge.client import BotSession
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import (
    TelegramLinkError,
    telegram_link,
    telegram_reminder_set,
    telegram_reminders_due,
    telegram_unlink,
)

logger = logging.getLogger(__name__)

# The Bot API refuses getFile above 20 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
FINISHED_HOOK = "telegram_bridge.tasks.assessment_finished"
MOOD_CALLBACK_PREFIX = "mood"
# A result message that fails for a network reason is tried again this many times in all, after
# 30 s, 60 s... (or whatever Telegram's flood control asks for).
NOTIFY_ATTEMPTS = 4
NOTIFY_RETRY_SECONDS = 30
# The assessment id of a /mood button that answers no photo.
NO_ASSESSMENT = 0


def reply_language(language_code: str | None) -> str:
    return "ru" if (language_code or "").lower().startswith("ru") else "en"


def site_url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


# --- entry ------------------------------------------------------------------------------------------------


def update_dispatch(payload: dict[str, Any]) -> None:
    try:
        update = Update.de_json(payload, None)
    except Exception:
        # Not shaped as Telegram sends updates (the webhook checked only that it is JSON with an id).
        logger.warning("ignoring a malformed Telegram update %s", payload.get("update_id"), exc_info=True)
        return
    if update is None:
        return
    with BotSession() as session:
        if update.callback_query is not None:
            _on_callback(session, update)
        elif update.message is not None and update.message.from_user is not None:
            with translation.override(reply_language(update.message.from_user.language_code)):
                _on_message(session, update.message)


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
        elif command == "/delete":
            _send(
                session,
                chat_id,
                _(
                    "To delete your account and all your data, confirm with your password on the website: "
                    "%(url)s. /unlink only disconnects this chat."
                )
                % {"url": site_url("accounts:delete")},
            )
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
    _send(
        session,
        chat_id,
        _("Done! This chat is connected to your account %(username)s. Send me a selfie whenever you like.")
        % {"username": account.user.get_username()},
    )


def _on_unlink(session: BotSession, message: Message) -> None:
    assert message.from_user is not None
    if telegram_unlink(telegram_user_id=message.from_user.id):
        _send(session, message.chat_id, _("This chat is no longer connected to your account."))
    else:
        _send(session, message.chat_id, _("This chat is not connected to any account."))


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
                result = session.try_call(
                    session.bot.send_message(
                        chat_id=account.chat_id,
                        text=_("Time for your daily check-in: send me a selfie, or tell me how you feel."),
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
        assessment_create(user=account.user, photo=photo, source=PhotoAssessment.Source.TELEGRAM, hook=FINISHED_HOOK)
    except PhotoRejected as exc:
        _send(session, chat_id, exc.message)
        return
    except ConsentRequired as exc:
        _send(
            session,
            chat_id,
            exc.message
            + " "
            + _("Please read and accept the terms on the website: %(url)s") % {"url": site_url("accounts:privacy")},
        )
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


def assessment_notify(*, assessment_id: int, attempt: int = 1) -> None:
    """Tell the person (in the chat they sent the photo from) what the analysis found."""
    assessment = PhotoAssessment.objects.select_related("user").filter(pk=assessment_id).first()
    if assessment is None or assessment.is_pending:
        return
    account = TelegramAccount.objects.filter(user=assessment.user).first()
    if account is None:
        return  # unlinked meanwhile: the result is still on the dashboard
    with translation.override(reply_language(account.language)), BotSession() as session:
        markup = mood_keyboard(assessment.pk) if assessment.status == PhotoAssessment.Status.DONE else None
        try:
            session.call(
                session.bot.send_message(
                    chat_id=account.chat_id, text=assessment_result_text(assessment), reply_markup=markup
                )
            )
        except (Forbidden, BadRequest) as exc:
            # Blocked by the person, or a chat that is gone: trying again changes nothing.
            logger.info("result of assessment %s not delivered: %r", assessment_id, exc)
        except TelegramError as exc:
            # Network trouble or Telegram's flood control: try again a little later. The
            # assessment itself is stored whatever happens here; the dashboard shows it.
            delay = exc.retry_after if isinstance(exc, RetryAfter) else None
            notify_retry_schedule(assessment_id=assessment_id, attempt=attempt, retry_after=delay, error=exc)


def notify_retry_schedule(*, assessment_id: int, attempt: int, retry_after: object, error: Exception) -> None:
    if attempt >= NOTIFY_ATTEMPTS:
        logger.warning("giving up on the result of assessment %s after %s attempts: %r", assessment_id, attempt, error)
        return
    from django_q.models import Schedule

    seconds = retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after
    delay = max(float(seconds or 0), NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1))
    logger.info("result of assessment %s not sent (%r): retrying in %.0f s", assessment_id, error, delay)
    Schedule.objects.create(
        name=f"telegram: result {assessment_id} attempt {attempt + 1}",
        func="telegram_bridge.tasks.assessment_notify_retry",
        args=f"{assessment_id}, {attempt + 1}",
        schedule_type=Schedule.ONCE,
        repeats=1,
        next_run=timezone.now() + timedelta(seconds=delay),
    )


# --- mood buttons -----------------------------------------------------------------------------------------


def _on_callback(session: BotSession, update: Update) -> None:
    query = update.callback_query
    assert query is not None
    with translation.override(reply_language(query.from_user.language_code)):
        parts = (query.data or "").split(":")
        account = _account_of(query.from_user.id)
        answer = _("Sorry, I did not understand that button.")
        if (
            len(parts) == 3
            and parts[0] == MOOD_CALLBACK_PREFIX
            and parts[1].isdigit()
            and parts[2] in {"1", "2", "3", "4", "5"}
        ):
            if account is None:
                answer = _not_linked_text()
            else:
                try:
                    assessment_id = int(parts[1]) or None
                    self_report_create(
                        user=account.user, mood=int(parts[2]), assessment=assessment_id, source="telegram"
                    )
                except SelfReportRejected as exc:
                    answer = exc.message
                else:
                    answer = _("Thank you! Your mood is saved.")
                    if query.message is not None:
                        # One rating per message: the buttons go, so a second tap cannot store another.
                        session.try_call(
                            session.bot.edit_message_reply_markup(
                                chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=None
                            )
                        )
        session.try_call(session.bot.answer_callback_query(query.id, text=answer[:200]))
