"""After a /mood rating: workload, sleep and the person's own tags as buttons, one question at a time, each
skippable. A button names the rating it belongs to; only the person's own rating is changed (the service checks).
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from burnout_site.errors import Refusal
from emotions.selectors.factors import factor_tag_list
from emotions.services.factors import self_report_factors_set
from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import callback_int, edit_text, query_chat_id, send
from telegram_bridge.handlers.texts import (
    factor_done_label,
    factor_saved_text,
    factor_skip_label,
    factor_sleep_question_text,
    factor_tags_question_text,
    factor_workload_question_text,
)
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import button_not_understood_text

FACTOR_CALLBACK_PREFIX = "fac"
SKIP, DONE = "skip", "done"
SLEEP_CHOICES = ("5", "6", "7", "8", "9")  # "5" stands for 5 or less, "9" for 9 or more: a tap, not a form


def _keyboard(
    kind: str, report_id: int, choices: list[tuple[str, str]], last_label: str, last: str
) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton(label, callback_data=f"{FACTOR_CALLBACK_PREFIX}:{kind}:{report_id}:{v}")
        for v, label in choices
    ]
    rows = [row[i : i + 5] for i in range(0, len(row), 5)]
    rows.append([InlineKeyboardButton(last_label, callback_data=f"{FACTOR_CALLBACK_PREFIX}:{kind}:{report_id}:{last}")])
    return InlineKeyboardMarkup(rows)


def factors_ask(session: BotSession, *, chat_id: int, report_id: int) -> None:
    """The first question after a /mood rating: the workload."""
    choices = [(str(n), str(n)) for n in range(1, 6)]
    keyboard = _keyboard("w", report_id, choices, factor_skip_label(), SKIP)
    send(session, chat_id, factor_workload_question_text(), reply_markup=keyboard)


def _ask_sleep(session: BotSession, chat_id: int, report_id: int) -> None:
    choices = [(v, {"5": "≤5", "9": "9+"}.get(v, v)) for v in SLEEP_CHOICES]
    send(
        session,
        chat_id,
        factor_sleep_question_text(),
        reply_markup=_keyboard("s", report_id, choices, factor_skip_label(), SKIP),
    )


def _ask_tags(session: BotSession, chat_id: int, account: TelegramAccount, report_id: int) -> bool:
    tags = factor_tag_list(user=account.user)
    if not tags:
        return False
    choices = [(str(tag.pk), tag.name) for tag in tags]
    send(
        session,
        chat_id,
        factor_tags_question_text(),
        reply_markup=_keyboard("t", report_id, choices, factor_done_label(), DONE),
    )
    return True


def on_factor_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str | None:
    kind, _sep, tail = rest.partition(":")
    raw_id, _sep, value = tail.partition(":")
    report_id = callback_int(raw_id)
    if kind not in {"w", "s", "t"} or report_id is None or not value:
        return button_not_understood_text()
    chat_id = query_chat_id(query)
    try:
        if kind == "w":
            if value != SKIP:
                self_report_factors_set(user=account.user, self_report_id=report_id, workload=value)
            edit_text(session, query, f"{factor_workload_question_text()} {value if value != SKIP else '—'}")
            _ask_sleep(session, chat_id, report_id)
            return None
        if kind == "s":
            if value != SKIP:
                self_report_factors_set(user=account.user, self_report_id=report_id, sleep_hours=value)
            edit_text(session, query, f"{factor_sleep_question_text()} {value if value != SKIP else '—'}")
            if not _ask_tags(session, chat_id, account, report_id):
                send(session, chat_id, factor_saved_text())
            return None
        if value == DONE:
            edit_text(session, query, factor_saved_text())
            return None
        tag_id = callback_int(value)
        tag = next((t for t in factor_tag_list(user=account.user) if t.pk == tag_id), None)
        if tag is None:
            return button_not_understood_text()
        self_report_factors_set(user=account.user, self_report_id=report_id, add_tag=tag)
        return tag.name
    except Refusal as refusal:
        return refusal.message
