from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmotionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "emotions"
    verbose_name = _("Emotions")
