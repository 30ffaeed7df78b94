"""The entry for every update: a command goes to its handler in COMMAND_HANDLERS, a button tap to its
handler in BUTTON_HANDLERS (by the prefix of its callback data), a photo or image file to photos."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.utils import translation
from telegram import CallbackQuery, Message, Update

from telegram_bridge.client import BotSession
from telegram_bridge.handlers import commands, delete, feedback, mood, photos, questionnaire, reminders, sharing
from telegram_bridge.handlers.chat import account_of, send
from telegram_bridge.handlers.texts import (
    malformed_text,
    not_linked_text,
    reply_language,
    send_a_selfie_text,
    sticker_text,
    unknown_command_text,
    video_text,
    voice_text,
)
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import DELETE_TOKEN_VALUE, button_not_understood_text
from telegram_bridge.update_shape import MalformedUpdate, update_parse

logger = logging.getLogger(__name__)

# A command handler gets the text after the command ("/start <token>", "/remind 09:30"), stripped.
CommandHandler = Callable[[BotSession, Message, str], None]

# "/command" (lower case, without "@botname") -> what it does.
COMMAND_HANDLERS: dict[str, CommandHandler] = {
    "/start": commands.on_start,
    "/help": commands.on_help,
    "/unlink": commands.on_unlink,
    "/mood": mood.on_mood,
    "/stats": commands.on_stats,
    "/cbi": questionnaire.on_cbi,
    "/delete": delete.on_delete,
    "/remind": reminders.on_remind,
    "/keepphotos": photos.on_keep_photos,
    "/share": sharing.on_share,
}

ButtonHandler = Callable[[BotSession, CallbackQuery, TelegramAccount, str], "str | None"]

# The prefix before the first ":" of callback_data -> what the tap does (with the rest of the data).
BUTTON_HANDLERS: dict[str, ButtonHandler] = {
    mood.MOOD_CALLBACK_PREFIX: mood.on_mood_button,
    feedback.FEEDBACK_CALLBACK_PREFIX: feedback.on_feedback_button,
    questionnaire.CBI_CALLBACK_PREFIX: questionnaire.on_cbi_button,
    DELETE_TOKEN_VALUE: delete.on_delete_button,
    sharing.SHARE_CALLBACK_PREFIX: sharing.on_share_button,
}


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
            send(session, malformed.chat_id, malformed_text(about_photo=malformed.about_photo))


def _on_message(session: BotSession, message: Message) -> None:
    chat_id = message.chat_id
    text = (message.text or "").strip()
    if text.startswith("/"):
        command, _sep, argument = text.partition(" ")
        handler = COMMAND_HANDLERS.get(command.split("@", 1)[0].lower())
        if handler is None:
            send(session, chat_id, unknown_command_text())
        else:
            handler(session, message, argument.strip())
        return
    if message.photo:
        photos.on_photo(session, message, message.photo)
        return
    if message.document is not None:
        photos.on_document(session, message, message.document)
        return
    if message.sticker is not None:
        send(session, chat_id, sticker_text())
    elif message.video or message.video_note or message.animation:
        send(session, chat_id, video_text())
    elif message.voice or message.audio:
        send(session, chat_id, voice_text())
    else:
        send(session, chat_id, send_a_selfie_text())


def _on_callback(session: BotSession, update: Update) -> None:
    query = update.callback_query
    assert query is not None
    with translation.override(reply_language(query.from_user.language_code)):
        prefix, _sep, rest = (query.data or "").partition(":")
        handler = BUTTON_HANDLERS.get(prefix)
        account = account_of(query.from_user.id) if handler is not None else None
        if handler is None:
            answer: str | None = button_not_understood_text()
        elif account is None:
            answer = not_linked_text()
        else:
            answer = handler(session, query, account, rest)
        session.try_call(session.bot.answer_callback_query(query.id, text=answer[:200] if answer else None))
