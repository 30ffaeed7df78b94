from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only, so a link or an <img> on another site cannot log people out.
    path("logout/", LogoutView.as_view(), name="logout"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("devices/", views.devices, name="devices"),
    path("devices/<int:pk>/revoke/", views.device_revoke, name="device_revoke"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/consent/<slug:kind>/", views.consent, name="consent"),
    path("privacy/consent/<slug:kind>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("privacy/export/", views.export_request, name="export_request"),
    path("privacy/export/<str:token>/", views.export_download, name="export_download"),
    path("delete/", views.account_delete, name="delete"),
    path("psychologist/", views.psychologist_profile, name="psychologist_profile"),
    path("psychologist/pending/", views.psychologist_pending, name="psychologist_pending"),
    path("psychologist/alerts/", views.psychologist_alerts, name="psychologist_alerts"),
    path("two-factor/setup/", views.otp_setup, name="otp_setup"),
    path("two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("two-factor/recovery-codes/", views.otp_recovery_codes, name="otp_recovery_codes"),
]

# Mounted at /care/ (namespace "care"): a patient's psychologists and the invite links they share.
care_urlpatterns = [
    path("", views.care_index, name="index"),
    path("invite/<str:code>/", views.care_invite, name="invite"),
    path("links/<int:pk>/", views.care_link_change, name="change"),
    path("links/<int:pk>/revoke/", views.care_revoke, name="revoke"),
]
