"""Writes for the Telegram bridge: linking accounts, receiving updates, the questionnaire in the chat, erasure."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.conf import Conf
from django_q.tasks import async_task

from accounts.models import Channel
from accounts.services import consent_require, user_erase_confirmed
from burnout_site.errors import Refusal
from burnout_site.queue import task_enqueue
from emotions.models import CBI_ANSWER_POINTS, CBI_ITEM_KEYS, QuestionnaireResponse
from emotions.schedules import schedule_claim_due, schedule_first_claim
from emotions.selectors import journal_checked_in_on
from emotions.services import questionnaire_cbi_create
from telegram_bridge.models import CBI_PROGRESS_TTL, CbiProgress, ProcessedUpdate, TelegramAccount, TelegramLinkToken
from telegram_bridge.update_shape import is_telegram_id

if TYPE_CHECKING:
    from accounts.models import User


LINK_TOKEN_TTL = timedelta(minutes=15)
HANDLE_UPDATE_TASK = "telegram_bridge.tasks.handle_update"
UPDATE_TASK_GROUP = "telegram.update"


class TelegramLinkError(Refusal):
    """A /start token that links nothing."""


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
def telegram_account_link(*, token: str, telegram_user_id: int, chat_id: int, language: str = "") -> TelegramAccount:
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
def telegram_account_unlink(*, telegram_user_id: int | None = None, user: User | None = None) -> bool:
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
            if isinstance(sender, dict) and is_telegram_id(sender.get("id")):
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
            if _queue_in_this_database():
                # The queue is a table of this database: one commit stores the update and its task
                # together (half the writes of the webhook's hot path), and neither exists without the other.
                async_task(HANDLE_UPDATE_TASK, update_id, group=UPDATE_TASK_GROUP)
            else:
                # Redis would hand the task to a worker before the row is committed.
                transaction.on_commit(partial(update_handling_enqueue, update_id=update_id))
    except IntegrityError:
        # A replay is an update_id already stored; any other refusal by the database is not one, and
        # answering it as a replay would drop the update in silence.
        if not ProcessedUpdate.objects.filter(update_id=update_id).exists():
            raise
        return False
    return True


def _queue_in_this_database() -> bool:
    # In sync mode (tests, Q_SYNC) "enqueueing" runs the handler at once: it must wait for the commit.
    return Conf.ORM == DEFAULT_DB_ALIAS and not Conf.SYNC


def update_store(*, payload: dict[str, Any]) -> ProcessedUpdate | None:
    """Record an update that this process handles itself (long polling): None if it was seen before.

    Stored unhandled with its payload, like a webhook update: if this process dies before handling it,
    the sweep queues it for a worker.
    """
    try:
        with transaction.atomic():
            return ProcessedUpdate.objects.create(
                update_id=payload["update_id"], telegram_user_id=_update_sender_id(payload), payload=payload
            )
    except IntegrityError:
        return None


def update_handling_enqueue(*, update_id: int) -> None:
    # Telegram already has its 200; if the broker is down the row stays unhandled and the sweep queues it again.
    task_enqueue(HANDLE_UPDATE_TASK, update_id, what=f"Telegram update {update_id}", group=UPDATE_TASK_GROUP)


def update_mark_handled(*, update: ProcessedUpdate) -> None:
    update.payload = None
    update.handled_at = timezone.now()
    update.save(update_fields=["payload", "handled_at"])


# --- daily reminders ------------------------------------------------------------------------------------


def telegram_keep_photos_set(*, account: TelegramAccount, keep: bool) -> None:
    """/keepphotos on|off: whether the photos sent to the bot stay in the chat after their analysis."""
    account.keep_photos = keep
    account.full_clean()
    account.save(update_fields=["keep_photos"])


def telegram_photo_deletion_told(*, account: TelegramAccount) -> None:
    """The result reply has said that the photo left the chat: later ones do not say it again."""
    TelegramAccount.objects.filter(pk=account.pk).update(photo_deletion_told=True)


def telegram_reminder_set(*, account: TelegramAccount, at: time | None, now: datetime | None = None) -> None:
    """Set (or with None turn off) the daily reminder; a time already past today starts tomorrow."""
    account.remind_at = at
    account.remind_last_on = schedule_first_claim(user=account.user, at=at, now=now)
    account.full_clean()
    account.save(update_fields=["remind_at", "remind_last_on"])


def telegram_reminder_claim_due(*, now: datetime | None = None) -> list[TelegramAccount]:
    """Accounts whose reminder is due and that this caller claimed: each is returned to one caller per day, and
    not on a day the person has already checked in."""
    claimed = schedule_claim_due(
        TelegramAccount.objects.all(), at_field="remind_at", last_field="remind_last_on", now=now
    )
    # Claimed either way (so the day is not looked at again every few minutes), but someone who already sent
    # a photo or rated their mood today has checked in: the reminder would only nag.
    return [account for account, today in claimed if not journal_checked_in_on(user=account.user, day=today)]


# --- the CBI questionnaire, one item per message ---------------------------------------------------------


class CbiAnswerRefused(Refusal):
    """A questionnaire button that stores nothing (already answered, finished, expired, forged)."""


def button_not_understood_text() -> str:
    return _("Sorry, I did not understand that button.")


@dataclass(frozen=True)
class CbiStep:
    """What an answer led to: the next item to ask (`progress` and `next_item`), or the stored `response`."""

    progress: CbiProgress | None = None
    next_item: int | None = None
    response: QuestionnaireResponse | None = None


@transaction.atomic
def cbi_progress_start(*, account: TelegramAccount, now: datetime | None = None) -> tuple[CbiProgress, bool]:
    """The person's unfinished questionnaire if it has not expired, else a new one; True when it goes on.

    Raises ConsentRequired: the answers are health data, processed under the same consent as photos.
    """
    consent_require(user=account.user)
    now = now or timezone.now()
    progress = CbiProgress.objects.select_for_update().filter(account=account).first()
    if progress is not None and progress.is_expired(now):
        progress.delete()
        progress = None
    if progress is not None:
        return progress, bool(progress.answers)
    progress = CbiProgress(account=account, started_at=now)
    progress.full_clean()
    progress.save()
    return progress, False


@transaction.atomic
def cbi_answer_record(
    *, account: TelegramAccount, run_id: int, item: int, answer: str, now: datetime | None = None
) -> CbiStep:
    """Store one answer of the run `run_id`; the last one stores the questionnaire and ends the run.

    The row is locked, so two taps at once store one answer; a tap on an answered item, on a button
    of a finished or expired run, or on forged data raises CbiAnswerRefused and stores nothing.
    """
    consent_require(user=account.user)
    if not 0 <= item < len(CBI_ITEM_KEYS) or answer not in CBI_ANSWER_POINTS:
        raise CbiAnswerRefused("invalid", button_not_understood_text())
    progress = CbiProgress.objects.select_for_update().filter(account=account, pk=run_id).first()
    if progress is None or progress.is_expired(now):
        raise CbiAnswerRefused(
            "stale", _("This questionnaire is already finished or has expired. Send /cbi to answer it again.")
        )
    key = CBI_ITEM_KEYS[item]
    if key in progress.answers:
        raise CbiAnswerRefused("answered", _("You have already answered this question."))
    progress.answers = {**progress.answers, key: answer}
    next_item = progress.next_item()
    if next_item is not None:
        progress.save(update_fields=["answers"])
        return CbiStep(progress=progress, next_item=next_item)
    response = questionnaire_cbi_create(user=account.user, answers=progress.answers, at=now)
    progress.delete()
    return CbiStep(response=response)


def cbi_progress_purge_expired(*, now: datetime | None = None) -> int:
    """Forget unfinished questionnaires past their time: partial health answers are not kept for nothing."""
    cutoff = (now or timezone.now()) - CBI_PROGRESS_TTL
    deleted, _rows = CbiProgress.objects.filter(started_at__lte=cutoff).delete()
    return deleted


# --- /delete: erasure confirmed with a button ----------------------------------------------------------


# The signed value; the token is "del:<timestamp>:<signature>", 54 characters: within the 64 bytes
# Telegram allows in a button's callback data.
DELETE_TOKEN_VALUE = "del"
DELETE_CONFIRM_TTL = timedelta(minutes=10)


class TelegramDeleteRefused(Refusal):
    """A confirmation button that erases nothing."""


def _delete_signer(account: TelegramAccount) -> signing.TimestampSigner:
    # Both sides of the link are in the salt, so the signature holds only for the Telegram user who
    # asked and only while that chat is linked to the same account: a forwarded button, or one left
    # from before a relink, fails the check without any stored state.
    return signing.TimestampSigner(salt=f"telegram_bridge.delete:{account.telegram_user_id}:{account.user_id}")


def telegram_account_erase_token_sign(*, account: TelegramAccount) -> str:
    """The callback data of the "Yes, delete everything" button."""
    return _delete_signer(account).sign(DELETE_TOKEN_VALUE)


def telegram_account_erase(*, account: TelegramAccount, token: str) -> None:
    """Erase the linked web account and everything about the person, if the token is theirs and fresh."""
    try:
        if _delete_signer(account).unsign(token, max_age=DELETE_CONFIRM_TTL) != DELETE_TOKEN_VALUE:
            raise signing.BadSignature("not a deletion token")
    except signing.SignatureExpired as exc:
        raise TelegramDeleteRefused(
            "expired",
            _("This confirmation has expired and nothing was deleted. Send /delete again if you still want to."),
        ) from exc
    except signing.BadSignature as exc:
        raise TelegramDeleteRefused("invalid", _("This button is not valid for you. Nothing was deleted.")) from exc
    user_erase_confirmed(user=account.user, channel=Channel.TELEGRAM)


# --- personal data (registered in apps.py) ---------------------------------------------------------------


def telegram_export_rows(*, user: User) -> list[dict[str, object]]:
    return [
        {
            "telegram_user_id": account.telegram_user_id,
            "chat_id": account.chat_id,
            "language": account.language,
            "linked_at": account.linked_at,
            "remind_at": account.remind_at.isoformat() if account.remind_at else None,
            "digest_weekday": account.digest_weekday,
            "digest_at": account.digest_at.isoformat() if account.digest_at else None,
            "keep_photos": account.keep_photos,
            "unfinished_questionnaire": (
                {"started_at": account.cbi_progress.started_at, "answers": account.cbi_progress.answers}
                if hasattr(account, "cbi_progress")
                else None
            ),
        }
        for account in TelegramAccount.objects.filter(user=user).select_related("cbi_progress")
    ]


def telegram_erase_for_user(*, user: User) -> None:
    ids = list(TelegramAccount.objects.filter(user=user).values_list("telegram_user_id", flat=True))
    ProcessedUpdate.objects.filter(telegram_user_id__in=ids).delete()
    TelegramAccount.objects.filter(user=user).delete()
    TelegramLinkToken.objects.filter(user=user).delete()
