"""Burnout alerts in Telegram, for the psychologists who chose them (docs/burnout-flags.md).

emotions raises the flags and e-mails the alerts; it never imports this app. After the commit it hands
each link whose psychologist chose Telegram to `burnout_alert_take_over` (our channel's `deliver_alert`,
registered in apps.py), which queues one task for it if the chat is linked and says whether it did; the
others get the e-mail. The task falls back to that e-mail whenever Telegram cannot deliver.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings

from accounts.models import CareLink, PsychologistProfile, SharingCategory
from accounts.selectors import care_link_list_visible
from burnout_site.queue import task_enqueue
from emotions.models import BurnoutFlag
from emotions.services import burnout_alert_compose, burnout_alert_email
from telegram_bridge.client import BotSession
from telegram_bridge.delivery import Delivery, RetryTask, message_deliver
from telegram_bridge.handlers import reply_language
from telegram_bridge.models import TelegramAccount

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

ALERT_TASK = "telegram_bridge.tasks.burnout_alert_send"
# Our channel's name in the registry, which is what `PsychologistProfile.alert_channel` stores when chosen.
TELEGRAM = "telegram"


def telegram_alerts_possible(*, user: User) -> bool:
    """Whether Telegram can carry this person's alerts now: the bot is on and their chat is linked."""
    return bool(settings.TELEGRAM_BOT_TOKEN) and TelegramAccount.objects.filter(user=user).exists()


def burnout_alert_take_over(*, link: CareLink, flags: list[BurnoutFlag]) -> bool:
    """The channel's deliver_alert: queue this link's alert for Telegram; False (e-mail instead) if we cannot."""
    if not telegram_alerts_possible(user=link.psychologist):
        return False
    return _enqueue(link_id=link.pk, flag_ids=[flag.pk for flag in flags])


def _enqueue(*, link_id: int, flag_ids: list[int]) -> bool:
    # False when the broker is down: not taken over, so this psychologist gets the e-mail.
    return task_enqueue(
        ALERT_TASK,
        link_id,
        flag_ids,
        what=f"the Telegram burnout alert of care link {link_id} (e-mail instead)",
        group="telegram.alert",
    )


def burnout_alert_deliver(*, link_id: int, flag_ids: list[int], attempt: int = 1) -> None:
    """Send one psychologist's alert in Telegram; e-mail it when Telegram refuses, gives up, or is gone meanwhile."""
    links = care_link_list_visible(category=SharingCategory.FLAGS)
    link = links.select_related("psychologist", "patient").filter(pk=link_id).first()
    if link is None:
        return  # sharing ended, paused by a withdrawal or no longer covers the flags: not to hear of it
    flags = list(BurnoutFlag.objects.filter(pk__in=flag_ids, user_id=link.patient_id))
    if not flags:
        return  # the person erased their data meanwhile
    account = _alert_chat(link.psychologist)
    if account is None or _telegram_send(link=link, flags=flags, account=account, attempt=attempt) in (
        Delivery.REFUSED,
        Delivery.GAVE_UP,
    ):
        burnout_alert_email(link=link, flags=flags)


def _alert_chat(psychologist: User) -> TelegramAccount | None:
    """The chat to alert, while the psychologist still wants Telegram (they may have changed their mind)."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return None
    if not PsychologistProfile.objects.filter(user=psychologist, alert_channel=TELEGRAM).exists():
        return None
    return TelegramAccount.objects.filter(user=psychologist).first()


def _telegram_send(*, link: CareLink, flags: list[BurnoutFlag], account: TelegramAccount, attempt: int) -> Delivery:
    language = link.psychologist.language or reply_language(account.language)
    alert = burnout_alert_compose(link=link, flags=flags, language=language)
    retry = RetryTask(
        func=ALERT_TASK, args=(link.pk, [flag.pk for flag in flags]), what=f"burnout alert of care link {link.pk}"
    )
    try:
        with BotSession() as session:
            return message_deliver(session, chat_id=account.chat_id, text=alert.body, retry=retry, attempt=attempt)
    except Exception:
        # Anything else (a bug, a broken client) must not swallow the alert: it goes by e-mail instead.
        logger.exception("Telegram burnout alert of care link %s failed: e-mail instead", link.pk)
        return Delivery.REFUSED
