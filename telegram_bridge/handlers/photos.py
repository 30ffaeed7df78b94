"""A photo or an image file sent to the bot: checked, stored as an assessment, and its result told once."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from telegram import Document, InlineKeyboardMarkup, Message, PhotoSize
from telegram.constants import ChatAction
from telegram.error import TelegramError

from accounts.services import ConsentRequired
from burnout_site.rate_limits import RateLimited, photo_upload_take
from burnout_site.storage import StorageUnavailable
from emotions.models import PhotoAssessment
from emotions.services import (
    PhotoRejected,
    assessment_by_source_key,
    assessment_create,
    assessment_notification_claim,
    assessment_notification_done,
    assessment_notification_later,
    photo_validate,
)
from telegram_bridge.client import BotSession
from telegram_bridge.delivery import NOTIFY_ATTEMPTS, message_send, retry_delay
from telegram_bridge.handlers.chat import account_of, linked_or_reply, send
from telegram_bridge.handlers.feedback import feedback_row
from telegram_bridge.handlers.mood import mood_keyboard
from telegram_bridge.handlers.texts import (
    assessment_result_text,
    consent_required_text,
    download_failed_text,
    keep_photos_text,
    not_a_photo_text,
    not_linked_text,
    photo_deleted_text,
    photo_received_text,
    reply_language,
    too_big_text,
)
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import telegram_keep_photos_set, telegram_photo_deletion_told

logger = logging.getLogger(__name__)

# The Bot API refuses getFile above 20 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


def on_photo(session: BotSession, message: Message, photo: tuple[PhotoSize, ...]) -> None:
    # The largest size Telegram made that the Bot API still lets us download.
    sizes = [size for size in photo if (size.file_size or 0) <= MAX_DOWNLOAD_BYTES]
    if not sizes:
        send(session, message.chat_id, too_big_text())
        return
    largest = max(sizes, key=lambda size: size.width * size.height)
    on_image(session, message, largest.file_id)


def on_document(session: BotSession, message: Message, document: Document) -> None:
    if not (document.mime_type or "").startswith("image/"):
        send(session, message.chat_id, not_a_photo_text())
        return
    if (document.file_size or 0) > MAX_DOWNLOAD_BYTES:
        send(session, message.chat_id, too_big_text())
        return
    on_image(session, message, document.file_id)


def on_image(session: BotSession, message: Message, file_id: str) -> None:
    chat_id = message.chat_id
    assert message.from_user is not None
    account = account_of(message.from_user.id)
    if account is None:
        send(session, chat_id, not_linked_text())
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
        send(session, chat_id, exc.message)
        return
    session.try_call(session.bot.send_chat_action(chat_id=chat_id, action=ChatAction.UPLOAD_PHOTO))
    try:
        telegram_file = session.call(session.bot.get_file(file_id))
        data = bytes(session.call(telegram_file.download_as_bytearray()))
    except TelegramError as exc:
        logger.warning("could not download Telegram file %s: %r", file_id, exc)
        send(session, chat_id, download_failed_text())
        return
    try:
        photo = photo_validate(data=data)
        assessment_create(
            user=account.user,
            photo=photo,
            source=PhotoAssessment.Source.TELEGRAM,
            source_key=source_key,
        )
    except PhotoRejected as exc:
        send(session, chat_id, exc.message)
        return
    except ConsentRequired as exc:
        send(session, chat_id, consent_required_text(exc))
        return
    except StorageUnavailable as exc:
        # Nothing stored: the person sends it again later (the update itself is settled, not retried for ever).
        send(session, chat_id, exc.message)
        return
    session.try_call(session.bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING))
    send(session, chat_id, photo_received_text())


def _result_keyboard(assessment: PhotoAssessment) -> InlineKeyboardMarkup:
    """Under a finished result: the mood 1-5, then "Was this right?"."""
    return InlineKeyboardMarkup([*mood_keyboard(assessment.pk).inline_keyboard, feedback_row(assessment)])


def assessment_notify(*, assessment_id: int) -> None:
    """Tell the person (in the chat they sent the photo from) what the analysis found, once.

    Called after the commit of the analysis (our channel's notify_result, accounts/channels.py) and by the
    sweep (telegram_bridge.durable): whoever claims the assessment's notification sends it; a sender that
    died leaves the claim to expire. A network failure or flood control leaves it for the sweep after a
    back-off, NOTIFY_ATTEMPTS tries in all.
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
        # Tried with the first attempt only: a refusal (older than 48 hours, already deleted) stays one.
        deleted = attempt == 1 and _photo_message_delete(session, assessment=assessment, account=account)
        # Said in a result, not beside an error that asks for the photo again.
        tell = deleted and not account.photo_deletion_told and assessment.status == PhotoAssessment.Status.DONE
        text = assessment_result_text(assessment, note=photo_deleted_text() if tell else "")
        markup = _result_keyboard(assessment) if assessment.status == PhotoAssessment.Status.DONE else None
        failure = message_send(
            session,
            chat_id=account.chat_id,
            text=text,
            what=f"result of assessment {assessment_id}",
            reply_markup=markup,
        )
    if tell and failure is None:
        telegram_photo_deletion_told(account=account)
    if failure is None or failure.refused or attempt >= NOTIFY_ATTEMPTS:
        if failure is not None and not failure.refused:
            logger.warning("giving up on the result of assessment %s after %s attempts", assessment_id, attempt)
        # Whatever happened to the message, the assessment is stored and the dashboard shows it.
        assessment_notification_done(assessment_id=assessment_id)
        return
    delay = retry_delay(attempt=attempt, retry_after=failure.retry_after)
    logger.info("result of assessment %s not sent (%r): retrying in %.0f s", assessment_id, failure.error, delay)
    assessment_notification_later(assessment_id=assessment_id, not_before=timezone.now() + timedelta(seconds=delay))


def _photo_message_delete(session: BotSession, *, assessment: PhotoAssessment, account: TelegramAccount) -> bool:
    """Delete the person's photo message from the chat after its analysis, unless they keep their photos.

    The Bot API lets a bot delete messages of a private chat for 48 hours; any refusal or network failure is
    logged and not tried again (the assessment and its result are unaffected). Only the message this
    assessment came from (its source key, "chat:message") is touched.
    """
    if account.keep_photos or assessment.source != PhotoAssessment.Source.TELEGRAM:
        return False
    chat, _sep, message = assessment.source_key.partition(":")
    if not (chat.lstrip("-").isdecimal() and message.isdecimal()):
        return False
    try:
        session.call(session.bot.delete_message(chat_id=int(chat), message_id=int(message)))
    except TelegramError as exc:
        logger.warning("could not delete the photo message of assessment %s: %r", assessment.pk, exc)
        return False
    return True


def on_keep_photos(session: BotSession, message: Message, argument: str) -> None:
    """/keepphotos on|off; anything else answers with what holds now and how to change it."""
    account = linked_or_reply(session, message)
    if account is None:
        return
    choice = {"on": True, "вкл": True, "off": False, "выкл": False}.get(argument.lower())
    if choice is None:
        send(session, message.chat_id, keep_photos_text(keep=account.keep_photos, changed=False))
        return
    telegram_keep_photos_set(account=account, keep=choice)
    send(session, message.chat_id, keep_photos_text(keep=choice, changed=True))
