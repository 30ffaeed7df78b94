"""/remind (the daily check-in time) and the sending of due reminders (a scheduled task)."""

from __future__ import annotations

from datetime import datetime

from telegram import Message

from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import accounts_send, linked_or_reply, send
from telegram_bridge.handlers.mood import NO_ASSESSMENT, mood_keyboard
from telegram_bridge.handlers.texts import (
    cbi_offer_text,
    reminder_set_text,
    reminder_text,
    reminder_usage_text,
    reminders_off_text,
)
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import telegram_reminder_claim_due, telegram_reminder_set


def on_remind(session: BotSession, message: Message, argument: str) -> None:
    account = linked_or_reply(session, message)
    if account is None:
        return
    if argument.lower() in ("off", "stop", "выкл"):
        telegram_reminder_set(account=account, at=None)
        send(session, message.chat_id, reminders_off_text())
        return
    try:
        at = datetime.strptime(argument, "%H:%M").time()
    except ValueError:
        current = account.remind_at.strftime("%H:%M") if account.remind_at is not None else None
        send(session, message.chat_id, reminder_usage_text(current))
        return
    telegram_reminder_set(account=account, at=at)
    send(
        session,
        message.chat_id,
        reminder_set_text(time=at.strftime("%H:%M"), timezone_name=account.user.timezone or "UTC"),
    )


def reminder_send(session: BotSession, account: TelegramAccount) -> bool:
    result = session.try_call(
        session.bot.send_message(
            chat_id=account.chat_id,
            text=reminder_text(cbi_offer_text(account.user)),
            reply_markup=mood_keyboard(NO_ASSESSMENT),
        )
    )
    return result is not None


def reminders_send() -> int:
    return accounts_send(telegram_reminder_claim_due(), reminder_send)
