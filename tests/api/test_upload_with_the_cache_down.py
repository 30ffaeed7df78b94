"""Redis (the shared cache that counts uploads) unreachable, as while it restarts: a photo is still accepted.

The per-person upload limit lets the attempt through uncounted (logged) instead of answering 500; the photo is
stored and its analysis queued as usual. A real connection refusal: the cache points at a port nobody listens on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.test import APIClient

from burnout_site.seaweedfs import free_port
from emotions.models import PhotoAssessment
from tests.api.conftest import assert_error
from tests.emotions import images

pytestmark = [pytest.mark.django_db, pytest.mark.faults]


def test_an_upload_is_accepted_while_the_shared_cache_is_unreachable(
    patient_api: APIClient,
    settings: SettingsWrapper,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }
    image = SimpleUploadedFile("me.jpg", images.face_jpeg(), content_type="image/jpeg")

    with (
        caplog.at_level(logging.WARNING, logger="burnout_site.rate_limits"),
        django_capture_on_commit_callbacks(execute=False) as queued,
    ):
        response = patient_api.post("/api/v1/photos/", {"image": image})

    assert response.status_code == 202, response.content
    assert PhotoAssessment.objects.get().status == PhotoAssessment.Status.PENDING
    assert len(queued) == 1  # the analysis is queued once the row is committed
    assert "rate limit photo_upload not counted: the shared cache is unreachable" in caplog.text


def test_a_throttled_endpoint_answers_while_the_shared_cache_is_unreachable(
    settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    """The token endpoint (throttle scope "auth") still answers with its own message, not a server error."""
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }
    with caplog.at_level(logging.WARNING, logger="burnout_site.api.throttles"):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "nobody", "password": "wrong-password"}, format="json"
        )

    assert_error(response, 400, "invalid_credentials", "The username or password is not correct.")
    assert "throttle auth not counted: the shared cache is unreachable" in caplog.text
