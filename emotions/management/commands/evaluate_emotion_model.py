"""manage.py evaluate_emotion_model DATA_DIR [--detect] [--limit N] [--save-predictions FILE.npz]

The last line of output is one JSON object (others script against it): accuracy, per-class recall,
confusion matrix, negative-vs-rest accuracy, and the calibration error with and without the temperature.
`--save-predictions` keeps every image's view logits for `python -m emotions.ml.report` (the model card's
figures), so the figures come from this very evaluation.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from emotions.ml.evaluate import DatasetError, evaluate_folder
from emotions.ml.model import WeightsError
from emotions.ml.predictor import available_cores
from emotions.predictor import get_predictor


class Command(BaseCommand):
    help = "Accuracy of the emotion model on DATA_DIR/<class>/<image> folders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("data_dir", type=Path)
        parser.add_argument("--detect", action="store_true", help="run the full path: detect, crop, classify")
        parser.add_argument("--limit", type=int, default=None, help="evaluate a seeded sample of N images")
        parser.add_argument("--weights", type=Path, default=None, help="weights file (default: the deployed one)")
        parser.add_argument(
            "--save-predictions", type=Path, default=None, help="write the view logits (.npz) for emotions.ml.report"
        )

    def handle(self, *args: object, **options: object) -> None:
        limit = options["limit"]
        if limit is not None and limit <= 0:  # type: ignore[operator]
            raise CommandError("--limit must be a positive number", returncode=2)
        try:
            # Evaluation is a batch job: every core helps, unlike in the worker.
            predictor = get_predictor(options["weights"] or settings.EMOTION_MODEL_PATH, threads=available_cores())
            result = evaluate_folder(
                predictor,
                options["data_dir"],  # type: ignore[arg-type]
                detect=bool(options["detect"]),
                limit=limit,  # type: ignore[arg-type]
                save_predictions=options["save_predictions"],  # type: ignore[arg-type]
            )
        except (DatasetError, WeightsError, OSError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(json.dumps(result.as_dict()))
