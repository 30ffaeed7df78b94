"""A 16-bit greyscale PNG face is scaled to 8 bits, not clipped to white: the real model finds the face."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from accounts.models import User
from emotions.models import PhotoAssessment
from emotions.services import assessment_create, photo_validate
from tests.emotions import images


def test_16_bit_grey_is_scaled_to_8_bits() -> None:
    data = images.face_png_16bit()
    assert Image.open(io.BytesIO(data)).mode == "I;16"

    photo = photo_validate(data=data)

    cleaned = np.asarray(Image.open(io.BytesIO(photo.content)).convert("L"), dtype=np.int16)
    original = np.asarray(images.face_photo(), dtype=np.int16)
    assert cleaned.shape == original.shape
    # The same picture, give or take the JPEG re-encode; clipped, it would be white (255) nearly everywhere.
    assert np.abs(cleaned - original).mean() < 3
    assert cleaned.std() > 20


@pytest.mark.django_db
def test_16_bit_face_is_found_by_the_analysis(user: User, django_capture_on_commit_callbacks: Callable) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_png_16bit()), source="web")
    assessment.refresh_from_db()

    assert assessment.status == PhotoAssessment.Status.DONE, assessment.error_detail
    assert assessment.faces_found == 1
    assert assessment.label
