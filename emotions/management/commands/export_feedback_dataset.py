"""manage.py export_feedback_dataset DIR

People's "Was this right?" labels as face crops for a later training run: DIR/<class>/feedback_<id>.png
(48×48 greyscale, the layout of ../shared/data/fer2013/train). Only for people with an active research
consent whose raw photo is still kept (PHOTO_RETENTION_DAYS > 0); every other answer is skipped and counted
by reason, and earlier crops that no longer qualify are removed. Rules: emotions/services/feedback_dataset.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from emotions.services.feedback_dataset import (
    NO_FACE_BOX,
    NO_RESEARCH_CONSENT,
    PHOTO_NOT_KEPT,
    PHOTO_UNREADABLE,
    RETENTION_OFF,
    SKIP_REASONS,
    feedback_dataset_export,
)

# What the operator reads for each skip reason.
REASON_WORDS = {
    NO_RESEARCH_CONSENT: "the person has no active research consent",
    RETENTION_OFF: "photo retention is off (PHOTO_RETENTION_DAYS=0)",
    PHOTO_NOT_KEPT: "the raw photo is no longer kept",
    NO_FACE_BOX: "no face box is stored",
    PHOTO_UNREADABLE: "the kept photo could not be read",
}


class Command(BaseCommand):
    help = "Write face crops with people's own labels (research consent and photo retention only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="output folder; one sub-folder per class")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"not a folder: {directory}")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            result = feedback_dataset_export(directory=directory)
        except OSError as exc:
            raise CommandError(f"cannot write into {directory}: {exc.strerror or exc}") from None
        written = sum(result.written.values())
        per_class = ", ".join(f"{name} {count}" for name, count in sorted(result.written.items()))
        self.stdout.write(f"Wrote {written} crops to {directory}" + (f" ({per_class})." if per_class else "."))
        skipped = sum(result.skipped.values())
        self.stdout.write(f"Skipped {skipped} answers: no crop was written for them.")
        for reason in SKIP_REASONS:
            if result.skipped[reason]:
                self.stdout.write(f"  {result.skipped[reason]}: {REASON_WORDS[reason]}")
        if result.removed:
            self.stdout.write(f"Removed {result.removed} earlier crops that no longer qualify.")
