"""Run the production pipeline on one image file and print the result as JSON.

The photo goes through the same validation as an upload (size, format, pixel cap,
EXIF orientation), so the answer is what the product would say about it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from emotions.services import PhotoRejected, photo_validate

# Exit status for input we cannot use (missing file, not an image); 1 stays for other failures.
EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Detect the face in an image, classify its emotion and print one JSON object."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="image file (JPEG, PNG or WebP)")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}", returncode=EXIT_BAD_INPUT) from None
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}", returncode=EXIT_BAD_INPUT) from None
        try:
            photo = photo_validate(data=data)
        except PhotoRejected as rejected:
            raise CommandError(f"{path}: {rejected.message}", returncode=EXIT_BAD_INPUT) from None

        # Imported here: it loads torch, which only this branch needs.
        from emotions.ml.model import WeightsError
        from emotions.predictor import get_predictor

        try:
            predictor = get_predictor(settings.EMOTION_MODEL_PATH)
        except WeightsError as exc:
            raise CommandError(str(exc)) from None
        analysis = predictor.analyze_image(photo.open_image())
        self.stdout.write(json.dumps(analysis.as_dict(), ensure_ascii=False))
