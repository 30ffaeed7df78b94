"""A synchronous face over python-telegram-bot's async `telegram.Bot`, for django-q2 tasks.

Handlers are plain sync code (the ORM must not run inside an event loop), so each task opens
one `BotSession`: one event loop (asyncio.Runner) and one Bot for the whole task; every Bot API
call runs to completion on that loop, and between calls no loop is running, so the ORM is safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

from django.conf import settings
from telegram import Bot
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

T = TypeVar("T")


class BotNotConfigured(Exception):
    """TELEGRAM_BOT_TOKEN is empty: the bot is off."""


def bot_build() -> Bot:
    if not settings.TELEGRAM_BOT_TOKEN:
        raise BotNotConfigured("TELEGRAM_BOT_TOKEN is not set")
    return Bot(
        settings.TELEGRAM_BOT_TOKEN,
        base_url=settings.TELEGRAM_API_BASE_URL,
        base_file_url=settings.TELEGRAM_FILE_BASE_URL,
    )


class BotSession:
    """`with BotSession() as session: session.call(session.bot.send_message(...))`."""

    def __init__(self) -> None:
        self.bot = bot_build()
        self._runner = asyncio.Runner()

    def __enter__(self) -> BotSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._runner.run(self.bot.shutdown())
        except Exception:
            logger.debug("Telegram bot shutdown failed", exc_info=True)
        finally:
            self._runner.close()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run one Bot API call; TelegramError (blocked bot, network) propagates."""
        return self._runner.run(coroutine)

    def try_call(self, coroutine: Coroutine[Any, Any, T]) -> T | None:
        """Run a call whose failure must not stop the handler (a chat action, a reply): logged, None."""
        try:
            return self._runner.run(coroutine)
        except TelegramError as exc:
            logger.warning("Telegram call failed: %r", exc)
            return None
