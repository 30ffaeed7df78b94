"""Remove the bot's webhook (for example before run_telegram_polling)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from telegram.error import TelegramError

from telegram_bridge.client import BotNotConfigured, BotSession


class Command(BaseCommand):
    help = "Remove the bot's webhook from Telegram."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with BotSession() as session:
                session.call(session.bot.delete_webhook())
        except BotNotConfigured as exc:
            raise CommandError("Set TELEGRAM_BOT_TOKEN first.") from exc
        except TelegramError as exc:
            raise CommandError(f"Telegram refused: {exc}") from exc
        self.stdout.write(self.style.SUCCESS("Webhook removed"))
