"""/undo: delete the person's latest entry (a photo reading, a mood rating or a questionnaire answer) after a tap.

The button names the entry (kind and id), not "the latest": a tap on an old question deletes what it asked
about or, when that is gone already, nothing. The deletion is the journal's service, so it is checked (only the
person's own rows), audited and reflected in charts and export exactly as on the website.
"""

from __future__ import annotations

from django.utils import formats, timezone
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from accounts.models import Channel
from burnout_site.errors import Refusal
from emotions.selectors import (
    JOURNAL_KINDS,
    journal_entry_get,
    journal_entry_words,
    journal_latest_entry,
    user_tzinfo_get,
)
from emotions.services import journal_entry_delete
from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import callback_int, edit_text, linked_or_reply, send
from telegram_bridge.handlers.texts import (
    undo_confirm_text,
    undo_done_text,
    undo_keep_label,
    undo_kept_text,
    undo_nothing_text,
    undo_yes_label,
)
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import button_not_understood_text

UNDO_CALLBACK_PREFIX = "undo"
UNDO_KEEP_DATA = f"{UNDO_CALLBACK_PREFIX}:keep"


def on_undo(session: BotSession, message: Message, argument: str) -> None:
    account = linked_or_reply(session, message)
    if account is None:
        return
    entry = journal_latest_entry(user=account.user)
    if entry is None:
        send(session, message.chat_id, undo_nothing_text())
        return
    when = formats.date_format(timezone.localtime(entry.at, user_tzinfo_get(user=account.user)), "DATETIME_FORMAT")
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(undo_yes_label(), callback_data=f"{UNDO_CALLBACK_PREFIX}:{entry.kind}:{entry.id}"),
                InlineKeyboardButton(undo_keep_label(), callback_data=UNDO_KEEP_DATA),
            ]
        ]
    )
    text = undo_confirm_text(words=journal_entry_words(entry), when=when)
    send(session, message.chat_id, text, reply_markup=keyboard)


def on_undo_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str:
    if query.data == UNDO_KEEP_DATA:
        text = undo_kept_text()
        edit_text(session, query, text)
        return text
    kind, _sep, raw_id = rest.partition(":")
    entry_id = callback_int(raw_id)
    if kind not in JOURNAL_KINDS or entry_id is None:
        return button_not_understood_text()
    entry = journal_entry_get(user=account.user, kind=kind, entry_id=entry_id)
    words = journal_entry_words(entry) if entry is not None else ""
    try:
        journal_entry_delete(user=account.user, kind=kind, entry_id=entry_id, channel=Channel.TELEGRAM)
    except Refusal as refusal:
        # Gone already (a second tap, deleted on the website) or never the person's: nothing is deleted.
        edit_text(session, query, refusal.message)
        return refusal.message
    text = undo_done_text(words=words)
    edit_text(session, query, text)
    return text
