"""Test settings: the real settings module with the few test-only switches.

Tasks run synchronously in the test process (Q_SYNC); the end-to-end test starts a
real django-q2 worker of its own against the same database file.
"""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-1f9c2b-4e7a0d8c35")
os.environ.setdefault("Q_SYNC", "1")

from .settings import *  # noqa: F403
from .settings import BASE_DIR, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = BASE_DIR / ".test-media"

# Tests never run collectstatic, so STATIC_ROOT usually does not exist: let WhiteNoise look
# files up per request through the staticfiles finders instead of scanning STATIC_ROOT at
# start-up (which warns "No directory at: .../staticfiles/" for every test client).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
