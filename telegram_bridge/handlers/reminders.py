"""/remind (the daily check-in time) and the sending of due reminders (a scheduled task)."""

from __future__ import annotations

from datetime import datetime

from django.utils import translation
from telegram import Message

from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import linked_or_reply, send
from telegram_bridge.handlers.mood import NO_ASSESSMENT, mood_keyboard
from telegram_bridge.handlers.texts import (
    cbi_offer_text,
    reminder_set_text,
    reminder_text,
    reminder_usage_text,
    reminders_off_text,
    reply_language,
)
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


def reminders_send() -> int:
    accounts = telegram_reminder_claim_due()
    if not accounts:
        return 0
    sent = 0
    with BotSession() as session:
        for account in accounts:
            with translation.override(reply_language(account.language)):
                result = session.try_call(
                    session.bot.send_message(
                        chat_id=account.chat_id,
                        text=reminder_text(cbi_offer_text(account.user)),
                        reply_markup=mood_keyboard(NO_ASSESSMENT),
                    )
                )
            sent += result is not None
    return sent
