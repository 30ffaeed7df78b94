"""The project's own application configurations."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    """django.contrib.admin with the two-factor site as the default `admin.site`.

    The site lives in its own module: it imports accounts, whose models must not load while the
    app registry is still being filled (AdminConfig imports `default_site` once everything is ready).
    """

    default_site = "burnout_site.admin_site.TwoFactorAdminSite"
