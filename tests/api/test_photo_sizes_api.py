"""POST /photos/ with an image the JPEG re-encode cannot write: the photo rejection, nothing stored, no 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from emotions.models import PhotoAssessment
from tests.api.conftest import assert_error
from tests.emotions import images

pytestmark = pytest.mark.django_db

WIDE_MESSAGE = (
    "The image is too long or too wide (100000 x 48 pixels). Please send a photo at most 65500 pixels on each side."
)


def test_a_side_longer_than_jpeg_allows_is_a_400_with_the_rejection(
    patient_api: APIClient, new_media_files: Callable
) -> None:
    image = SimpleUploadedFile("wide.png", images.wide_png(), content_type="image/png")
    response = patient_api.post("/api/v1/photos/", {"image": image})

    error = assert_error(response, 400, "too_long_side", WIDE_MESSAGE)
    assert error["fields"] == {"image": [WIDE_MESSAGE]}
    assert not PhotoAssessment.objects.exists()
    assert not new_media_files()


def test_the_schema_lists_the_rejection_codes(api: APIClient) -> None:
    schema = api.get("/api/schema/", {"format": "json"}).json()
    described = schema["paths"]["/api/v1/photos/"]["post"]["responses"]["400"]["description"]
    assert "`too_long_side`" in described and "`cannot_reencode`" in described
