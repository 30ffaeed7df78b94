"""Writes for the emotions app, one module per entity; this package re-exports what callers use.

Every entry channel (web page, REST API, Telegram bot) goes through the same two calls:
`emotions.photos.photo_validate(data=...)` then `assessment_create(...)`. The worker calls
`assessment_analyze(...)`. Nothing here imports torch at module level.
"""

from __future__ import annotations

from emotions.photos import (
    ALLOWED_FORMATS_TEXT,
    JPEG_MAX_SIDE,
    JPEG_QUALITY,
    PhotoRejected,
    ValidatedPhoto,
    photo_validate,
)
from emotions.services.assessment_data import (
    assessment_erase_for_user,
    assessment_export_files,
    assessment_export_rows,
    assessment_stop_for_user,
)
from emotions.services.assessments import (
    ANALYSIS_STALE_AFTER,
    ANALYZE_TASK,
    DARK_BRIGHTNESS,
    assessment_analyze,
    assessment_by_source_key,
    assessment_create,
    assessment_fail_stale,
    assessment_requeue_stalled,
)
from emotions.services.burnout import (
    BurnoutAlert,
    burnout_alert_compose,
    burnout_alert_email,
    burnout_evaluation_started,
    burnout_flag_erase_for_user,
    burnout_flag_evaluate,
    burnout_flag_evaluate_all,
    burnout_flag_export_rows,
)
from emotions.services.feedback import (
    FEEDBACK_NOT_FOUND,
    FeedbackRejected,
    assessment_feedback_erase_for_user,
    assessment_feedback_export_rows,
    assessment_feedback_set,
    assessment_feedback_withdraw,
)
from emotions.services.journal import (
    assessment_delete,
    journal_entry_delete,
    questionnaire_delete,
    self_report_delete,
)
from emotions.services.notifications import (
    assessment_list_awaiting_notification,
    assessment_notification_claim,
    assessment_notification_done,
    assessment_notification_later,
)
from emotions.services.questionnaires import (
    QuestionnaireRejected,
    questionnaire_cbi_create,
    questionnaire_cbi_score,
    questionnaire_erase_for_user,
    questionnaire_export_rows,
)
from emotions.services.reanalysis import REANALYZE_CHUNK, assessment_reanalyze_all
from emotions.services.retention import photo_purge_expired
from emotions.services.self_reports import (
    SelfReportRejected,
    self_report_create,
    self_report_erase_for_user,
    self_report_export_rows,
)

__all__ = [
    "ALLOWED_FORMATS_TEXT",
    "ANALYSIS_STALE_AFTER",
    "ANALYZE_TASK",
    "DARK_BRIGHTNESS",
    "FEEDBACK_NOT_FOUND",
    "JPEG_MAX_SIDE",
    "JPEG_QUALITY",
    "REANALYZE_CHUNK",
    "BurnoutAlert",
    "FeedbackRejected",
    "PhotoRejected",
    "QuestionnaireRejected",
    "SelfReportRejected",
    "ValidatedPhoto",
    "assessment_analyze",
    "assessment_by_source_key",
    "assessment_create",
    "assessment_delete",
    "assessment_erase_for_user",
    "assessment_export_files",
    "assessment_export_rows",
    "assessment_fail_stale",
    "assessment_feedback_erase_for_user",
    "assessment_feedback_export_rows",
    "assessment_feedback_set",
    "assessment_feedback_withdraw",
    "assessment_list_awaiting_notification",
    "assessment_notification_claim",
    "assessment_notification_done",
    "assessment_notification_later",
    "assessment_reanalyze_all",
    "assessment_requeue_stalled",
    "assessment_stop_for_user",
    "burnout_alert_compose",
    "burnout_alert_email",
    "burnout_evaluation_started",
    "burnout_flag_erase_for_user",
    "burnout_flag_evaluate",
    "burnout_flag_evaluate_all",
    "burnout_flag_export_rows",
    "journal_entry_delete",
    "photo_purge_expired",
    "photo_validate",
    "questionnaire_cbi_create",
    "questionnaire_cbi_score",
    "questionnaire_delete",
    "questionnaire_erase_for_user",
    "questionnaire_export_rows",
    "self_report_create",
    "self_report_delete",
    "self_report_erase_for_user",
    "self_report_export_rows",
]
