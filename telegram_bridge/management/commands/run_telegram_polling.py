"""Run the bot by long polling, for local use without a public URL: the same handlers as the webhook.

Updates are recorded as ProcessedUpdate rows exactly like webhook ones and handled in this process
(analyses still go to the django-q2 worker, whose hook sends the result); an update this process
did not finish is taken up by the worker's sweep.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from telegram.error import TelegramError

from telegram_bridge import durable
from telegram_bridge.client import BotNotConfigured, BotSession
from telegram_bridge.management.commands.set_telegram_webhook import ALLOWED_UPDATES
from telegram_bridge.services import update_store

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the Telegram bot by long polling (no webhook needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=int, default=30, help="long-poll seconds per getUpdates")
        parser.add_argument("--once", action="store_true", help="handle one batch of updates and stop")

    def handle(self, *args: Any, timeout: int = 30, once: bool = False, **options: Any) -> None:
        offset: int | None = None
        try:
            while True:
                with BotSession() as session:
                    updates = session.call(
                        session.bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
                    )
                for update in updates:
                    offset = update.update_id + 1
                    payload = update.to_dict()
                    if update_store(payload=payload) is None:
                        continue  # seen before
                    try:
                        durable.update_handle(update_id=update.update_id)
                    except Exception:
                        logger.exception("handling Telegram update %s failed", update.update_id)
                if once:
                    return
        except BotNotConfigured as exc:
            raise CommandError("Set TELEGRAM_BOT_TOKEN first.") from exc
        except TelegramError as exc:
            raise CommandError(
                f"Telegram refused getUpdates (is a webhook set? delete_telegram_webhook): {exc}"
            ) from exc
        except KeyboardInterrupt:
            self.stdout.write("Stopped")
