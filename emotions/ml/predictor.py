"""The production path: image → largest face → crop → ResNet → probabilities.

`get_predictor(path)` loads the weights once per process (the django-q2 worker
keeps it for its lifetime); torch is imported here, never at Django start-up.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from .faces import FaceBox, crop_face, detect_faces
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
    # The calibrated probability of `label` (the largest of `probabilities`), in [0, 1]: among faces given
    # confidence c on public_test-like crops, a share of about c were labelled right (see the model card).
    confidence: float | None = None

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


# An encoded photo, or a function that reads one when its turn comes.
PhotoSource = bytes | Callable[[], bytes]

# Test-time views: the face at these zooms (1.0 = the crop as it is; 1.05 = its central 95%), each also
# mirrored, probabilities averaged. The model was trained with zoom augmentation and is most sure of
# itself on slightly tighter crops; the set was chosen on public_test (see the model card).
VIEW_ZOOMS = (1.0, 1.03, 1.05)
# Faces per network call: bounds the activations' memory (each face is 2·len(VIEW_ZOOMS) images);
# larger batches are no faster on a CPU core.
FACES_PER_CALL = 16


class Predictor:
    def __init__(self, weights_path: str | Path, *, int8: bool = True, zooms: tuple[float, ...] = VIEW_ZOOMS) -> None:
        import torch  # deferred: Django must start without loading torch

        from .model import load_weights
        from .quantize import int8_path_for, int8_supported, load_int8

        self._torch = torch
        checkpoint = load_weights(Path(weights_path))
        self.metadata = checkpoint.metadata
        self.arch = checkpoint.model.config
        self.zooms = zooms
        int8_path = int8_path_for(Path(weights_path))
        # The int8 network when its file is shipped and the CPU backend exists; float32 otherwise.
        self.int8 = int8 and int8_path.is_file() and int8_supported()
        if self.int8:
            int8_network = load_int8(int8_path, checkpoint)
            self._network: Callable[[Any], Any] = int8_network
            # Fitted on the int8 network's own logits (emotions.ml.calibrate).
            self.temperature = int8_network.temperature
            # Results differ (slightly) from the float network's: stored assessments say which one ran.
            self.model_version = f"{checkpoint.model_version}+int8"
        else:
            self._network = checkpoint.model.eval()
            self.temperature = checkpoint.temperature
            self.model_version = checkpoint.model_version

    @property
    def views_per_face(self) -> int:
        return 2 * len(self.zooms)

    def _views(self, x: Any) -> Any:
        """[N, 1, 48, 48] → [2·len(zooms)·N, 1, 48, 48]: every zoom, then every zoom mirrored."""
        torch = self._torch
        zoomed = [x if zoom == 1.0 else _zoom(x, zoom) for zoom in self.zooms]
        views = torch.cat(zoomed)
        return torch.cat([views, torch.flip(views, dims=[3])])

    def classify_faces(self, faces: np.ndarray) -> np.ndarray:
        """[N, 48, 48] uint8 face crops → [N, 7] calibrated probabilities (averaged over the views)."""
        chunks = [
            self._classify_chunk(faces[start : start + FACES_PER_CALL])
            for start in range(0, len(faces), FACES_PER_CALL)
        ]
        return np.concatenate(chunks) if chunks else np.zeros((0, len(CLASSES)), np.float32)

    def view_logits(self, faces: np.ndarray) -> np.ndarray:
        """[N, 48, 48] uint8 face crops → [views, N, 7] raw logits (to fit and measure calibration)."""
        chunks = [
            self._view_logits_chunk(faces[start : start + FACES_PER_CALL]).numpy()
            for start in range(0, len(faces), FACES_PER_CALL)
        ]
        return np.concatenate(chunks, axis=1) if chunks else np.zeros((self.views_per_face, 0, len(CLASSES)))

    def _view_logits_chunk(self, faces: np.ndarray) -> Any:
        torch = self._torch
        x = torch.from_numpy(np.require(faces, np.uint8, ["C", "W"])).float().unsqueeze(1)
        with torch.inference_mode():
            # One batch of all views: cheaper than a call per view on one core.
            logits = self._network(self._views(x))
        return logits.view(-1, len(faces), logits.shape[1])

    def _classify_chunk(self, faces: np.ndarray) -> np.ndarray:
        # The temperature scales each view's logits before its softmax, as emotions.ml.calibration fits it.
        with self._torch.inference_mode():
            return (self._view_logits_chunk(faces) / self.temperature).softmax(2).mean(0).numpy()

    def analyze_grey(self, grey: np.ndarray, scale_back: float = 1.0) -> FaceAnalysis:
        started = time.perf_counter()
        located = locate_face(grey, scale_back)
        probs = self.classify_faces(located.crop[None])[0] if located.crop is not None else None
        return self._analysis(located, probs, _ms_since(started))

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

    def analyze_files(self, sources: Sequence[PhotoSource], *, threads: int = 1) -> list[FaceAnalysis | Exception]:
        """Many encoded photos at once (bulk re-scoring): one result per photo, in order.

        Each photo is read (a source may be a function that reads it, so that only the photos being
        decoded are in memory), decoded and searched for its face in one of `threads` threads (Pillow
        and OpenCV release the GIL). Then all the faces go through the network together, split over
        `threads` cores: large batches keep every core busy, which a single photo's six views cannot.
        A photo that cannot be read or decoded yields its exception instead of stopping the others.
        """
        located = list(_decode_pool(max(1, threads)).map(_locate_in_file, sources))
        found = [item for item in located if isinstance(item, LocatedFace) and item.crop is not None]
        started = time.perf_counter()
        with torch_threads(threads):
            probs = self.classify_faces(np.stack([item.crop for item in found])) if found else []
        # Each face's share of the batch, so a row's elapsed time stays comparable with a single photo's.
        classify_share_ms = _ms_since(started) / max(1, len(found))
        rows = iter(probs)
        return [
            item if isinstance(item, Exception) else self._analysis_of_located(item, rows, classify_share_ms)
            for item in located
        ]

    def _analysis_of_located(self, item: LocatedFace, rows: Iterator[np.ndarray], share_ms: float) -> FaceAnalysis:
        if item.crop is None:
            return self._analysis(item, None, item.elapsed_ms)
        return self._analysis(item, next(rows), item.elapsed_ms + share_ms)

    def _analysis(self, located: LocatedFace, probs: np.ndarray | None, elapsed_ms: float) -> FaceAnalysis:
        if probs is None or located.box is None:
            return FaceAnalysis(0, None, None, None, None, None, self.model_version, elapsed_ms, located.brightness)
        label = CLASSES[int(probs.argmax())]
        return FaceAnalysis(
            faces_found=located.faces_found,
            face_box=tuple(round(v * located.scale_back) for v in located.box.as_tuple()),  # type: ignore[arg-type]
            label=label,
            valence=valence_of(label),
            negativity=round(negativity(probs.tolist()), 6),
            probabilities={name: round(float(p), 6) for name, p in zip(CLASSES, probs, strict=True)},
            model_version=self.model_version,
            elapsed_ms=round(elapsed_ms, 2),
            brightness=located.brightness,
            confidence=round(float(probs.max()), 6),
        )


@dataclass(frozen=True)
class LocatedFace:
    """A decoded photo's largest face, ready for the network (crop None: no face found)."""

    faces_found: int
    box: FaceBox | None
    crop: np.ndarray | None
    brightness: float
    scale_back: float
    elapsed_ms: float = 0.0


def locate_face(grey: np.ndarray, scale_back: float = 1.0) -> LocatedFace:
    """Detect the faces in a greyscale image and crop the largest (boxes in the image's own pixels)."""
    boxes = detect_faces(grey)
    brightness = float(grey.mean()) if grey.size else 0.0
    if not boxes:
        return LocatedFace(0, None, None, brightness, scale_back)
    return LocatedFace(len(boxes), boxes[0], crop_face(grey, boxes[0]), brightness, scale_back)


def _locate_in_file(source: PhotoSource) -> LocatedFace | Exception:
    started = time.perf_counter()
    try:
        grey, scale_back = load_grey(source() if callable(source) else source)
        located = locate_face(grey, scale_back)
    except Exception as exc:  # storage, Pillow and OpenCV raise many kinds; one bad photo of many
        return exc
    return replace(located, elapsed_ms=_ms_since(started))


@lru_cache(maxsize=2)
def _decode_pool(threads: int) -> ThreadPoolExecutor:
    # Kept for the process's lifetime: each thread loads its own face detector once, not once a call.
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="photo-decode")


@contextmanager
def torch_threads(threads: int) -> Iterator[None]:
    """Run the block's network calls on `threads` threads, then restore the process's setting."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(max(1, threads))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _zoom(x: Any, zoom: float) -> Any:
    """The central 1/zoom of each face, scaled back to its size (bilinear, edges repeated)."""
    import torch
    import torch.nn.functional as F

    theta = torch.tensor([[1 / zoom, 0.0, 0.0], [0.0, 1 / zoom, 0.0]]).expand(len(x), 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def available_cores() -> int:
    """The cores this process may run on (a container's CPU set), not every core the host has."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


@lru_cache(maxsize=4)
def get_predictor(weights_path: str | Path, *, threads: int | None = None, int8: bool = True) -> Predictor:
    """One predictor per process, weights file and options.

    One torch thread by default: a worker process handles one photo at a time and
    several worker processes share the cores; more threads would only contend.
    `int8=False` runs the float32 network (to compare, or on a CPU without oneDNN's int8 kernels).
    The library reads no environment: the Django side (emotions/predictor.py) passes the settings.
    """
    import torch

    torch.set_num_threads(threads or 1)
    return Predictor(weights_path, int8=int8)
