"""Register /telegram/webhook/ with Telegram, with the secret and the update types the bot handles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from telegram.error import TelegramError

from telegram_bridge.client import BotNotConfigured, BotSession

ALLOWED_UPDATES = ["message", "callback_query"]


class Command(BaseCommand):
    help = "Register the bot's webhook URL (default TELEGRAM_WEBHOOK_URL) with Telegram."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", nargs="?", default="", help="public HTTPS URL of /telegram/webhook/")

    def handle(self, *args: Any, url: str = "", **options: Any) -> None:
        url = url or settings.TELEGRAM_WEBHOOK_URL
        if not url:
            raise CommandError("Give the webhook URL or set TELEGRAM_WEBHOOK_URL.")
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError("Set TELEGRAM_WEBHOOK_SECRET first: the webhook refuses every call without it.")
        try:
            with BotSession() as session:
                session.call(
                    session.bot.set_webhook(
                        url=url,
                        secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
                        allowed_updates=ALLOWED_UPDATES,
                        drop_pending_updates=False,
                    )
                )
        except BotNotConfigured as exc:
            raise CommandError("Set TELEGRAM_BOT_TOKEN first.") from exc
        except TelegramError as exc:
            raise CommandError(f"Telegram refused the webhook: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Webhook set to {url}"))
