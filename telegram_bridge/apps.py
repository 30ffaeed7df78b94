from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramBridgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "telegram_bridge"
    verbose_name = _("Telegram bot")

    def ready(self) -> None:
        # accounts owns export and erasure but cannot import this app: it is told here what we hold.
        from accounts.alert_channels import AlertChannelSetup, alert_channel_register
        from accounts.models import CareLink, PsychologistProfile
        from accounts.personal_data import PersonalDataSection, TaskSubject, personal_data_register
        from emotions.models import PhotoAssessment
        from emotions.signals import burnout_flags_raised
        from telegram_bridge import alerts, services
        from telegram_bridge.models import ProcessedUpdate

        personal_data_register(
            PersonalDataSection(
                name="telegram",
                rows=services.telegram_export_rows,
                erase=services.telegram_erase_for_user,
                # The update a person sent, the retries of their result message, a psychologist's alert about them.
                tasks=(
                    TaskSubject(func=services.HANDLE_UPDATE_TASK, model=ProcessedUpdate, field="update_id"),
                    TaskSubject(func="telegram_bridge.tasks.assessment_notify_retry", model=PhotoAssessment),
                    TaskSubject(func=alerts.ALERT_TASK, model=CareLink),
                ),
            )
        )
        # Burnout alerts in Telegram: accounts asks whether the chat is linked, emotions lets us take alerts over.
        alert_channel_register(
            AlertChannelSetup(
                channel=PsychologistProfile.AlertChannel.TELEGRAM,
                connected=alerts.telegram_alerts_possible,
                connect_url_name="telegram_bridge:connect",
            )
        )
        burnout_flags_raised.connect(alerts.burnout_alerts_take_over, dispatch_uid="telegram_bridge.burnout_alerts")
