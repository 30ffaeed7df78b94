"""Test settings: the real settings module with the few test-only switches.

Tasks run synchronously in the test process (Q_SYNC); the end-to-end test starts a
real django-q2 worker of its own against the same database file.
"""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-1f9c2b")
os.environ.setdefault("Q_SYNC", "1")

from .settings import *  # noqa: E402,F403
from .settings import BASE_DIR, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = BASE_DIR / ".test-media"
