"""/digest (the weekly summary's day and time), sending due digests (a scheduled task), and the chart that the
digest and /stats send as a photo."""

from __future__ import annotations

import logging

from telegram import Message

from accounts.models import User
from emotions.charts import chart_weekly_png
from emotions.selectors.patterns import WEEKDAY_NAMES
from emotions.selectors.summary import week_summary_get
from telegram_bridge.client import BotSession
from telegram_bridge.digests import (
    DigestScheduleRefused,
    digest_schedule_parse,
    telegram_digest_claim_due,
    telegram_digest_set,
)
from telegram_bridge.handlers.chat import accounts_send, linked_or_reply, send
from telegram_bridge.handlers.texts import (
    digest_off_text,
    digest_set_text,
    digest_text,
    digest_usage_text,
)
from telegram_bridge.models import TelegramAccount

logger = logging.getLogger(__name__)

# Telegram's limit for a photo's caption; a longer text goes as a message before the photo.
CAPTION_MAX = 1024


def _schedule_words(account: TelegramAccount) -> str:
    assert account.digest_weekday is not None and account.digest_at is not None
    return digest_set_text(
        day=str(WEEKDAY_NAMES[account.digest_weekday]),
        time=account.digest_at.strftime("%H:%M"),
        timezone_name=account.user.timezone or "UTC",
    )


def on_digest(session: BotSession, message: Message, argument: str) -> None:
    account = linked_or_reply(session, message)
    if account is None:
        return
    if not argument:
        current = _schedule_words(account) if account.digest_at is not None else digest_off_text()
        send(session, message.chat_id, digest_usage_text(current))
        return
    try:
        schedule = digest_schedule_parse(argument)
    except DigestScheduleRefused as refused:
        # Nothing changes: the person's earlier choice stays as it was.
        send(session, message.chat_id, refused.message)
        return
    telegram_digest_set(account=account, schedule=schedule)
    send(session, message.chat_id, _schedule_words(account) if schedule is not None else digest_off_text())


def chart_send(session: BotSession, *, chat_id: int, user: User, caption: str = "") -> bool:
    """The four-week chart as a photo (with `caption`); False when it could not be drawn or sent."""
    try:
        png = chart_weekly_png(user=user)
    except Exception:
        # A chart that cannot be drawn must not cost the person the words: the caller sends them as text.
        logger.exception("weekly chart could not be drawn for user %s", user.pk)
        return False
    result = session.try_call(session.bot.send_photo(chat_id=chat_id, photo=png, caption=caption or None))
    return result is not None


def digest_send(session: BotSession, account: TelegramAccount) -> bool:
    text = digest_text(week_summary_get(user=account.user))
    if len(text) <= CAPTION_MAX and chart_send(session, chat_id=account.chat_id, user=account.user, caption=text):
        return True
    return session.try_call(session.bot.send_message(chat_id=account.chat_id, text=text)) is not None


def digests_send() -> int:
    return accounts_send(telegram_digest_claim_due(), digest_send)
