"""photo_validate: what every channel's uploads go through before a row exists."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pytest_django.fixtures import Settings as SettingsWrapper

from emotions.services import PhotoRejected, photo_validate
from tests.emotions import images


def rejected(data: object) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as info:
        photo_validate(data=data)
    return info.value


def test_face_jpeg_is_accepted_and_reencoded_as_jpeg() -> None:
    photo = photo_validate(data=images.face_jpeg())
    assert (photo.width, photo.height) == (288, 288)
    assert photo.original_format == "JPEG"
    assert photo.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(photo.content)).format == "JPEG"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(fmt: str) -> None:
    photo = photo_validate(data=images.encode(images.face_photo(), fmt))
    assert photo.original_format == fmt
    assert Image.open(io.BytesIO(photo.content)).format == "JPEG"


def test_exif_orientation_is_applied_then_all_metadata_dropped() -> None:
    # Orientation 6: the stored pixels must be turned 90° clockwise to be upright.
    photo = photo_validate(data=images.jpeg_with_exif(orientation=6, size=(80, 120)))
    assert (photo.width, photo.height) == (120, 80)
    cleaned = Image.open(io.BytesIO(photo.content))
    assert cleaned.size == (120, 80)
    assert not cleaned.getexif()
    assert "exif" not in cleaned.info
    assert b"SecretCam" not in photo.content
    # The dark band stored along the top now runs down the right-hand side.
    assert cleaned.convert("L").getpixel((115, 40)) < 40
    assert cleaned.convert("L").getpixel((5, 40)) > 100


def test_transparent_png_is_flattened_onto_white() -> None:
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    photo = photo_validate(data=images.encode(image, "PNG"))
    assert Image.open(io.BytesIO(photo.content)).convert("L").getpixel((32, 32)) > 245


def test_file_objects_are_read_from_the_start() -> None:
    stream = io.BytesIO(images.face_jpeg())
    stream.seek(10)
    assert photo_validate(data=stream).width == 288


def test_empty() -> None:
    error = rejected(b"")
    assert error.code == "empty"
    assert error.message == "The file is empty. Please choose a photo."


def test_text_is_not_an_image() -> None:
    error = rejected(b"just some text, not a photo\n" * 10)
    assert error.code == "not_an_image"
    assert "not a picture we can read" in error.message
    assert "JPEG, PNG, WebP" in error.message


def test_truncated_jpeg_is_damaged() -> None:
    error = rejected(images.truncated_jpeg())
    assert error.code == "damaged"
    assert error.message == "The image file is damaged or incomplete. Please send the photo again."


def test_a_truncated_jpeg_stays_damaged_after_a_pdf_report_was_rendered() -> None:
    """WeasyPrint's import turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process; the report puts it back."""
    from PIL import ImageFile

    from emotions.reports import _weasyprint

    html, _fetcher = _weasyprint()  # what report_pdf_render imports before it prints
    assert html(string="<p>report</p>").write_pdf().startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert rejected(images.truncated_jpeg()).code == "damaged"


def test_one_pixel_image_is_too_small() -> None:
    error = rejected(images.tiny_png())
    assert error.code == "too_small"
    assert error.message == (
        "The image is too small (1 x 1 pixels). Please send a photo at least 48 pixels on each side."
    )


def test_gif_names_the_allowed_formats() -> None:
    error = rejected(images.gif_image())
    assert error.code == "unsupported_format"
    assert error.message == (
        "GIF files are not supported. Please send a photo in one of these formats: JPEG, PNG, WebP."
    )


def test_heic_is_named() -> None:
    error = rejected(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    assert error.code == "unsupported_format"
    assert error.message.startswith("HEIC files are not supported.")


def test_decompression_bomb_beyond_pillows_limit() -> None:
    error = rejected(images.bomb_png(20_000))
    assert error.code == "too_many_pixels"
    assert error.message == "The image has too many pixels. Please send a photo of at most 40 megapixels."


def test_pillows_bomb_warning_is_an_error(settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch) -> None:
    # Between Pillow's limit and twice it, Pillow only warns; that must still be refused,
    # even with our own cap set out of the way.
    settings.PHOTO_MAX_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50_000)
    error = rejected(images.encode(Image.new("L", (300, 300)), "PNG"))
    assert error.code == "too_many_pixels"


def test_our_pixel_cap_applies_below_pillows(settings: SettingsWrapper) -> None:
    settings.PHOTO_MAX_PIXELS = 40_000
    error = rejected(images.encode(Image.new("RGB", (300, 300)), "PNG"))
    assert error.code == "too_many_pixels"
    assert error.message == "The image has too many pixels. Please send a photo of at most 0.04 megapixels."


def test_too_large_bytes_are_refused_before_decoding() -> None:
    data = b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024)
    error = rejected(data)
    assert error.code == "too_large"
    assert error.message == "The file is larger than 10.0\xa0MB. Please send a smaller photo."


def test_too_large_stream_is_read_only_up_to_the_limit(settings: SettingsWrapper) -> None:
    settings.PHOTO_MAX_BYTES = 1000

    class Endless(io.RawIOBase):
        requested: list[int] = []

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.requested.append(size)
            return b"\x00" * size

    stream = Endless()
    error = rejected(stream)
    assert error.code == "too_large"
    assert stream.requested == [1001]
