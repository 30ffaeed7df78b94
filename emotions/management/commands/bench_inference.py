"""manage.py bench_inference [--images DIR] [--size 1280x960] [--n 200] [--cores N]

Prints one JSON line. Figures go to docs/BENCHMARKS.md, not into unit tests.
The single-photo path runs on one thread, as a worker process runs it; the bulk
figures (batch classification, bulk re-scoring) on `--cores` threads, as
`manage.py reanalyze` runs them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from burnout_site.bench.inference import (
    photos_from_folder,
    random_faces,
    rss_mb,
    synthetic_selfies,
    time_batch_classification,
    time_bulk_analysis,
    time_pipeline,
)
from emotions.ml.model import WeightsError
from emotions.ml.predictor import available_cores
from emotions.predictor import get_predictor
from emotions.services import REANALYZE_CHUNK

SAMPLE_FACES_DIR = settings.BASE_DIR / "tests" / "fixtures" / "faces"


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})", text.strip().lower())
    if not match:
        raise CommandError(f"--size must look like 1280x960, got {text!r}", returncode=2)
    return int(match[1]), int(match[2])


class Command(BaseCommand):
    help = "Time the inference path (one photo on one thread; bulk on all cores) and print one JSON line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--images", type=Path, default=None, help="folder of photos (default: synthetic selfies)")
        parser.add_argument("--size", default="1280x960", help="size of the synthetic selfies")
        parser.add_argument("--n", type=int, default=200, help="number of photos to time")
        parser.add_argument(
            "--cores", type=int, default=available_cores(), help="threads for the bulk figures (default: all)"
        )

    def handle(self, *args: object, **options: object) -> None:
        n, cores = int(options["n"]), int(options["cores"])  # type: ignore[arg-type]
        if n <= 0 or cores <= 0:
            raise CommandError("--n and --cores must be positive", returncode=2)
        size = parse_size(str(options["size"]))
        cv2.setNumThreads(1)  # one core, as a worker process gets
        try:
            predictor = get_predictor(settings.EMOTION_MODEL_PATH, threads=1)
        except WeightsError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        face_files = sorted(SAMPLE_FACES_DIR.glob("*.jpg"))
        try:
            photos = (
                photos_from_folder(options["images"], n)
                if options["images"]
                else synthetic_selfies(face_files, size, n)
            )  # type: ignore[arg-type]
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        result = {"n": n, "size": "x".join(map(str, size)) if not options["images"] else "as-is", "threads": 1}
        result.update(time_pipeline(predictor, photos))
        # A worker's memory: read before the bulk figures, whose larger batches and threads a worker never runs.
        result["rss_mb"] = rss_mb()
        result.update(time_batch_classification(predictor, random_faces(face_files, 256), cores=cores))
        result.update(time_bulk_analysis(predictor, photos, chunk=REANALYZE_CHUNK, cores=cores))
        # Against the single-photo rate: one photo at a time, end to end, on one core.
        single_photo = result["photos_per_s"]
        result["batch_vs_single_photo"] = round(result["batch_faces_per_s"] / single_photo, 2)
        result["batch_all_cores_vs_single_photo"] = round(result["batch_all_cores_faces_per_s"] / single_photo, 2)
        result["bulk_vs_single_photo"] = round(result["bulk_photos_per_s"] / single_photo, 2)
        result["model_version"] = predictor.model_version
        self.stdout.write(json.dumps(result))
