"""Test images built in memory: real faces (FER2013 crops, the astronaut portrait) and bad uploads."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageOps

FACES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "faces"
# FER2013 crops the haarcascade finds once upscaled and padded (checked against the detector).
HAPPY_FACE = FACES_DIR / "happy_PrivateTest_10077120.jpg"
SAD_FACE = FACES_DIR / "sad_PrivateTest_10247676.jpg"


def encode(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def face_photo(path: Path = HAPPY_FACE) -> Image.Image:
    """A 48×48 FER2013 face made photo-like: ×4 bicubic, then a 48 px grey border around it."""
    face = Image.open(path).convert("L").resize((192, 192), Image.Resampling.BICUBIC)
    return ImageOps.expand(face, border=48, fill=128)


def face_jpeg(path: Path = HAPPY_FACE) -> bytes:
    return encode(face_photo(path), "JPEG", quality=95)


def astronaut_jpeg() -> bytes:
    """skimage's astronaut (Eileen Collins, NASA, public domain): a real colour portrait."""
    from skimage import data

    return encode(Image.fromarray(data.astronaut()), "JPEG", quality=90)


def gradient_jpeg(size: tuple[int, int] = (320, 240), dark: bool = False) -> bytes:
    """A smooth horizontal gradient: nothing a face detector could take for a face."""
    width, height = size
    top = 30 if dark else 250
    row = bytes(round(10 + (top - 10) * x / (width - 1)) for x in range(width))
    image = Image.frombytes("L", size, row * height)
    return encode(image.convert("RGB"), "JPEG", quality=90)


def truncated_jpeg() -> bytes:
    data = face_jpeg()
    return data[: len(data) // 2]


def tiny_png() -> bytes:
    return encode(Image.new("RGB", (1, 1), (200, 100, 50)), "PNG")


def gif_image() -> bytes:
    return encode(Image.new("RGB", (120, 120), (10, 200, 10)), "GIF")


def bomb_png(side: int = 20_000) -> bytes:
    """A real, complete 1-bit PNG of side×side pixels that is only a few kB on disk.

    Written by hand (IHDR, one zlib stream of zero rows, IEND) so that building it
    costs no more memory than the compressed stream.
    """

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def jpeg_with_exif(orientation: int, size: tuple[int, int] = (80, 120)) -> bytes:
    """A JPEG with an EXIF orientation tag plus identifying metadata (camera, GPS)."""
    image = Image.new("RGB", size, (180, 160, 140))
    # A dark band at the top of the stored pixels, to see where it ends up after rotation.
    image.paste((0, 0, 0), (0, 0, size[0], 10))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPS IFD
    return encode(image, "JPEG", exif=exif.tobytes(), quality=95)


def wide_png(size: tuple[int, int] = (100_000, 48)) -> bytes:
    """A real grey PNG far wider than JPEG can be (65,500 px a side), yet few pixels (4.8 MP) and a few kB."""
    return encode(Image.new("L", size, 128), "PNG")


def face_png_16bit(path: Path = HAPPY_FACE) -> bytes:
    """The face photo as a 16-bit greyscale PNG (Pillow mode I;16), as some cameras and editors save it."""
    import numpy as np

    pixels = np.asarray(face_photo(path), dtype=np.uint16) * 257  # 0..255 → 0..65535
    return encode(Image.fromarray(pixels), "PNG")
