"""Account pages. Views only route: forms validate, services write.

One module per concern; this package re-exports the views that accounts/urls.py names and the django-axes
callables that settings name by dotted path (`accounts.views.lockout_response`, `accounts.views.client_ip_address`).
"""

from __future__ import annotations

from .care import care_index, care_invite, care_link_change, care_revoke
from .devices import device_revoke, devices
from .login_throttling import client_ip_address, lockout_message, lockout_response
from .password_reset import (
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from .privacy import account_delete, consent, consent_withdraw_view, export_download, export_request, privacy
from .psychologists import psychologist_alerts, psychologist_pending, psychologist_profile
from .two_factor import otp_recovery_codes, otp_setup, otp_verify
from .users import LoginView, PasswordChangeDoneView, PasswordChangeView, ProfileView, SignUpView

__all__ = [
    "LoginView",
    "PasswordChangeDoneView",
    "PasswordChangeView",
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "PasswordResetDoneView",
    "PasswordResetView",
    "ProfileView",
    "SignUpView",
    "account_delete",
    "care_index",
    "care_invite",
    "care_link_change",
    "care_revoke",
    "client_ip_address",
    "consent",
    "consent_withdraw_view",
    "device_revoke",
    "devices",
    "export_download",
    "export_request",
    "lockout_message",
    "lockout_response",
    "otp_recovery_codes",
    "otp_setup",
    "otp_verify",
    "privacy",
    "psychologist_alerts",
    "psychologist_pending",
    "psychologist_profile",
]
