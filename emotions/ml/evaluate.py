"""Accuracy of the emotion model on a folder of `<class>/<image>` files.

Without detection each image is taken as a face crop (FER2013-style datasets);
with detection the whole production path runs and an image without a face counts
as wrong, which is what a user would experience.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from .faces import resize_square
from .labels import CLASSES, NEGATIVE_INDICES, NUM_CLASSES, class_index
from .predictor import Predictor

NO_FACE = -1
LIMIT_SEED = 0


class DatasetError(ValueError):
    """The folder cannot be evaluated (missing, empty, unreadable image)."""


@dataclass
class EvaluationResult:
    n: int
    accuracy: float
    negative_vs_rest_accuracy: float
    no_face: int
    skipped: int
    recall: dict[str, float]
    confusion: list[list[int]]
    model_version: str
    skipped_folders: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def collect_images(data_dir: Path, limit: int | None = None) -> tuple[list[tuple[Path, int]], dict[str, int]]:
    """(image path, class index) pairs, and the image count of folders that are not one of our classes."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DatasetError(f"no such folder: {data_dir}")
    items: list[tuple[Path, int]] = []
    skipped: Counter[str] = Counter()
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        index = class_index(folder.name)
        if index is None:
            skipped[folder.name] += len(files)
        else:
            items += [(path, index) for path in files]
    if not items:
        raise DatasetError(f"{data_dir} holds no images in class folders ({', '.join(CLASSES)})")
    if limit and limit < len(items):
        # A seeded sample, not the first N: the first N would all be "angry".
        items = random.Random(LIMIT_SEED).sample(items, limit)
    return items, dict(skipped)


def read_grey(path: Path) -> np.ndarray:
    """Any image Pillow reads (JPEG, PNG, TIFF, palette, 16-bit) as uint8 greyscale."""
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode in {"I", "I;16", "I;16B", "I;16L", "F"}:
                # 16-bit and float images: stretch to 8 bits instead of clipping to white.
                pixels = np.asarray(image, dtype=np.float32)
                span = max(float(pixels.max() - pixels.min()), 1e-6)
                return ((pixels - pixels.min()) * (255.0 / span)).astype(np.uint8)
            return np.asarray(image.convert("L"))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DatasetError(f"cannot read image {path}: {exc}") from exc


def predict_crops(predictor: Predictor, paths: list[Path], batch: int = 256) -> list[int]:
    predictions: list[int] = []
    for start in range(0, len(paths), batch):
        faces = np.stack([resize_square(read_grey(p)) for p in paths[start : start + batch]])
        predictions += predictor.classify_faces(faces).argmax(1).tolist()
    return predictions


def predict_with_detection(predictor: Predictor, paths: list[Path]) -> list[int]:
    predictions = []
    for path in paths:
        analysis = predictor.analyze_grey(read_grey(path))
        predictions.append(CLASSES.index(analysis.label) if analysis.label else NO_FACE)
    return predictions


def score(truth: list[int], predicted: list[int]) -> dict[str, Any]:
    confusion = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=int)
    for t, p in zip(truth, predicted, strict=True):
        if p != NO_FACE:
            confusion[t, p] += 1
    support = np.bincount(truth, minlength=NUM_CLASSES)
    t_arr, p_arr = np.asarray(truth), np.asarray(predicted)
    negative = np.asarray(NEGATIVE_INDICES)
    # A photo without a face gives no prediction: wrong for both questions.
    negative_correct = (p_arr != NO_FACE) & (np.isin(t_arr, negative) == np.isin(p_arr, negative))
    return {
        "n": len(truth),
        "accuracy": round(float((t_arr == p_arr).mean()), 4),
        "negative_vs_rest_accuracy": round(float(negative_correct.mean()), 4),
        "no_face": int((p_arr == NO_FACE).sum()),
        "recall": {
            name: round(float(confusion[i, i] / support[i]), 4) if support[i] else None
            for i, name in enumerate(CLASSES)
        },
        "confusion": confusion.tolist(),
    }


def evaluate_folder(
    predictor: Predictor, data_dir: Path, *, detect: bool = False, limit: int | None = None
) -> EvaluationResult:
    items, skipped_folders = collect_images(data_dir, limit)
    paths = [path for path, _ in items]
    truth = [label for _, label in items]
    predicted = predict_with_detection(predictor, paths) if detect else predict_crops(predictor, paths)
    return EvaluationResult(
        **score(truth, predicted),
        skipped=sum(skipped_folders.values()),
        skipped_folders=skipped_folders,
        model_version=predictor.model_version,
    )
