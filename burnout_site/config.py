"""The larger configuration dictionaries settings.py hands to Django and its libraries.

They read no environment variable: settings.py reads every value (ARCHITECTURE.md) and passes the few that
vary in as arguments, so this module only holds the shapes, and settings.py stays short enough to read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from burnout_site.object_storage import s3_storage


def vendored_static_dirs(base_dir: Path) -> list[tuple[str, Path]]:
    """Chart.js and its annotation plugin (the dashboard's threshold lines), installed from npm at set-up time
    and served as our own static files (no CDN); missing before `npm ci`, when the pages simply lack charts."""
    packages = {
        "vendor/chartjs": base_dir / "node_modules" / "chart.js" / "dist",
        "vendor/chartjs-plugin-annotation": base_dir / "node_modules" / "chartjs-plugin-annotation" / "dist",
    }
    return [(prefix, path) for prefix, path in packages.items() if path.is_dir()]


def media_storage(
    *,
    kind: str,
    endpoint_url: str,
    bucket: str,
    access_key: str,
    secret_key: str,
    region: str,
    addressing_style: str,
    timeout_seconds: int,
) -> dict[str, Any]:
    """STORAGES["default"] for MEDIA_STORAGE: the local folder, or a bucket; refuses to start when a bucket
    lacks what it needs, naming the missing variables."""
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, got {kind!r}")
    required = {"S3_BUCKET": bucket, "S3_ACCESS_KEY_ID": access_key, "S3_SECRET_ACCESS_KEY": secret_key}
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise ImproperlyConfigured(f"MEDIA_STORAGE=s3 needs {', '.join(missing)}.")
    return s3_storage(
        endpoint_url=endpoint_url,
        bucket=bucket,
        access_key=access_key,
        secret_key=secret_key,
        region=region,
        addressing_style=addressing_style,
        timeout_seconds=timeout_seconds,
    )


def rest_framework(*, auth_rate: str, export_rate: str) -> dict[str, Any]:
    """DRF's settings; the API itself lives in burnout_site/api_urls.py and burnout_site/api/ (docs/api.md)."""
    return {
        # Device token first: its WWW-Authenticate header is what turns a missing login into a 401.
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "burnout_site.api.authentication.DeviceTokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": [
            "rest_framework.parsers.JSONParser",
            "rest_framework.parsers.FormParser",
            "rest_framework.parsers.MultiPartParser",
        ],
        "EXCEPTION_HANDLER": "burnout_site.api.exceptions.api_exception_handler",
        "DEFAULT_SCHEMA_CLASS": "burnout_site.api.schema.ApiAutoSchema",
        "DEFAULT_THROTTLE_CLASSES": ["burnout_site.api.throttles.ScopedThrottle"],
        # Per client (user, or IP address when anonymous) and per scope; counted in the shared cache. Photo
        # uploads are not a scope here: PHOTO_UPLOAD_RATE limits them on every channel at once.
        "DEFAULT_THROTTLE_RATES": {"auth": auth_rate, "export": export_rate},
    }


def api_schema() -> dict[str, Any]:
    """drf-spectacular's settings: the OpenAPI schema and the Swagger UI, served from our own static files."""
    return {
        "TITLE": "Burnout detector API",
        "DESCRIPTION": (
            "REST API for the mobile app: send face photos, read their analysis and the dynamics, manage "
            'consents, sharing and your data. Every error is `{"error": {"code", "message", "fields"}}`. '
            "See docs/api.md."
        ),
        "VERSION": "1.0.0",
        "SERVE_INCLUDE_SCHEMA": False,
        "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
        "SERVE_AUTHENTICATION": [],
        "SCHEMA_PATH_PREFIX": r"/api/v1",
        # Separate request and response components: an upload's `image` is binary only on the way in.
        "COMPONENT_SPLIT_REQUEST": True,
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "ENUM_NAME_OVERRIDES": {
            "AssessmentStatusEnum": "emotions.models.PhotoAssessment.Status",
            "CareLinkStatusEnum": "accounts.models.CareLink.Status",
            "ExportStatusEnum": "accounts.models.DataExport.Status",
            "AlertChannelEnum": "accounts.channels.alert_channel_choices",
        },
    }


def logging_config(*, level: str) -> dict[str, Any]:
    """Every handler carries the redaction filter: no secret (bot token, webhook secret, API and export tokens,
    TOTP secrets, SECRET_KEY) reaches the log at any level (burnout_site/log_redaction.py). Django's own
    loggers lose the handlers of its default configuration (they would print before ours) and propagate here;
    django-axes' start-up banner would print on every manage.py command (its failures and lockouts still log)."""
    console = {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact_secrets": {"()": "burnout_site.log_redaction.SecretRedactionFilter"}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"console": console},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": [], "propagate": True},
            "django.server": {"handlers": [], "propagate": True},
            "axes.apps": {"level": "WARNING"},
        },
    }


def content_security_policy() -> dict[str, Any]:
    """django-csp 4: scripts only from our own static files (chart data travels in json_script, which is not
    executed). The Swagger UI page adds what it needs for itself only (burnout_site/api_urls.py)."""
    return {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
        },
    }
