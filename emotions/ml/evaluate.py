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

from .calibration import expected_calibration_error, view_averaged_probabilities
from .faces import resize_square
from .labels import CLASSES, NEGATIVE_INDICES, NUM_CLASSES, class_index
from .predictor import Predictor, locate_face

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
    # Expected calibration error (15 bins, top class) of the probabilities the predictor returns, and of
    # the same views' probabilities without the temperature; over the faces found (all, without --detect).
    ece: float | None = None
    ece_uncalibrated: float | None = None
    temperature: float = 1.0
    skipped_folders: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Predictions:
    """What the predictor said about each image: labels, its views' raw logits (NaN: no face found)."""

    labels: np.ndarray  # [N] true class indices
    view_logits: np.ndarray  # [views, N, classes]
    temperature: float
    model_version: str

    @property
    def found(self) -> np.ndarray:
        return ~np.isnan(self.view_logits).any(axis=(0, 2))

    def probabilities(self, *, calibrated: bool = True) -> np.ndarray:
        """[N, classes] view-averaged probabilities, as the predictor returns them (NaN rows: no face)."""
        return view_averaged_probabilities(self.view_logits, self.temperature if calibrated else 1.0)

    def predicted(self) -> list[int]:
        probs = self.probabilities()
        return [int(row.argmax()) if ok else NO_FACE for row, ok in zip(probs, self.found, strict=True)]

    def save(self, path: Path) -> None:
        """One .npz that `python -m emotions.ml.report` draws its figures from."""
        np.savez_compressed(
            path,
            labels=self.labels,
            view_logits=self.view_logits.astype(np.float32),
            temperature=self.temperature,
            model_version=self.model_version,
        )

    @classmethod
    def load(cls, path: Path) -> Predictions:
        with np.load(path) as saved:
            return cls(
                labels=saved["labels"],
                view_logits=saved["view_logits"].astype(np.float64),
                temperature=float(saved["temperature"]),
                model_version=str(saved["model_version"]),
            )


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


def predict_crops(predictor: Predictor, paths: list[Path], batch: int = 256) -> np.ndarray:
    """[views, N, classes] logits of each image taken as the face crop."""
    chunks = [
        predictor.view_logits(np.stack([resize_square(read_grey(p)) for p in paths[start : start + batch]]))
        for start in range(0, len(paths), batch)
    ]
    return np.concatenate(chunks, axis=1)


def predict_with_detection(predictor: Predictor, paths: list[Path]) -> np.ndarray:
    """The same through the worker's detect-and-crop step (predictor.analyze_grey's); NaN where no face."""
    logits = np.full((predictor.views_per_face, len(paths), NUM_CLASSES), np.nan)
    for i, path in enumerate(paths):
        located = locate_face(read_grey(path))
        if located.crop is not None:
            logits[:, i] = predictor.view_logits(located.crop[None])[:, 0]
    return logits


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


def predict_folder(
    predictor: Predictor, data_dir: Path, *, detect: bool = False, limit: int | None = None
) -> tuple[Predictions, dict[str, int]]:
    items, skipped_folders = collect_images(data_dir, limit)
    paths = [path for path, _ in items]
    logits = predict_with_detection(predictor, paths) if detect else predict_crops(predictor, paths)
    labels = np.asarray([label for _, label in items], dtype=np.int64)
    return Predictions(labels, logits, predictor.temperature, predictor.model_version), skipped_folders


def calibration_errors(predictions: Predictions) -> dict[str, float | None]:
    found = predictions.found
    if not found.any():
        return {"ece": None, "ece_uncalibrated": None}
    labels = predictions.labels[found]
    return {
        "ece": round(expected_calibration_error(predictions.probabilities()[found], labels), 4),
        "ece_uncalibrated": round(
            expected_calibration_error(predictions.probabilities(calibrated=False)[found], labels), 4
        ),
    }


def evaluation_of(predictions: Predictions, skipped_folders: dict[str, int] | None = None) -> EvaluationResult:
    skipped_folders = skipped_folders or {}
    return EvaluationResult(
        **score(predictions.labels.tolist(), predictions.predicted()),
        **calibration_errors(predictions),
        temperature=predictions.temperature,
        skipped=sum(skipped_folders.values()),
        skipped_folders=skipped_folders,
        model_version=predictions.model_version,
    )


def evaluate_folder(
    predictor: Predictor,
    data_dir: Path,
    *,
    detect: bool = False,
    limit: int | None = None,
    save_predictions: Path | None = None,
) -> EvaluationResult:
    predictions, skipped_folders = predict_folder(predictor, data_dir, detect=detect, limit=limit)
    if save_predictions is not None:
        predictions.save(save_predictions)
    return evaluation_of(predictions, skipped_folders)
