"""Messages the bot sends on its own (a result, an alert), not in reply: each tells apart a refusal from a hiccup.

A blocked bot or a chat that is gone (Forbidden, BadRequest) will refuse again: no retry. Network trouble or
Telegram's flood control is tried again later by a one-off django-q2 schedule of the caller's task, after
30 s, 60 s, 120 s (or whatever flood control asks for), NOTIFY_ATTEMPTS tries in all. The caller decides
what a final failure means (a result stays on the dashboard; an alert falls back to e-mail).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from telegram_bridge.client import BotSession

logger = logging.getLogger(__name__)

NOTIFY_ATTEMPTS = 4
NOTIFY_RETRY_SECONDS = 30


class Delivery(enum.Enum):
    SENT = "sent"
    REFUSED = "refused"  # blocked or chat gone: retrying changes nothing
    RETRYING = "retrying"  # a later attempt is scheduled
    GAVE_UP = "gave_up"  # the last attempt failed too


@dataclass(frozen=True)
class RetryTask:
    """The task that tries again: called as func(*args, attempt); `what` names the message in logs."""

    func: str
    args: tuple[Any, ...]
    what: str


@dataclass(frozen=True)
class SendFailure:
    """Why a message did not go: `refused` is final; otherwise try again after `retry_after` at the earliest."""

    refused: bool
    retry_after: object
    error: TelegramError


def message_send(session: BotSession, *, chat_id: int, text: str, what: str, **send_kwargs: Any) -> SendFailure | None:
    """Send one message now; None when Telegram took it."""
    try:
        session.call(session.bot.send_message(chat_id=chat_id, text=text, **send_kwargs))
    except (Forbidden, BadRequest) as exc:
        logger.info("%s not delivered: %r", what, exc)
        return SendFailure(refused=True, retry_after=None, error=exc)
    except TelegramError as exc:
        return SendFailure(
            refused=False, retry_after=exc.retry_after if isinstance(exc, RetryAfter) else None, error=exc
        )
    return None


def retry_delay(*, attempt: int, retry_after: object) -> float:
    """Seconds before the next try: doubling from NOTIFY_RETRY_SECONDS, never sooner than flood control asks."""
    seconds = retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after
    return max(float(seconds or 0), NOTIFY_RETRY_SECONDS * 2 ** (attempt - 1))


def message_deliver(
    session: BotSession, *, chat_id: int, text: str, retry: RetryTask, attempt: int = 1, **send_kwargs: Any
) -> Delivery:
    """Send one message; on a transient failure schedule `retry` with the next attempt number."""
    failure = message_send(session, chat_id=chat_id, text=text, what=retry.what, **send_kwargs)
    if failure is None:
        return Delivery.SENT
    if failure.refused:
        return Delivery.REFUSED
    return retry_schedule(retry=retry, attempt=attempt, retry_after=failure.retry_after, error=failure.error)


def retry_schedule(*, retry: RetryTask, attempt: int, retry_after: object, error: Exception) -> Delivery:
    if attempt >= NOTIFY_ATTEMPTS:
        logger.warning("giving up on %s after %s attempts: %r", retry.what, attempt, error)
        return Delivery.GAVE_UP
    from django_q.models import Schedule

    delay = retry_delay(attempt=attempt, retry_after=retry_after)
    logger.info("%s not sent (%r): retrying in %.0f s", retry.what, error, delay)
    Schedule.objects.create(
        name=f"telegram: {retry.what} attempt {attempt + 1}"[:100],
        func=retry.func,
        # The scheduler reads args back with ast.literal_eval: ints and lists of ints round-trip through repr.
        args=", ".join(repr(arg) for arg in (*retry.args, attempt + 1)),
        schedule_type=Schedule.ONCE,
        repeats=1,
        next_run=timezone.now() + timedelta(seconds=delay),
    )
    return Delivery.RETRYING
