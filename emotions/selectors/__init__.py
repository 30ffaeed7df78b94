"""Reads for the emotions app, one module per entity; this package re-exports what callers use.

The burnout rules themselves are in emotions.burnout (re-exported here: `burnout_rule_states`, `RuleState`).
"""

from __future__ import annotations

from emotions.burnout import RuleState, burnout_rule_states
from emotions.selectors.assessments import (
    DASHBOARD_PERIODS,
    DEFAULT_PERIOD,
    ROLLING_DAYS,
    ClassShare,
    DayBucket,
    PeriodSummary,
    assessment_daily_negative_share,
    assessment_emotion_mix,
    assessment_exists,
    assessment_latest,
    assessment_list,
    assessment_list_between,
    assessment_period_summary,
)
from emotions.selectors.baseline import (
    COMPARE_DAYS,
    Baseline,
    BaselineComparison,
    Verdict,
    baseline_comparisons,
    personal_baseline,
)
from emotions.selectors.burnout import burnout_flag_list_open, burnout_flag_open_exists, burnout_flag_open_of
from emotions.selectors.clinician import (
    READ_CATEGORIES,
    PatientShare,
    link_categories,
    patient_detail_read,
    patient_dynamics_read,
    patient_get_of_psychologist,
    patient_link_get,
    patient_share_get,
    portal_patient_list_read,
)
from emotions.selectors.correlation import MoodPair, mood_correlation_compute, mood_pair_list
from emotions.selectors.dynamics import DYNAMICS_BUCKETS, DynamicsBucket, assessment_dynamics
from emotions.selectors.feedback import (
    FeedbackAgreement,
    assessment_feedback_agreement_get,
    assessment_feedback_report_build,
)
from emotions.selectors.journal import (
    JOURNAL_KINDS,
    KIND_ASSESSMENT,
    KIND_QUESTIONNAIRE,
    KIND_SELF_REPORT,
    JournalEntry,
    JournalPage,
    JournalPosition,
    journal_checked_in_on,
    journal_entry_get,
    journal_entry_words,
    journal_latest_entry,
    journal_page_get,
)
from emotions.selectors.patterns import DAYPARTS, Pattern, Patterns, patterns_compute
from emotions.selectors.periods import user_tzinfo_get
from emotions.selectors.pilot import pilot_report_build, research_cohort_list
from emotions.selectors.portal import PORTAL_SORTS, RECENCY_COLOURS, PortalRow, portal_patient_row_list
from emotions.selectors.questionnaires import questionnaire_cbi_due, questionnaire_cbi_latest, questionnaire_cbi_list
from emotions.selectors.self_reports import (
    self_report_daily_mood,
    self_report_exists,
    self_report_list,
    self_report_list_between,
)
from emotions.selectors.summary import Direction, Measure, WeekSummary, week_summary_get

__all__ = [
    "COMPARE_DAYS",
    "DASHBOARD_PERIODS",
    "DAYPARTS",
    "DEFAULT_PERIOD",
    "DYNAMICS_BUCKETS",
    "JOURNAL_KINDS",
    "KIND_ASSESSMENT",
    "KIND_QUESTIONNAIRE",
    "KIND_SELF_REPORT",
    "PORTAL_SORTS",
    "READ_CATEGORIES",
    "RECENCY_COLOURS",
    "ROLLING_DAYS",
    "Baseline",
    "BaselineComparison",
    "ClassShare",
    "DayBucket",
    "Direction",
    "DynamicsBucket",
    "FeedbackAgreement",
    "JournalEntry",
    "JournalPage",
    "JournalPosition",
    "Measure",
    "MoodPair",
    "PatientShare",
    "Pattern",
    "Patterns",
    "PeriodSummary",
    "PortalRow",
    "RuleState",
    "Verdict",
    "WeekSummary",
    "assessment_daily_negative_share",
    "assessment_dynamics",
    "assessment_emotion_mix",
    "assessment_exists",
    "assessment_feedback_agreement_get",
    "assessment_feedback_report_build",
    "assessment_latest",
    "assessment_list",
    "assessment_list_between",
    "assessment_period_summary",
    "baseline_comparisons",
    "burnout_flag_list_open",
    "burnout_flag_open_exists",
    "burnout_flag_open_of",
    "burnout_rule_states",
    "journal_checked_in_on",
    "journal_entry_get",
    "journal_entry_words",
    "journal_latest_entry",
    "journal_page_get",
    "link_categories",
    "mood_correlation_compute",
    "mood_pair_list",
    "patient_detail_read",
    "patient_dynamics_read",
    "patient_get_of_psychologist",
    "patient_link_get",
    "patient_share_get",
    "patterns_compute",
    "personal_baseline",
    "pilot_report_build",
    "portal_patient_list_read",
    "portal_patient_row_list",
    "questionnaire_cbi_due",
    "questionnaire_cbi_latest",
    "questionnaire_cbi_list",
    "research_cohort_list",
    "self_report_daily_mood",
    "self_report_exists",
    "self_report_list",
    "self_report_list_between",
    "user_tzinfo_get",
    "week_summary_get",
]
