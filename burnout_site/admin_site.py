"""The admin site behind two-factor sign-in.

The admin shows every person's assessments, self-reports and audit trail: a stolen staff password
alone must not open it. Staff pass the same TOTP step as psychologists before the portal, with the
same set-up and code pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.decorators import two_factor_step


class TwoFactorAdminSite(admin.AdminSite):
    site_header = site_title = _("Burnout detector administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # is_verified comes from django_otp's middleware: a device was confirmed in this session.
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        user = request.user
        if user.is_active and user.is_staff and not user.is_verified():
            # The password is accepted (now or earlier in the session): the code is the missing step.
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
            return two_factor_step(user, next_url)
        return super().login(request, extra_context)
