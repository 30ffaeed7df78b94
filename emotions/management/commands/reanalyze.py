"""manage.py reanalyze [--dry-run] [--threads N]: re-score retained photos after a new model version lands.

Each assessment keeps the model version that produced it; only rows scored by
another version, whose raw photo is still retained, are re-scored. Photos go
through the model many at a time over all the machine's cores (bulk re-scoring
is throughput work, unlike the worker's one photo at a time on one core).
"""

from __future__ import annotations

import cv2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from emotions.ml.model import WeightsError
from emotions.ml.predictor import available_cores
from emotions.models import PhotoAssessment
from emotions.predictor import get_predictor
from emotions.services import assessment_reanalyze_all


class Command(BaseCommand):
    help = "Re-score assessments whose photos were retained with the deployed emotion model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count what would be re-scored")
        parser.add_argument(
            "--threads",
            type=int,
            default=available_cores(),
            help="cores for decoding and the network (default: all; fewer leaves room for live traffic)",
        )

    def handle(self, *args: object, **options: object) -> None:
        threads = int(options["threads"])  # type: ignore[arg-type]
        if threads <= 0:
            raise CommandError("--threads must be positive", returncode=2)
        # Detection runs in `threads` decode threads, each on one core: --threads bounds the cores used.
        cv2.setNumThreads(1)
        try:
            version = get_predictor(settings.EMOTION_MODEL_PATH).model_version[:64]
        except WeightsError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        ids = list(
            PhotoAssessment.objects.rescorable()
            .exclude(model_version=version)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if options["dry_run"]:
            self.stdout.write(f"{len(ids)} assessments would be re-scored with {version}")
            return
        changed = assessment_reanalyze_all(assessment_ids=ids, threads=threads)
        self.stdout.write(f"re-scored {changed} of {len(ids)} assessments with {version}")
