"""Photo validation: what an upload must be before anything is stored (pure Pillow, no ORM).

Every entry channel (web page, REST API, Telegram bot) calls `photo_validate(data=...)` first, then
`emotions.services.assessment_create(...)`. Untrusted bytes are checked at the edge: the signature before
Pillow sees them, the size and pixel caps, JPEG/PNG/WebP only; the photo is re-encoded without metadata.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from dataclasses import dataclass, field
from typing import IO, ClassVar

from django.conf import settings
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from burnout_site.errors import Refusal

logger = logging.getLogger(__name__)


JPEG_QUALITY = 92


# libjpeg's JPEG_MAX_DIMENSION: the re-encode cannot write a longer side, whatever the pixel count.
JPEG_MAX_SIDE = 65_500


# What people may upload. Pillow names some phone JPEGs (a main image followed by
# previews) "MPO" after opening them as JPEG; they are JPEG files to the person who took them.
ALLOWED_FORMATS_TEXT = "JPEG, PNG, WebP"


_PILLOW_FORMATS = ("JPEG", "PNG", "WEBP")


# Formats we recognise only to name them in the refusal. Pillow is not asked to open
# them at all: fewer decoders see untrusted bytes.
_FOREIGN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"),
)


# Greyscale deeper than 8 bits, as Pillow opens a 16-bit PNG ("I" is what older Pillows gave it).
_WIDE_GREY_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")


_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}


_AVIF_BRANDS = {b"avif", b"avis"}


class PhotoRejected(Refusal):
    """An upload we will not analyse (about the `image` the API receives)."""

    field = "image"


@dataclass(frozen=True)
class ValidatedPhoto:
    """A decoded, oriented photo re-encoded as a JPEG without any metadata.

    Re-encoding drops EXIF (GPS position, device serials, capture time) and anything
    appended to the file; orientation is applied to the pixels first, so the face is
    upright for the detector without the EXIF tag.
    """

    content: bytes = field(repr=False)
    width: int
    height: int
    original_format: str

    content_type: ClassVar[str] = "image/jpeg"
    extension: ClassVar[str] = "jpg"

    def open_image(self) -> Image.Image:
        return Image.open(io.BytesIO(self.content))


def photo_validate(*, data: bytes | IO[bytes]) -> ValidatedPhoto:
    """Check an upload and return it cleaned; raise PhotoRejected with a message otherwise.

    `data` is the raw bytes or a binary file object (a Django UploadedFile, an open
    file, a BytesIO), so the web form, the REST API and the Telegram bot share it.
    """
    raw = _read_capped(data)
    if not raw:
        raise PhotoRejected("empty", _("The file is empty. Please choose a photo."))
    foreign = _foreign_format(raw)
    if foreign:
        raise PhotoRejected(
            "unsupported_format",
            _("%(format)s files are not supported. Please send a photo in one of these formats: %(allowed)s.")
            % {"format": foreign, "allowed": ALLOWED_FORMATS_TEXT},
        )

    image = _decode(raw)
    original_format = "JPEG" if image.format == "MPO" else str(image.format)
    image = _oriented(image)
    width, height = image.size
    if min(width, height) < settings.PHOTO_MIN_SIDE:
        raise PhotoRejected(
            "too_small",
            _(
                "The image is too small (%(width)s x %(height)s pixels). "
                "Please send a photo at least %(min_side)s pixels on each side."
            )
            % {"width": width, "height": height, "min_side": settings.PHOTO_MIN_SIDE},
        )
    if max(width, height) > JPEG_MAX_SIDE:
        raise PhotoRejected(
            "too_long_side",
            _(
                "The image is too long or too wide (%(width)s x %(height)s pixels). "
                "Please send a photo at most %(max_side)s pixels on each side."
            )
            % {"width": width, "height": height, "max_side": JPEG_MAX_SIDE},
        )
    return ValidatedPhoto(content=_encode_jpeg(image), width=width, height=height, original_format=original_format)


def _too_large() -> PhotoRejected:
    return PhotoRejected(
        "too_large",
        _("The file is larger than %(limit)s. Please send a smaller photo.")
        % {"limit": filesizeformat(settings.PHOTO_MAX_BYTES)},
    )


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected(
        "too_many_pixels",
        _("The image has too many pixels. Please send a photo of at most %(megapixels)s megapixels.")
        # floatformat -2: "40" for the default cap, "0.04" for a tiny one, in the reader's locale.
        % {"megapixels": floatformat(settings.PHOTO_MAX_PIXELS / 1_000_000, -2)},
    )


def _read_capped(data: bytes | IO[bytes]) -> bytes:
    """The upload's bytes, refusing anything over PHOTO_MAX_BYTES before it is decoded."""
    limit = settings.PHOTO_MAX_BYTES
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        # An UploadedFile knows its size already: refuse without reading a byte.
        size = getattr(data, "size", None)
        if isinstance(size, int) and size > limit:
            raise _too_large()
        if hasattr(data, "seek"):
            # A stream that cannot seek is read from where it is.
            with contextlib.suppress(OSError, ValueError):
                data.seek(0)
        # One byte over the limit is enough to know it is too large, whatever the rest.
        raw = data.read(limit + 1) or b""
    if len(raw) > limit:
        raise _too_large()
    return raw


def _foreign_format(raw: bytes) -> str | None:
    for signature, name in _FOREIGN_SIGNATURES:
        if raw.startswith(signature):
            return name
    if raw[4:8] == b"ftyp":
        brand = raw[8:12]
        if brand in _AVIF_BRANDS:
            return "AVIF"
        if brand in _HEIF_BRANDS:
            return "HEIC"
    return None


def _decode(raw: bytes) -> Image.Image:
    not_readable = PhotoRejected(
        "not_an_image",
        _("This file is not a picture we can read. Please send a photo in one of these formats: %(allowed)s.")
        % {"allowed": ALLOWED_FORMATS_TEXT},
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; a warning here
            # is still a bomb, and decoding it would take the memory it warns about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=_PILLOW_FORMATS)
            width, height = image.size
            # Checked from the header, before the pixels are decoded.
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise _too_many_pixels()
            # open() reads only the header; load() decodes everything, which is what
            # finds a truncated or corrupt file.
            image.load()
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        raise not_readable from None
    except Exception as exc:
        # Pillow's decoders raise a wide range of errors on malformed input (OSError,
        # SyntaxError, ValueError, struct.error, ...): to the person they are all one thing.
        logger.info("photo rejected as damaged: %r", exc)
        raise PhotoRejected(
            "damaged",
            _("The image file is damaged or incomplete. Please send the photo again."),
        ) from None
    return image


def _oriented(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception as exc:
        # A malformed EXIF block should not cost the person their photo: keep the pixels as stored.
        logger.info("ignoring unreadable EXIF orientation: %r", exc)
        return image


def _encode_jpeg(image: Image.Image) -> bytes:
    if image.mode in _WIDE_GREY_MODES:
        # 16-bit grey (a PNG opens as I;16): Pillow's own conversion clips every value over 255, which
        # turns a face white. Scaled instead, 0..65535 onto 0..255 (v / 256, the high byte).
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode not in ("RGB", "L"):
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            # Transparent areas become white, as most viewers show them; black would darken the photo.
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        else:
            image = image.convert("RGB")
    # Pillow carries `info` (EXIF, ICC, XMP, comments) across conversions and writes some of
    # it back on save; an empty dict makes sure nothing but pixels leaves this function.
    image.info = {}
    out = io.BytesIO()
    try:
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, ValueError) as exc:
        # Whatever else libjpeg cannot write (the side limit is checked before): the person's
        # upload, refused with a message on every channel, not a server error.
        logger.info("photo rejected: the JPEG re-encode failed: %r", exc)
        raise PhotoRejected(
            "cannot_reencode",
            _(
                "We could not process this image. Please send it again as an ordinary photo "
                "in one of these formats: %(allowed)s."
            )
            % {"allowed": ALLOWED_FORMATS_TEXT},
        ) from None
    return out.getvalue()
