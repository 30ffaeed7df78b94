"""/start (linking a chat), /help, /unlink and /stats."""

from __future__ import annotations

from telegram import Message
from telegram.constants import ChatType

from emotions.selectors import assessment_period_summary, baseline_comparisons
from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import linked_or_reply, send
from telegram_bridge.handlers.digest import chart_send
from telegram_bridge.handlers.texts import (
    dashboard_link_text,
    help_text,
    linked_text,
    private_chat_only_text,
    stats_baseline_lines,
    stats_period_text,
    unlinked_text,
    welcome_text,
)
from telegram_bridge.services import TelegramLinkError, telegram_account_link, telegram_account_unlink


def on_start(session: BotSession, message: Message, token: str) -> None:
    chat_id = message.chat_id
    if message.chat.type != ChatType.PRIVATE:
        send(session, chat_id, private_chat_only_text())
        return
    if not token:
        send(session, chat_id, welcome_text())
        return
    assert message.from_user is not None
    try:
        account = telegram_account_link(
            token=token,
            telegram_user_id=message.from_user.id,
            chat_id=chat_id,
            language=message.from_user.language_code or "",
        )
    except TelegramLinkError as exc:
        send(session, chat_id, exc.message)
        return
    send(session, chat_id, linked_text(account.user))


def on_help(session: BotSession, message: Message, argument: str) -> None:
    send(session, message.chat_id, help_text())


def on_unlink(session: BotSession, message: Message, argument: str) -> None:
    assert message.from_user is not None
    was_linked = telegram_account_unlink(telegram_user_id=message.from_user.id)
    send(session, message.chat_id, unlinked_text(was_linked=was_linked))


def on_stats(session: BotSession, message: Message, argument: str) -> None:
    account = linked_or_reply(session, message)
    if account is None:
        return
    lines = []
    for days in (7, 30):
        summary = assessment_period_summary(user=account.user, days=days)
        lines.append(
            stats_period_text(
                days=days, done=summary.counted, negative_share=summary.negative_share, unsure=summary.unsure
            )
        )
    baseline, comparisons = baseline_comparisons(user=account.user)
    lines += stats_baseline_lines(baseline, comparisons)
    lines.append(dashboard_link_text())
    send(session, message.chat_id, "\n".join(lines))
    # The same four-week chart as the weekly digest (drawn here, in the worker that handles the update).
    chart_send(session, chat_id=message.chat_id, user=account.user)
