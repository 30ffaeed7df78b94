"""The REST API (mounted at /api/): version 1 under /api/v1/, its OpenAPI schema and Swagger UI.

Usage and error codes: docs/api.md. Views live in each app's apis.py.
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import apis as account_apis
from burnout_site.api.exceptions import NOT_FOUND_URL_NAME, api_not_found
from emotions import apis as emotion_apis

app_name = "api"

v1 = [
    # accounts
    path("auth/register/", account_apis.RegisterApi.as_view(), name="register"),
    path("auth/token/", account_apis.TokenApi.as_view(), name="token"),
    path("auth/logout/", account_apis.LogoutApi.as_view(), name="logout"),
    path("auth/logout-all/", account_apis.LogoutAllApi.as_view(), name="logout_all"),
    path("auth/password-reset/", account_apis.PasswordResetApi.as_view(), name="password_reset"),
    path(
        "auth/password-reset/confirm/",
        account_apis.PasswordResetConfirmApi.as_view(),
        name="password_reset_confirm",
    ),
    path("me/", account_apis.MeApi.as_view(), name="me"),
    path("me/password/", account_apis.PasswordChangeApi.as_view(), name="password_change"),
    path("me/tokens/", account_apis.TokenListApi.as_view(), name="token_list"),
    path("me/tokens/<int:pk>/", account_apis.TokenRevokeApi.as_view(), name="token_revoke"),
    path("me/psychologist-profile/", account_apis.PsychologistProfileApi.as_view(), name="psychologist_profile"),
    path("me/two-factor/", account_apis.TwoFactorApi.as_view(), name="two_factor"),
    path("me/export/", account_apis.ExportRequestApi.as_view(), name="export_request"),
    path("me/report.pdf", emotion_apis.OwnReportApi.as_view(), name="own_report"),
    path("me/exports/<int:pk>/", account_apis.ExportDetailApi.as_view(), name="export_detail"),
    path("me/exports/download/<str:token>/", account_apis.ExportDownloadApi.as_view(), name="export_download"),
    path("consents/", account_apis.ConsentApi.as_view(), name="consents"),
    path("psychologists/<str:code>/", account_apis.PsychologistLookupApi.as_view(), name="psychologist_lookup"),
    path("care-links/", account_apis.CareLinkListApi.as_view(), name="care_links"),
    path("care-links/<int:pk>/", account_apis.CareLinkDetailApi.as_view(), name="care_link_detail"),
    path("care-links/<int:pk>/revoke/", account_apis.CareLinkRevokeApi.as_view(), name="care_link_revoke"),
    # emotions
    path("photos/", emotion_apis.PhotoUploadApi.as_view(), name="photo_upload"),
    path("assessments/", emotion_apis.AssessmentListApi.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", emotion_apis.AssessmentDetailApi.as_view(), name="assessment_detail"),
    path("assessments/<int:pk>/feedback/", emotion_apis.AssessmentFeedbackApi.as_view(), name="assessment_feedback"),
    path("dynamics/", emotion_apis.DynamicsApi.as_view(), name="dynamics"),
    path("self-reports/", emotion_apis.SelfReportApi.as_view(), name="self_reports"),
    path("self-reports/<int:pk>/", emotion_apis.SelfReportDetailApi.as_view(), name="self_report_detail"),
    path("journal/", emotion_apis.JournalApi.as_view(), name="journal"),
    path("questionnaires/cbi/", emotion_apis.CbiApi.as_view(), name="questionnaire_cbi"),
    path("flags/", emotion_apis.FlagListApi.as_view(), name="flag_list"),
    path("patients/", emotion_apis.PatientListApi.as_view(), name="patient_list"),
    path("patients/<int:patient_id>/dynamics/", emotion_apis.PatientDynamicsApi.as_view(), name="patient_dynamics"),
    path("patients/<int:patient_id>/sessions/", emotion_apis.SessionListApi.as_view(), name="patient_sessions"),
    path("patients/<int:patient_id>/brief/", emotion_apis.BriefApi.as_view(), name="patient_brief"),
    path("patients/<int:patient_id>/report.pdf", emotion_apis.PatientReportApi.as_view(), name="patient_report"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from `?script` rather than inline, so script-src stays 'self';
    # its template (drf-spectacular's, not ours) still has a small inline <style>, and Swagger UI styles its
    # own elements, so this page alone may use inline styles. No page of ours needs them.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    # Last: any other address under /api/ answers with the JSON error, not the HTML 404 page. [\s\S], not ".":
    # a path may hold a newline (%0A), which "." does not match, and such a path then got the HTML page.
    # (Not the (?s) flag: Django cannot reverse a pattern that has one, which breaks every reverse().)
    re_path(r"^[\s\S]*$", api_not_found, name=NOT_FOUND_URL_NAME),
]
