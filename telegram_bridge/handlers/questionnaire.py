"""/cbi: the burnout questionnaire (CBI personal burnout), one item per message, answered by buttons."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from accounts.services import ConsentRequired
from emotions.models import CBI_ANSWERS
from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import (
    callback_int,
    edit_text,
    linked_or_reply,
    query_chat_id,
    remove_buttons,
    send,
)
from telegram_bridge.handlers.texts import (
    cbi_answered_text,
    cbi_intro_text,
    cbi_question_text,
    cbi_result_text,
    cbi_saved_text,
    consent_required_text,
)
from telegram_bridge.models import CbiProgress, TelegramAccount
from telegram_bridge.services import (
    CbiAnswerRefused,
    button_not_understood_text,
    cbi_answer_record,
    cbi_progress_start,
)

# "cbi:<run id>:<item position>:<answer key>", at most 35 bytes of the 64 Telegram allows.
CBI_CALLBACK_PREFIX = "cbi"


def on_cbi(session: BotSession, message: Message, argument: str) -> None:
    account = linked_or_reply(session, message)
    if account is None:
        return
    try:
        progress, resumed = cbi_progress_start(account=account)
    except ConsentRequired as exc:
        send(session, message.chat_id, consent_required_text(exc))
        return
    item = progress.next_item()
    # A run whose last answer arrived was stored and deleted in that same transaction.
    assert item is not None
    send(session, message.chat_id, cbi_intro_text(resumed=resumed, item=item))
    cbi_ask(session, message.chat_id, progress, item)


def cbi_keyboard(run_id: int, item: int) -> InlineKeyboardMarkup:
    # One answer a row: labels like "Never / almost never" do not fit five to a row on a phone.
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(str(label), callback_data=f"{CBI_CALLBACK_PREFIX}:{run_id}:{item}:{key}")]
            for key, label in CBI_ANSWERS.items()
        ]
    )


def cbi_ask(session: BotSession, chat_id: int, progress: CbiProgress, item: int) -> None:
    send(session, chat_id, cbi_question_text(item), reply_markup=cbi_keyboard(progress.pk, item))


def on_cbi_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str | None:
    parts = rest.split(":")
    if len(parts) != 3:
        return button_not_understood_text()
    run_number, item_number, answer = callback_int(parts[0]), callback_int(parts[1]), parts[2]
    if run_number is None or item_number is None:
        return button_not_understood_text()
    try:
        step = cbi_answer_record(account=account, run_id=run_number, item=item_number, answer=answer)
    except ConsentRequired as exc:
        send(session, query_chat_id(query), consent_required_text(exc))
        return exc.message
    except CbiAnswerRefused as exc:
        # A button that answers nothing any more goes, so it is not tapped again.
        remove_buttons(session, query)
        return exc.message
    # The question stays in the chat with the answer given, without buttons.
    edit_text(session, query, cbi_answered_text(item_number, CBI_ANSWERS[answer]))
    if step.response is not None:
        send(session, query_chat_id(query), cbi_result_text(step.response))
        return cbi_saved_text()
    assert step.progress is not None and step.next_item is not None
    cbi_ask(session, query_chat_id(query), step.progress, step.next_item)
    return None
