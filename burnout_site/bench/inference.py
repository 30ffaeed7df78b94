"""Speed of the production path on one thread (decode → detect → crop → classify), and of the
bulk path (batched classification, bulk re-scoring) on several cores.

Times emotions/ml from outside it (the library itself holds no benchmark code) and uses no Django;
`manage.py bench_inference` is the command-line face of it.
"""

from __future__ import annotations

import io
import random
import resource
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from burnout_site.bench.stats import percentile
from emotions.ml.faces import crop_face, detect_faces, resize_square
from emotions.ml.model import multiply_accumulates
from emotions.ml.predictor import Predictor, load_grey, torch_threads

T = TypeVar("T")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"}
FACE_HEIGHT_SHARE = 0.4  # a selfie's face fills roughly this share of the frame height


def synthetic_selfies(face_files: Iterable[Path], size: tuple[int, int], n: int, seed: int = 0) -> list[bytes]:
    """JPEG 'selfies' of the given size: a face (upscaled) on a lit, noisy background."""
    rng = np.random.default_rng(seed)
    faces = [Image.open(path).convert("L") for path in sorted(face_files)]
    if not faces:
        raise ValueError("no face images to build photos from")
    width, height = size
    gradient = np.linspace(60, 200, width, dtype=np.float32)[None, :].repeat(height, 0)
    photos = []
    for i in range(n):
        background = np.clip(gradient + rng.normal(0, 12, (height, width)), 0, 255).astype(np.uint8)
        side = int(height * FACE_HEIGHT_SHARE)
        face = np.asarray(faces[i % len(faces)].resize((side, side), Image.Resampling.BICUBIC))
        x, y = int(rng.integers(0, width - side)), int(rng.integers(0, height - side))
        background[y : y + side, x : x + side] = face
        rgb = Image.fromarray(background).convert("RGB")
        buffer = io.BytesIO()
        rgb.save(buffer, "JPEG", quality=90)
        photos.append(buffer.getvalue())
    return photos


def photos_from_folder(folder: Path, n: int) -> list[bytes]:
    files = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise ValueError(f"no images in {folder}")
    return [files[i % len(files)].read_bytes() for i in range(n)]


def _timed(fn: Callable[[], T], into: list[float]) -> T:
    started = time.perf_counter()
    result = fn()
    into.append((time.perf_counter() - started) * 1000)
    return result


def _p(values: list[float], q: float) -> float:
    value = percentile(values, q)
    return 0.0 if value is None else round(value, 2)


def time_pipeline(predictor: Predictor, photos: list[bytes]) -> dict[str, Any]:
    stages: dict[str, list[float]] = {"decode": [], "detect": [], "crop": [], "classify": []}
    totals: list[float] = []
    found = 0
    predictor.analyze_file(photos[0])  # warm-up: first call allocates the model's buffers
    for photo in photos:
        started = time.perf_counter()
        grey, _ = _timed(lambda photo=photo: load_grey(photo), stages["decode"])
        boxes = _timed(lambda grey=grey: detect_faces(grey), stages["detect"])
        if boxes:
            found += 1
            crop = _timed(lambda grey=grey, box=boxes[0]: crop_face(grey, box), stages["crop"])
            _timed(lambda crop=crop: predictor.classify_faces(crop[None]), stages["classify"])
        totals.append((time.perf_counter() - started) * 1000)
    result: dict[str, Any] = {
        "photos_per_s": round(len(photos) / (sum(totals) / 1000), 1),
        "p50_ms": _p(totals, 50),
        "p95_ms": _p(totals, 95),
    }
    result.update({f"{name}_p50_ms": _p(values, 50) for name, values in stages.items()})
    result["faces_found_share"] = round(found / len(photos), 3)
    return result


def time_batch_classification(
    predictor: Predictor, faces: np.ndarray, *, batch: int = 64, cores: int = 1
) -> dict[str, Any]:
    """Faces per second one at a time vs in batches (bulk re-scoring after a model upgrade).

    Batches are timed on one thread, as a worker runs, and on `cores` threads, as `reanalyze` runs.
    """
    started = time.perf_counter()
    for face in faces:
        predictor.classify_faces(face[None])
    single = len(faces) / (time.perf_counter() - started)
    batched = _batch_faces_per_s(predictor, faces, batch)
    with torch_threads(cores):
        batched_all_cores = _batch_faces_per_s(predictor, faces, batch)
    # How close one core comes to its arithmetic limit: int8 multiply-accumulates per second in batches.
    macs_per_face = multiply_accumulates(predictor.arch) * predictor.views_per_face
    return {
        "network_gmac_per_s_one_core": round(batched * macs_per_face / 1e9, 1),
        "int8_matmul_gmac_per_s_one_core": round(int8_matmul_gmac_per_s(), 1),
        "single_faces_per_s": round(single, 1),
        "batch_faces_per_s": round(batched, 1),
        "batch_size": batch,
        "batch_speedup": round(batched / single, 2),
        "cores": cores,
        "batch_all_cores_faces_per_s": round(batched_all_cores, 1),
    }


def int8_matmul_gmac_per_s(side: int = 2048, repeats: int = 10) -> float:
    """The core's practical int8 limit: one large quantized matrix product (side³ multiply-accumulates)
    through the same oneDNN kernels the network uses, on the current thread setting."""
    import torch
    import torch.ao.nn.quantized as nnq

    layer = nnq.Linear(side, side)
    scales, zero_points = torch.full((side,), 0.01), torch.zeros(side, dtype=torch.long)
    weight = torch.quantize_per_channel(torch.randn(side, side), scales, zero_points, 0, torch.qint8)
    layer.set_weight_bias(weight, torch.zeros(side))
    x = torch.quantize_per_tensor(torch.rand(side, side), 0.01, 0, torch.quint8)
    layer(x)  # warm-up: the first call packs the weights
    started = time.perf_counter()
    for _ in range(repeats):
        layer(x)
    return side**3 * repeats / (time.perf_counter() - started) / 1e9


def _batch_faces_per_s(predictor: Predictor, faces: np.ndarray, batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(faces), batch):
        predictor.classify_faces(faces[start : start + batch])
    return len(faces) / (time.perf_counter() - started)


def time_bulk_analysis(predictor: Predictor, photos: list[bytes], *, chunk: int, cores: int) -> dict[str, Any]:
    """Photos per second through the bulk path `reanalyze` takes: decode and detect in parallel, batched network."""
    started = time.perf_counter()
    for start in range(0, len(photos), chunk):
        predictor.analyze_files(photos[start : start + chunk], threads=cores)
    return {"bulk_photos_per_s": round(len(photos) / (time.perf_counter() - started), 1)}


def rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def random_faces(face_files: Iterable[Path], n: int, seed: int = 0) -> np.ndarray:
    files = sorted(face_files)
    rng = random.Random(seed)
    crops = [resize_square(np.asarray(Image.open(rng.choice(files)).convert("L"))) for _ in range(n)]
    return np.stack(crops)
