"""/mood and the 1-5 mood buttons (under a result, a reminder, or /mood itself)."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from emotions.services import SelfReportRejected, self_report_create
from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import callback_int, linked_or_reply, query_chat_id, replace_buttons, send
from telegram_bridge.handlers.factors import factors_ask
from telegram_bridge.handlers.texts import mood_question_text, mood_saved_text
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import button_not_understood_text

MOOD_CALLBACK_PREFIX = "mood"
# The assessment id of a /mood button that answers no photo.
NO_ASSESSMENT = 0


def mood_keyboard(assessment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(str(mood), callback_data=f"{MOOD_CALLBACK_PREFIX}:{assessment_id}:{mood}")
                for mood in range(1, 6)
            ]
        ]
    )


def on_mood(session: BotSession, message: Message, argument: str) -> None:
    if linked_or_reply(session, message) is None:
        return
    send(session, message.chat_id, mood_question_text(), reply_markup=mood_keyboard(NO_ASSESSMENT))


def on_mood_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str:
    assessment, _sep, mood = rest.partition(":")
    assessment_id = callback_int(assessment)
    if assessment_id is None or mood not in {"1", "2", "3", "4", "5"}:
        return button_not_understood_text()
    # One rating per message, kept by the database: a tap on buttons that already gave one (a second tap
    # before they went, two at once, an old copy of the chat) stores nothing and is answered so.
    message_key = f"{query.message.chat.id}:{query.message.message_id}" if query.message is not None else ""
    try:
        report = self_report_create(
            user=account.user,
            mood=int(mood),
            assessment=assessment_id or None,
            source="telegram",
            source_key=message_key,
        )
    except SelfReportRejected as exc:
        if exc.code == "already_saved":
            replace_buttons(session, query, prefix=MOOD_CALLBACK_PREFIX, rows=[])
        return exc.message
    # Only the mood row goes: a result's "Was this right?" row stays under it.
    replace_buttons(session, query, prefix=MOOD_CALLBACK_PREFIX, rows=[])
    if not assessment_id:
        # A rating from /mood (or a reminder): ask for the optional factors, one skippable question at a time.
        factors_ask(session, chat_id=query_chat_id(query), report_id=report.pk)
    return mood_saved_text()
