"""/share: the psychologists who see the person's data and what each sees; stopping one, confirmed by a button.

The buttons carry only the link's id: the tap is checked against the tapping person's own active links (any
other id is "No such sharing link.") and the revocation goes through the same service as the web page and API.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from accounts.models import CareLink, Channel, SharingCategory
from accounts.selectors import care_link_list_of_patient
from accounts.services import care_link_revoke
from accounts.services.care import CARE_LINK_NOT_FOUND_MESSAGE
from burnout_site.errors import Refusal
from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import callback_int, edit_text, linked_or_reply, send
from telegram_bridge.handlers.texts import (
    delete_cancel_label,
    share_cancelled_text,
    share_confirm_text,
    share_list_text,
    share_stop_label,
    share_stopped_text,
    share_yes_label,
)
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import button_not_understood_text

SHARE_CALLBACK_PREFIX = "share"
ASK, YES, NO = "ask", "yes", "no"


def _active_links(account: TelegramAccount) -> list[CareLink]:
    return list(care_link_list_of_patient(patient=account.user).filter(status=CareLink.Status.ACTIVE))


def _categories_words(link: CareLink) -> str:
    return "; ".join(str(SharingCategory(category).label) for category in link.categories)


def on_share(session: BotSession, message: Message, argument: str) -> None:
    account = linked_or_reply(session, message)
    if account is None:
        return
    links = _active_links(account)
    lines = [f"{link.psychologist.display_name}: {_categories_words(link)}" for link in links]
    buttons = [
        [
            InlineKeyboardButton(
                share_stop_label(link.psychologist.display_name)[:64],
                callback_data=f"{SHARE_CALLBACK_PREFIX}:{ASK}:{link.pk}",
            )
        ]
        for link in links
    ]
    send(
        session,
        message.chat_id,
        share_list_text(lines),
        reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
    )


def on_share_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str:
    step, _sep, raw_id = rest.partition(":")
    if step == NO:
        text = share_cancelled_text()
        edit_text(session, query, text)
        return text
    link_id = callback_int(raw_id)
    if step not in (ASK, YES) or link_id is None:
        return button_not_understood_text()
    # Among the tapping person's own links only: anyone else's id is not found.
    link = care_link_list_of_patient(patient=account.user).filter(pk=link_id).first()
    if link is None:
        return str(CARE_LINK_NOT_FOUND_MESSAGE)
    name = link.psychologist.display_name
    if step == ASK:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(share_yes_label(), callback_data=f"{SHARE_CALLBACK_PREFIX}:{YES}:{link.pk}"),
                    InlineKeyboardButton(delete_cancel_label(), callback_data=f"{SHARE_CALLBACK_PREFIX}:{NO}"),
                ]
            ]
        )
        if query.message is not None:
            session.try_call(
                session.bot.edit_message_text(
                    chat_id=query.message.chat.id,
                    message_id=query.message.message_id,
                    text=share_confirm_text(name),
                    reply_markup=keyboard,
                )
            )
        return share_confirm_text(name)
    try:
        care_link_revoke(link=link, patient=account.user, channel=Channel.TELEGRAM)
    except Refusal as refusal:
        edit_text(session, query, refusal.message)
        return refusal.message
    text = share_stopped_text(name)
    edit_text(session, query, text)
    return text
