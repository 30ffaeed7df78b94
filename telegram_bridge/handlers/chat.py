"""What every handler does with the chat: send, edit a tapped message, find the person's account."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils import translation
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from telegram_bridge.client import BotSession
from telegram_bridge.handlers.texts import not_linked_text, reply_language
from telegram_bridge.models import TelegramAccount


def send(session: BotSession, chat_id: int, text: str, **kwargs: Any) -> None:
    session.try_call(session.bot.send_message(chat_id=chat_id, text=text, **kwargs))


def accounts_send(accounts: Sequence[TelegramAccount], send_one: Callable[[BotSession, TelegramAccount], bool]) -> int:
    """Send to each claimed account, in its own language, over one bot session; how many went out."""
    if not accounts:
        return 0  # no session opened for a sweep with nothing due (every five minutes)
    sent = 0
    with BotSession() as session:
        for account in accounts:
            with translation.override(reply_language(account.language)):
                sent += send_one(session, account)
    return sent


def account_of(telegram_user_id: int) -> TelegramAccount | None:
    return TelegramAccount.objects.select_related("user").filter(telegram_user_id=telegram_user_id).first()


def linked_or_reply(session: BotSession, message: Message) -> TelegramAccount | None:
    assert message.from_user is not None
    account = account_of(message.from_user.id)
    if account is None:
        send(session, message.chat_id, not_linked_text())
    return account


def callback_int(text: str) -> int | None:
    """An id from callback data, or None: the data comes from the client, and a number too big for
    the database column would raise there instead of getting an answer."""
    return int(text) if text.isdecimal() and len(text) <= 18 else None


def query_chat_id(query: CallbackQuery) -> int:
    # The bot works only in private chats, whose id is the person's; the message is absent when too old.
    return query.message.chat.id if query.message is not None else query.from_user.id


def remove_buttons(session: BotSession, query: CallbackQuery) -> None:
    if query.message is not None:
        session.try_call(
            session.bot.edit_message_reply_markup(
                chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=None
            )
        )


def replace_buttons(
    session: BotSession, query: CallbackQuery, *, prefix: str, rows: list[list[InlineKeyboardButton]]
) -> None:
    """Swap the tapped message's rows of one conversation (callback data `prefix:...`) for `rows`.

    The other rows stay: a result carries the mood buttons and "Was this right?", and answering one must not
    take the other away. Telegram sends the message's buttons with the tap; without them (too old a message)
    only `rows` are left.
    """
    if query.message is None:
        return
    markup = getattr(query.message, "reply_markup", None)
    current = markup.inline_keyboard if markup is not None else ()
    kept = [list(row) for row in current if not any(_button_of(button, prefix) for button in row)]
    keyboard = kept + rows
    session.try_call(
        session.bot.edit_message_reply_markup(
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None,
        )
    )


def _button_of(button: InlineKeyboardButton, prefix: str) -> bool:
    data = button.callback_data
    return isinstance(data, str) and data.startswith(f"{prefix}:")


def edit_text(session: BotSession, query: CallbackQuery, text: str) -> None:
    """Replace the tapped message's text; without a reply_markup Telegram drops its buttons too."""
    if query.message is not None:
        session.try_call(
            session.bot.edit_message_text(chat_id=query.message.chat.id, message_id=query.message.message_id, text=text)
        )
