from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmotionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "emotions"
    verbose_name = _("Emotions")

    def ready(self) -> None:
        # accounts owns export, erasure and consent but cannot import this app: it is told here what we hold
        # and what stops at once on a withdrawal. Nobody connects to emotions, so it has no connect page.
        from accounts.channels import RegisteredChannel, channel_register
        from accounts.personal_data import PersonalDataSection, TaskSubject
        from emotions import services
        from emotions.models import PhotoAssessment
        from emotions.services.clinician_records import clinician_record_erase_for_user, clinician_record_export_rows
        from emotions.services.email_notifications import (
            email_notifications_erase_for_user,
            email_notifications_export_rows,
        )
        from emotions.services.factors import factor_tag_erase_for_user, factor_tag_export_rows

        channel_register(
            RegisteredChannel(
                name="emotions",
                personal_data=(
                    # Before "assessments": its rows answer them (erasing those would take these along unseen).
                    PersonalDataSection(
                        name="assessment_feedback",
                        rows=services.assessment_feedback_export_rows,
                        erase=services.assessment_feedback_erase_for_user,
                    ),
                    PersonalDataSection(
                        name="assessments",
                        rows=services.assessment_export_rows,
                        erase=services.assessment_erase_for_user,
                        files=services.assessment_export_files,
                        tasks=(TaskSubject(func=services.ANALYZE_TASK, model=PhotoAssessment),),
                    ),
                    PersonalDataSection(
                        name="self_reports",
                        rows=services.self_report_export_rows,
                        erase=services.self_report_erase_for_user,
                    ),
                    PersonalDataSection(
                        name="questionnaires",
                        rows=services.questionnaire_export_rows,
                        erase=services.questionnaire_erase_for_user,
                    ),
                    # Before "burnout_flags": acknowledgements hang on the flags.
                    PersonalDataSection(
                        name="clinician_records",
                        rows=clinician_record_export_rows,
                        erase=clinician_record_erase_for_user,
                    ),
                    PersonalDataSection(
                        name="burnout_flags",
                        rows=services.burnout_flag_export_rows,
                        erase=services.burnout_flag_erase_for_user,
                    ),
                    PersonalDataSection(
                        name="factor_tags",
                        rows=factor_tag_export_rows,
                        erase=factor_tag_erase_for_user,
                    ),
                    PersonalDataSection(
                        name="email_notifications",
                        rows=email_notifications_export_rows,
                        erase=email_notifications_erase_for_user,
                    ),
                ),
                # "Stops at once" must not wait for the worker to notice.
                consent_withdrawn=services.assessment_stop_for_user,
            )
        )
