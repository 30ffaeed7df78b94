"""Writes for the Telegram bridge: linking accounts, receiving updates, erasure."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from telegram_bridge.models import ProcessedUpdate, TelegramAccount, TelegramLinkToken

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

LINK_TOKEN_TTL = timedelta(minutes=15)
HANDLE_UPDATE_TASK = "telegram_bridge.tasks.handle_update"


class TelegramLinkError(Exception):
    """A /start token that links nothing; `message` is translated and meant for the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def telegram_deep_link(*, token: str) -> str:
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={token}"


@transaction.atomic
def link_token_create(*, user: User) -> tuple[str, str]:
    """A new one-time token for `user` and its deep link; earlier unused tokens stop working."""
    TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).delete()
    # 32 random bytes: 43 characters of [A-Za-z0-9_-], within Telegram's 64-character start parameter.
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    row = TelegramLinkToken(user=user, token_hash=_token_hash(token), created_at=now, expires_at=now + LINK_TOKEN_TTL)
    row.full_clean()
    row.save()
    return token, telegram_deep_link(token=token)


def _new_link_hint() -> str:
    return _("Open your profile on the website and press “Connect Telegram” to get a new link.")


@transaction.atomic
def telegram_link(*, token: str, telegram_user_id: int, chat_id: int, language: str = "") -> TelegramAccount:
    """Link the Telegram user to the token's web account, replacing any earlier link of either side."""
    row = (
        TelegramLinkToken.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_token_hash(token))
        .first()
        if token
        else None
    )
    if row is None:
        raise TelegramLinkError("unknown", _("This link is not valid.") + " " + _new_link_hint())
    if row.used_at is not None:
        raise TelegramLinkError("used", _("This link has already been used.") + " " + _new_link_hint())
    now = timezone.now()
    if row.expires_at <= now:
        raise TelegramLinkError("expired", _("This link has expired.") + " " + _new_link_hint())
    row.used_at = now
    row.save(update_fields=["used_at"])
    # One Telegram account ↔ one web account: whatever either side was linked to before goes.
    TelegramAccount.objects.filter(telegram_user_id=telegram_user_id).delete()
    TelegramAccount.objects.filter(user=row.user).delete()
    account = TelegramAccount(
        user=row.user, telegram_user_id=telegram_user_id, chat_id=chat_id, language=(language or "")[:16], linked_at=now
    )
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def telegram_unlink(*, telegram_user_id: int | None = None, user: User | None = None) -> bool:
    """Forget the link (from the bot by Telegram id, or from the website by user); True if there was one."""
    accounts = TelegramAccount.objects.all()
    if telegram_user_id is not None:
        accounts = accounts.filter(telegram_user_id=telegram_user_id)
    elif user is not None:
        accounts = accounts.filter(user=user)
    else:
        return False
    deleted, _rows = accounts.delete()
    return deleted > 0


def _update_sender_id(payload: dict[str, Any]) -> int | None:
    for key in ("message", "edited_message", "callback_query", "my_chat_member", "channel_post"):
        part = payload.get(key)
        if isinstance(part, dict):
            sender = part.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return sender["id"]
    return None


def update_receive(*, payload: dict[str, Any]) -> bool:
    """Store an update once and queue its handling after the commit; False for a replayed update_id."""
    update_id = payload["update_id"]
    try:
        with transaction.atomic():
            ProcessedUpdate.objects.create(
                update_id=update_id, telegram_user_id=_update_sender_id(payload), payload=payload
            )
            transaction.on_commit(partial(_enqueue_update, update_id=update_id))
    except IntegrityError:
        return False
    return True


def update_store(*, payload: dict[str, Any]) -> ProcessedUpdate | None:
    """Record an update that this process handles itself (long polling): None if it was seen before."""
    try:
        with transaction.atomic():
            return ProcessedUpdate.objects.create(
                update_id=payload["update_id"],
                telegram_user_id=_update_sender_id(payload),
                payload=None,
                handled_at=timezone.now(),
            )
    except IntegrityError:
        return None


def _enqueue_update(*, update_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task(HANDLE_UPDATE_TASK, update_id, group="telegram.update")
    except Exception:
        # Telegram already has its 200; the row stays unhandled for an operator to see.
        logger.exception("could not enqueue Telegram update %s", update_id)


def update_mark_handled(*, update: ProcessedUpdate) -> None:
    update.payload = None
    update.handled_at = timezone.now()
    update.save(update_fields=["payload", "handled_at"])


# --- daily reminders ------------------------------------------------------------------------------------


def _local_now(user: User, now: datetime | None = None) -> datetime:
    from emotions.selectors import user_tzinfo

    return timezone.localtime(now or timezone.now(), user_tzinfo(user))


def telegram_reminder_set(*, account: TelegramAccount, at: time | None, now: datetime | None = None) -> None:
    """Set (or with None turn off) the daily reminder; a time already past today starts tomorrow."""
    account.remind_at = at
    account.remind_last_on = None
    if at is not None:
        local = _local_now(account.user, now)
        if local.time() >= at:
            account.remind_last_on = local.date()
    account.full_clean()
    account.save(update_fields=["remind_at", "remind_last_on"])


def telegram_reminders_due(*, now: datetime | None = None) -> list[TelegramAccount]:
    """Accounts whose reminder is due and that this caller claimed: each is returned to one caller per day."""
    claimed = []
    for account in TelegramAccount.objects.filter(remind_at__isnull=False).select_related("user"):
        local = _local_now(account.user, now)
        assert account.remind_at is not None
        if local.time() < account.remind_at:
            continue
        today = local.date()
        if account.remind_last_on is not None and account.remind_last_on >= today:
            continue
        # Compare-and-set in one UPDATE: of several workers running this at once, exactly one wins.
        won = (
            TelegramAccount.objects.filter(pk=account.pk, remind_at__isnull=False)
            .filter(Q(remind_last_on__isnull=True) | Q(remind_last_on__lt=today))
            .update(remind_last_on=today)
        )
        if won:
            claimed.append(account)
    return claimed


# --- personal data (registered in apps.py) ---------------------------------------------------------------


def telegram_export_rows(user: User) -> list[dict[str, object]]:
    return [
        {
            "telegram_user_id": account.telegram_user_id,
            "chat_id": account.chat_id,
            "language": account.language,
            "linked_at": account.linked_at,
            "remind_at": account.remind_at.isoformat() if account.remind_at else None,
        }
        for account in TelegramAccount.objects.filter(user=user)
    ]


def telegram_erase_for_user(user: User) -> None:
    ids = list(TelegramAccount.objects.filter(user=user).values_list("telegram_user_id", flat=True))
    ProcessedUpdate.objects.filter(telegram_user_id__in=ids).delete()
    TelegramAccount.objects.filter(user=user).delete()
    TelegramLinkToken.objects.filter(user=user).delete()
