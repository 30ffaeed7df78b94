from django.apps import AppConfig


class TelegramBridgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "telegram_bridge"
