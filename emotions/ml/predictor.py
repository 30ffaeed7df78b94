"""The production path: image → largest face → crop → ResNet → probabilities.

`get_predictor(path)` loads the weights once per process (the django-q2 worker
keeps it for its lifetime); torch is imported here, never at Django start-up.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from .faces import crop_face, detect_faces
from .labels import CLASSES, negativity, valence_of

# Decoding a JPEG at a reduced scale (libjpeg's DCT scaling) is several times
# cheaper than a full decode, and the face needs far fewer pixels than a phone gives.
DECODE_MIN_SIDE = 640


@dataclass
class FaceAnalysis:
    faces_found: int
    face_box: tuple[int, int, int, int] | None
    label: str | None
    valence: str | None
    negativity: float | None
    probabilities: dict[str, float] | None
    model_version: str
    elapsed_ms: float
    brightness: float

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("brightness")
        data["face_box"] = list(self.face_box) if self.face_box else None
        return data


def load_grey(source: str | Path | bytes, min_side: int = DECODE_MIN_SIDE) -> tuple[np.ndarray, float]:
    """Decode to greyscale (EXIF orientation applied); returns the pixels and the
    factor that maps them back to the original image's pixel coordinates."""
    image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    original_size = image.size
    if image.format == "JPEG":
        # draft() picks the smallest DCT scale that is still at least this size.
        shrink = min(1.0, min_side / max(original_size))
        image.draft("L", (round(original_size[0] * shrink), round(original_size[1] * shrink)))
    image = ImageOps.exif_transpose(image)
    grey = np.asarray(image.convert("L"))
    scale_back = max(original_size) / max(grey.shape)
    return grey, scale_back


class Predictor:
    def __init__(self, weights_path: str | Path, *, flip_tta: bool = True) -> None:
        import torch  # deferred: Django must start without loading torch

        from .model import load_weights

        self._torch = torch
        checkpoint = load_weights(Path(weights_path))
        self.model = checkpoint.model.eval()
        self.model_version = checkpoint.model_version
        self.metadata = checkpoint.metadata
        self.flip_tta = flip_tta

    def classify_faces(self, faces: np.ndarray) -> np.ndarray:
        """[N, 48, 48] uint8 face crops → [N, 7] probabilities (mirror-averaged)."""
        torch = self._torch
        x = torch.from_numpy(np.require(faces, np.uint8, ["C", "W"])).float().unsqueeze(1)
        with torch.inference_mode():
            if self.flip_tta:
                # One batch of both views: cheaper than two calls on one core.
                logits = self.model(torch.cat([x, torch.flip(x, dims=[3])]))
                probs = logits.softmax(1).view(2, len(faces), -1).mean(0)
            else:
                probs = self.model(x).softmax(1)
        return probs.numpy()

    def analyze_grey(self, grey: np.ndarray, scale_back: float = 1.0) -> FaceAnalysis:
        started = time.perf_counter()
        boxes = detect_faces(grey)
        brightness = float(grey.mean()) if grey.size else 0.0
        if not boxes:
            return FaceAnalysis(0, None, None, None, None, None, self.model_version, _ms_since(started), brightness)
        largest = boxes[0]
        probs = self.classify_faces(crop_face(grey, largest)[None])[0]
        label = CLASSES[int(probs.argmax())]
        box = tuple(round(v * scale_back) for v in largest.as_tuple())
        return FaceAnalysis(
            faces_found=len(boxes),
            face_box=box,  # type: ignore[arg-type]
            label=label,
            valence=valence_of(label),
            negativity=round(negativity(probs.tolist()), 6),
            probabilities={name: round(float(p), 6) for name, p in zip(CLASSES, probs, strict=True)},
            model_version=self.model_version,
            elapsed_ms=_ms_since(started),
            brightness=brightness,
        )

    def analyze_image(self, image: Image.Image) -> FaceAnalysis:
        """An already decoded and oriented image (any mode)."""
        return self.analyze_grey(np.asarray(image.convert("L")))

    def analyze_file(self, source: str | Path | bytes) -> FaceAnalysis:
        """A file path or encoded bytes: the fastest path (reduced-scale JPEG decode)."""
        started = time.perf_counter()
        grey, scale_back = load_grey(source)
        analysis = self.analyze_grey(grey, scale_back)
        analysis.elapsed_ms = _ms_since(started)
        return analysis


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


@lru_cache(maxsize=4)
def get_predictor(weights_path: str | Path, *, threads: int | None = None) -> Predictor:
    """One predictor per process and weights file.

    One torch thread by default: a worker process handles one photo at a time and
    several worker processes share the cores; more threads would only contend.
    """
    import torch

    torch.set_num_threads(threads or int(os.environ.get("TORCH_THREADS", "1")))
    return Predictor(weights_path)
