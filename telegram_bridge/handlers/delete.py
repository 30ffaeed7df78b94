"""/delete: erasing the account from the chat, confirmed by a signed, short-lived button."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import edit_text, linked_or_reply, send
from telegram_bridge.handlers.texts import (
    account_deleted_text,
    delete_cancel_label,
    delete_cancelled_text,
    delete_confirm_text,
    delete_yes_label,
)
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import (
    DELETE_CONFIRM_TTL,
    DELETE_TOKEN_VALUE,
    TelegramDeleteRefused,
    telegram_account_erase,
    telegram_account_erase_token_sign,
)

# The "Cancel" button of /delete; its "Yes" button carries a signed token that starts with "del:" too.
DELETE_CANCEL_DATA = f"{DELETE_TOKEN_VALUE}:cancel"


def on_delete(session: BotSession, message: Message, argument: str) -> None:
    account = linked_or_reply(session, message)
    if account is None:
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    delete_yes_label(), callback_data=telegram_account_erase_token_sign(account=account)
                ),
                InlineKeyboardButton(delete_cancel_label(), callback_data=DELETE_CANCEL_DATA),
            ]
        ]
    )
    minutes = round(DELETE_CONFIRM_TTL.total_seconds() / 60)
    send(session, message.chat_id, delete_confirm_text(minutes=minutes), reply_markup=keyboard)


def on_delete_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str:
    if query.data == DELETE_CANCEL_DATA:
        text = delete_cancelled_text()
        edit_text(session, query, text)
        return text
    try:
        telegram_account_erase(account=account, token=query.data or "")
    except TelegramDeleteRefused as exc:
        if exc.code == "expired":
            edit_text(session, query, exc.message)
        return exc.message
    text = account_deleted_text()
    edit_text(session, query, text)
    return text
