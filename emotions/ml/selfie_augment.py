"""Augmentation that makes FER2013's hand-framed web crops look like phone selfies after our pipeline.

Production crops a face at the haarcascade box (× faces.CROP_SCALE), whose size and centre wander from
face to face; the photo was a phone JPEG, often soft, noisy, dark or flat, and colour turned grey. Each
step below mimics one of those on a uint8 batch [B, 48, 48] on the CPU (JPEG needs an encoder), then the
batch goes to the training device:

1. crop jitter: zoom and shift as the haarcascade box moves around a face (CropJitter; measure it with
   `python -m emotions.ml.selfie_augment --data ../shared/data/fer2013`), small rotations, mirror;
2. low light and low contrast (gain toward black, contrast toward grey, then a gamma), clipped to 0..255;
3. colour-to-grey: FER2013 has no colour, so a random tint is applied to the grey as if it were skin,
   clipped per channel and converted back with ITU-R 601 weights (what Pillow's convert("L") does):
   the part a conversion changes in a grey face is the per-channel clipping of bright skin;
4. blur (Gaussian, a defocused or shaken phone), then sensor noise;
5. JPEG re-compression at a random quality, at twice the crop's size (the phone compresses the full
   photo, our resize to 48 px then softens its blocks), and back down to 48 px.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class CropJitter:
    """How the production crop moves around a face, as fractions of the FER2013 frame.

    Measured with `python -m emotions.ml.selfie_augment --data ../shared/data/fer2013 --n 600` (public_test
    faces ×4 on a grey canvas through faces.detect_faces and CROP_SCALE, 2026-12-07; 439 of 600 found):
    zoom p5 0.851, median 1.008, p95 1.402; |centre shift| median 0.016, p95 0.128 of the side. Zoom and
    shift are drawn from triangular distributions peaking at the median and spanning p5..p95: most crops
    sit close to FER2013's framing, a few are much tighter (the box on part of the face) or looser.
    zoom > 1 shows less around the face (a smaller box), < 1 more.
    """

    zoom: tuple[float, float, float] = (0.85, 1.0, 1.40)  # low, mode, high
    max_shift: float = 0.13
    max_rotation_deg: float = 10.0


@dataclass(frozen=True)
class SelfieConfig:
    crop: CropJitter = CropJitter()
    flip_probability: float = 0.5
    dark_probability: float = 0.4
    gain_range: tuple[float, float] = (0.25, 1.0)
    contrast_range: tuple[float, float] = (0.45, 1.0)
    gamma_range: tuple[float, float] = (0.7, 1.5)
    tint_probability: float = 0.5
    blur_probability: float = 0.4
    blur_sigma: tuple[float, float] = (0.3, 1.4)
    noise_probability: float = 0.5
    noise_std: tuple[float, float] = (1.0, 9.0)
    jpeg_probability: float = 0.7
    jpeg_quality: tuple[int, int] = (25, 95)
    erase_probability: float = 0.25


def _affine(face: np.ndarray, rng: np.random.Generator, cfg: SelfieConfig) -> np.ndarray:
    size = face.shape[0]
    zoom = rng.triangular(*cfg.crop.zoom)
    angle = rng.uniform(-cfg.crop.max_rotation_deg, cfg.crop.max_rotation_deg)
    shift = rng.triangular(-cfg.crop.max_shift, 0.0, cfg.crop.max_shift, size=2) * size
    matrix = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), angle, zoom)
    matrix[:, 2] += shift
    if rng.random() < cfg.flip_probability:
        matrix[0] = -matrix[0]
        matrix[0, 2] += size - 1
    # Replicated borders: the production crop pads the same way near an image edge.
    return cv2.warpAffine(face, matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _light(face: np.ndarray, rng: np.random.Generator, cfg: SelfieConfig) -> np.ndarray:
    x = face.astype(np.float32) / 255.0
    if rng.random() < cfg.dark_probability:
        contrast = rng.uniform(*cfg.contrast_range)
        x = (x - x.mean()) * contrast + x.mean()
        x = x * rng.uniform(*cfg.gain_range)
    x = np.clip(x, 0, 1) ** rng.uniform(*cfg.gamma_range)
    return x * 255.0


def _colour_to_grey(x: np.ndarray, rng: np.random.Generator, cfg: SelfieConfig) -> np.ndarray:
    if rng.random() >= cfg.tint_probability:
        return x
    # Skin-like tints: red strongest, blue weakest; a bright channel clips before the others.
    tint = np.array([rng.uniform(1.0, 1.35), rng.uniform(0.85, 1.1), rng.uniform(0.6, 0.95)], np.float32)
    rgb = np.clip(x[..., None] * tint, 0, 255)
    grey = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    return grey / float(tint @ np.array([0.299, 0.587, 0.114], np.float32))


def _blur_and_noise(x: np.ndarray, rng: np.random.Generator, cfg: SelfieConfig) -> np.ndarray:
    if rng.random() < cfg.blur_probability:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(*cfg.blur_sigma))
    if rng.random() < cfg.noise_probability:
        x = x + rng.normal(0, rng.uniform(*cfg.noise_std), size=x.shape).astype(np.float32)
    return x


def _jpeg(face: np.ndarray, rng: np.random.Generator, cfg: SelfieConfig) -> np.ndarray:
    if rng.random() >= cfg.jpeg_probability:
        return face
    size = face.shape[0]
    large = cv2.resize(face, (2 * size, 2 * size), interpolation=cv2.INTER_LINEAR)
    quality = int(rng.integers(cfg.jpeg_quality[0], cfg.jpeg_quality[1] + 1))
    ok, encoded = cv2.imencode(".jpg", large, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # never seen; the face stays as it is rather than failing a training run
        return face
    return cv2.resize(cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE), (size, size), interpolation=cv2.INTER_AREA)


def _erase(face: np.ndarray, rng: np.random.Generator, cfg: SelfieConfig) -> np.ndarray:
    """A hand, hair or glasses over part of the face (random erasing, as the original recipe)."""
    if rng.random() >= cfg.erase_probability:
        return face
    size = face.shape[0]
    h, w = (int(rng.integers(size // 8, size // 3)) for _ in range(2))
    top, left = int(rng.integers(0, size - h)), int(rng.integers(0, size - w))
    face = face.copy()
    face[top : top + h, left : left + w] = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
    return face


def selfie_face(face: np.ndarray, rng: np.random.Generator, cfg: SelfieConfig) -> np.ndarray:
    """One uint8 48×48 face → one augmented uint8 face."""
    x = _light(_affine(face, rng, cfg), rng, cfg)
    x = _blur_and_noise(_colour_to_grey(x, rng, cfg), rng, cfg)
    return _erase(_jpeg(np.clip(np.rint(x), 0, 255).astype(np.uint8), rng, cfg), rng, cfg)


def selfie_batch(faces: np.ndarray, rng: np.random.Generator, cfg: SelfieConfig | None = None) -> np.ndarray:
    """[B, H, W] uint8 → [B, H, W] uint8, every face augmented independently."""
    cfg = cfg or SelfieConfig()
    return np.stack([selfie_face(face, rng, cfg) for face in faces]) if len(faces) else faces.copy()


# --- measuring the production crop's jitter ------------------------------------------------------------


def measure_crop_jitter(faces: np.ndarray, scale: int = 4, pad: int = 48) -> dict[str, float | int]:
    """Where production's crop lands on FER2013 faces shown as photos (×scale on a grey canvas).

    zoom = FER frame side / production crop side (the augmentation's zoom); shift = offset of the crop's
    centre from the face's, as a fraction of the frame side. Percentiles over the faces found.
    """
    from .faces import CROP_SCALE, detect_faces

    side = faces.shape[1] * scale
    zooms, shifts = [], []
    for face in faces:
        canvas = np.full((side + 2 * pad, side + 2 * pad), 128, np.uint8)
        canvas[pad : pad + side, pad : pad + side] = cv2.resize(face, (side, side), interpolation=cv2.INTER_CUBIC)
        boxes = detect_faces(canvas)
        if not boxes:
            continue
        box = boxes[0]
        zooms.append(side / (max(box.w, box.h) * CROP_SCALE))
        centre = pad + side / 2
        shifts += [(box.x + box.w / 2 - centre) / side, (box.y + box.h / 2 - centre) / side]
    if not zooms:
        raise ValueError("the detector found none of the faces")
    zoom, shift = np.asarray(zooms), np.abs(np.asarray(shifts))
    return {
        "faces": len(faces),
        "found": len(zooms),
        "zoom_p5": round(float(np.percentile(zoom, 5)), 3),
        "zoom_p50": round(float(np.percentile(zoom, 50)), 3),
        "zoom_p95": round(float(np.percentile(zoom, 95)), 3),
        "abs_shift_p50": round(float(np.percentile(shift, 50)), 3),
        "abs_shift_p95": round(float(np.percentile(shift, 95)), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure how production's face crop jitters on FER2013 faces.")
    parser.add_argument("--data", required=True, help="FER2013 folder (or a pack with public_test)")
    parser.add_argument("--n", type=int, default=600, help="public_test faces to sample")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from .data import load_eval_split  # reads the dataset only for this CLI

    split = load_eval_split(args.data, "public_test")
    rng = np.random.default_rng(args.seed)
    chosen = rng.choice(len(split), size=min(args.n, len(split)), replace=False)
    print(json.dumps(measure_crop_jitter(split.images[chosen])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
