from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramBridgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "telegram_bridge"
    verbose_name = _("Telegram bot")

    def ready(self) -> None:
        # accounts and emotions cannot import this app: it registers here everything they hand to Telegram.
        from accounts.channels import RegisteredChannel, channel_register
        from accounts.models import CareLink
        from accounts.personal_data import PersonalDataSection, TaskSubject
        from emotions.models import PhotoAssessment
        from telegram_bridge import alerts, handlers, services, views
        from telegram_bridge.models import ProcessedUpdate

        channel_register(
            RegisteredChannel(
                name=alerts.TELEGRAM,
                label=_("Telegram"),
                connect_url_name="telegram_bridge:connect",
                connect_help=views.connect_help,
                connected=alerts.telegram_alerts_possible,
                deliver_alert=alerts.burnout_alert_take_over,
                # The result of a photo sent to the bot; the outbox sweep (durable.results_resume) tells the rest.
                source=PhotoAssessment.Source.TELEGRAM,
                notify_result=handlers.assessment_notify,
                personal_data=(
                    PersonalDataSection(
                        name="telegram",
                        rows=services.telegram_export_rows,
                        erase=services.telegram_erase_for_user,
                        # The update a person sent, the retries of their result message, a psychologist's alert
                        # about them.
                        tasks=(
                            TaskSubject(func=services.HANDLE_UPDATE_TASK, model=ProcessedUpdate, field="update_id"),
                            TaskSubject(func="telegram_bridge.tasks.assessment_notify_retry", model=PhotoAssessment),
                            TaskSubject(func=alerts.ALERT_TASK, model=CareLink),
                        ),
                    ),
                ),
            )
        )
