from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmotionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "emotions"
    verbose_name = _("Emotions")

    def ready(self) -> None:
        # accounts owns export and erasure but cannot import this app: it is told here what we hold.
        from accounts.personal_data import (
            PersonalDataSection,
            TaskSubject,
            personal_data_register,
            processing_consent_withdrawn,
        )
        from emotions import services
        from emotions.models import PhotoAssessment

        personal_data_register(
            PersonalDataSection(
                name="assessments",
                rows=services.assessment_export_rows,
                erase=services.assessment_erase_for_user,
                files=services.assessment_export_files,
                tasks=(TaskSubject(func=services.ANALYZE_TASK, model=PhotoAssessment),),
            )
        )
        personal_data_register(
            PersonalDataSection(
                name="self_reports",
                rows=services.self_report_export_rows,
                erase=services.self_report_erase_for_user,
            )
        )
        personal_data_register(
            PersonalDataSection(
                name="questionnaires",
                rows=services.questionnaire_export_rows,
                erase=services.questionnaire_erase_for_user,
            )
        )
        personal_data_register(
            PersonalDataSection(
                name="burnout_flags",
                rows=services.burnout_flag_export_rows,
                erase=services.burnout_flag_erase_for_user,
            )
        )
        processing_consent_withdrawn.connect(_stop_analyses, dispatch_uid="emotions.stop_analyses")


def _stop_analyses(sender: Any, user: Any, **kwargs: Any) -> None:
    from emotions.services import assessment_stop_for_user

    assessment_stop_for_user(user=user)
