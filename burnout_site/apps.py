"""The project's own application configurations."""

from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    """django.contrib.admin with the two-factor site as the default `admin.site`.

    The site lives in its own module: it imports accounts, whose models must not load while the
    app registry is still being filled (AdminConfig imports `default_site` once everything is ready).
    """

    default_site = "burnout_site.admin_site.TwoFactorAdminSite"


class SiteConfig(AppConfig):
    """The project itself as an app: its operations commands (storage_prepare, run_local_s3) and the heartbeat.

    Named explicitly in INSTALLED_APPS: this module holds two AppConfig classes, so Django cannot pick one.
    """

    name = "burnout_site"
    label = "burnout_site"
    verbose_name = "Burnout detector site"
    default = False
