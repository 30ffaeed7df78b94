"""Pages of the emotions app (mounted at the site root)."""

from __future__ import annotations

from django.urls import path

from emotions import clinician_views, email_views, factor_views, journal_views, views

app_name = "emotions"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("photos/new/", views.upload, name="upload"),
    path("photos/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("photos/<int:pk>/status/", views.assessment_status, name="assessment_status"),
    path("photos/<int:pk>/feedback/", views.assessment_feedback, name="assessment_feedback"),
    path("mood/", views.self_report_new, name="self_report_new"),
    path("questionnaires/cbi/", views.questionnaire_cbi, name="questionnaire_cbi"),
    path("journal/", journal_views.journal, name="journal"),
    path("factors/", factor_views.factors, name="factors"),
    path("factors/tags/<int:pk>/delete/", factor_views.factor_tag_delete_view, name="factor_tag_delete"),
    path("settings/email/", email_views.email_settings, name="email_settings"),
    path("email/unsubscribe/<str:token>/", email_views.email_unsubscribe_view, name="email_unsubscribe"),
    path("journal/<str:kind>/<int:pk>/delete/", journal_views.journal_entry_delete_view, name="journal_entry_delete"),
    path("report.pdf", clinician_views.own_report, name="own_report"),
    path("questionnaires/cbi/<int:pk>/", views.questionnaire_cbi_result, name="questionnaire_cbi_result"),
]

# Mounted at /portal/ (namespace "portal"): the psychologist's view of the patients who share with them.
portal_urlpatterns = [
    path("", views.portal_patients, name="patients"),
    path("patients.csv", clinician_views.portal_patients_csv, name="patients_csv"),
    path("patients/<int:patient_id>/", views.portal_patient_detail, name="patient_detail"),
    path("patients/<int:patient_id>/alias/", views.portal_patient_alias, name="patient_alias"),
    path("patients/<int:patient_id>/end/", views.portal_end_link, name="end_link"),
    path("patients/<int:patient_id>/sessions/", clinician_views.portal_session_new, name="session_new"),
    path(
        "patients/<int:patient_id>/flags/<int:flag_id>/acknowledge/",
        clinician_views.portal_flag_acknowledge,
        name="flag_acknowledge",
    ),
    path("patients/<int:patient_id>/thresholds/", clinician_views.portal_thresholds_set, name="thresholds_set"),
    path("patients/<int:patient_id>/report.pdf", clinician_views.portal_patient_report, name="patient_report"),
]
