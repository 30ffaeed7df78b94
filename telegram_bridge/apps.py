from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramBridgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "telegram_bridge"
    verbose_name = _("Telegram bot")

    def ready(self) -> None:
        # accounts owns export and erasure but cannot import this app: it is told here what we hold.
        from accounts.personal_data import PersonalDataSection, personal_data_register
        from telegram_bridge import services

        personal_data_register(
            PersonalDataSection(
                name="telegram",
                rows=services.telegram_export_rows,
                erase=services.telegram_erase_for_user,
            )
        )
