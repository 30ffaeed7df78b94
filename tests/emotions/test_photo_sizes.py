"""Sizes and modes the JPEG re-encode cannot write are refused with a message, not a 500 (photo_validate, web form).

The API and the bot show the same refusal: tests/api/test_photo_sizes_api.py and
tests/telegram_bridge/test_photo_sizes_bot.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from emotions.models import PhotoAssessment
from emotions.services import PhotoRejected, photo_validate
from tests.emotions import images
from tests.emotions.conftest import upload

WIDE_MESSAGE = (
    "The image is too long or too wide (100000 x 48 pixels). Please send a photo at most 65500 pixels on each side."
)
UNWRITABLE_MESSAGE = (
    "We could not process this image. Please send it again as an ordinary photo in one of these formats: "
    "JPEG, PNG, WebP."
)


def rejected(data: bytes) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as info:
        photo_validate(data=data)
    return info.value


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((100_000, 48), WIDE_MESSAGE),
        ((48, 100_000), WIDE_MESSAGE.replace("100000 x 48", "48 x 100000")),
        ((65_501, 48), WIDE_MESSAGE.replace("100000 x 48", "65501 x 48")),
    ],
    ids=["wide", "tall", "one-over"],
)
def test_a_side_longer_than_jpeg_allows_is_refused(size: tuple[int, int], message: str) -> None:
    error = rejected(images.wide_png(size))
    assert error.code == "too_long_side"
    assert error.message == message


def test_the_longest_side_jpeg_allows_is_accepted() -> None:
    photo = photo_validate(data=images.wide_png((65_500, 48)))
    assert (photo.width, photo.height) == (65_500, 48)
    assert Image.open(io.BytesIO(photo.content)).size == (65_500, 48)


def test_the_refusal_is_translated() -> None:
    with translation.override("ru"):
        error = rejected(images.wide_png())
    russian = (
        "Изображение слишком длинное или широкое (100000 × 48 пикс.). Пожалуйста, отправьте фото, "
        "у которого каждая сторона не больше 65500 пикс."  # noqa: RUF001
    )
    assert error.message == russian


@pytest.mark.parametrize("failure", [OSError("encoder error -2"), ValueError("unsupported")])
def test_anything_else_the_encoder_cannot_write_is_refused(monkeypatch: pytest.MonkeyPatch, failure: Exception) -> None:
    def failing_save(self: Image.Image, *args: object, **kwargs: object) -> None:
        raise failure

    data = images.face_jpeg()  # built before the encoder breaks
    monkeypatch.setattr(Image.Image, "save", failing_save)
    error = rejected(data)
    assert error.code == "cannot_reencode"
    assert error.message == UNWRITABLE_MESSAGE


@pytest.mark.django_db
def test_web_form_shows_the_refusal_and_stores_nothing(client_logged_in: Client, new_media_files: Callable) -> None:
    response = client_logged_in.post(reverse("emotions:upload"), {"photo": upload("wide.png", images.wide_png())})

    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == [WIDE_MESSAGE]
    assert WIDE_MESSAGE in response.content.decode()
    assert not PhotoAssessment.objects.exists()
    assert not new_media_files()
