"""People's "Was this right?" labels as training data: face crops in the training folder layout.

A crop is written only for a person with an active research consent whose raw photo is still kept (photo
retention on: PHOTO_RETENTION_DAYS > 0, and the photo not yet purged). Every other answer is skipped and
counted by reason; no crop of it is written, and crops this export wrote earlier that no longer qualify (a
consent withdrawn, an answer withdrawn, a photo purged) are removed, so the folder never keeps one.
Layout: DIR/<class>/feedback_<assessment id>.png, 48×48 greyscale, framed as emotions/ml/faces.py frames
the faces the model reads (the same layout as ../shared/data/fer2013/train).
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from accounts.models import ConsentKind
from accounts.selectors import consent_is_active
from emotions.ml.labels import CLASSES
from emotions.models import AssessmentFeedback

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

# Our own files in the class folders: the only ones an export removes or replaces.
CROP_PREFIX = "feedback_"

# Skip reasons, in the order the command reports them.
NO_RESEARCH_CONSENT = "no_research_consent"
RETENTION_OFF = "photo_retention_off"
PHOTO_NOT_KEPT = "photo_not_kept"
NO_FACE_BOX = "no_face_box"
PHOTO_UNREADABLE = "photo_unreadable"
SKIP_REASONS = (NO_RESEARCH_CONSENT, RETENTION_OFF, PHOTO_NOT_KEPT, NO_FACE_BOX, PHOTO_UNREADABLE)


@dataclass
class FeedbackDatasetResult:
    written: Counter[str] = field(default_factory=Counter)  # class -> crops written
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> answers without a crop
    removed: int = 0  # earlier crops that no longer qualify


def feedback_dataset_export(*, directory: Path) -> FeedbackDatasetResult:
    """Write the crop of every qualifying answer under `directory`; remove our crops that no longer qualify."""
    result = FeedbackDatasetResult()
    wanted: set[Path] = set()
    consented: dict[int, bool] = {}
    rows = AssessmentFeedback.objects.select_related("assessment", "assessment__user").order_by("assessment_id")
    for feedback in rows:
        person = feedback.assessment.user
        if person.pk not in consented:
            consented[person.pk] = consent_is_active(user=person, kind=ConsentKind.RESEARCH)
        reason = _skip_reason(feedback, consented=consented[person.pk])
        crop = None
        if reason is None:
            crop = _crop(feedback)
            reason = PHOTO_UNREADABLE if crop is None else None
        if reason is not None:
            result.skipped[reason] += 1
            continue
        target = directory / feedback.label / f"{CROP_PREFIX}{feedback.assessment_id}.png"
        _write_png(target, crop)
        wanted.add(target)
        result.written[feedback.label] += 1
    result.removed = _remove_stale(directory, keep=wanted)
    return result


def _skip_reason(feedback: AssessmentFeedback, *, consented: bool) -> str | None:
    if not consented:
        return NO_RESEARCH_CONSENT
    if settings.PHOTO_RETENTION_DAYS <= 0:
        return RETENTION_OFF
    if not feedback.assessment.photo:
        return PHOTO_NOT_KEPT
    box = feedback.assessment.face_box
    if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) and v >= 0 for v in box)):
        return NO_FACE_BOX
    return None


def _crop(feedback: AssessmentFeedback) -> np.ndarray | None:
    # emotions.ml pulls in OpenCV (and torch through the model module): imported for this command only,
    # never at Django start-up.
    from emotions.ml.faces import FaceBox, crop_face
    from emotions.ml.predictor import load_grey

    assessment = feedback.assessment
    try:
        with assessment.photo.open("rb") as stored:
            data = stored.read()
        # The stored face box is in the photo's own pixels: decode at full size (no JPEG draft scaling).
        grey, _scale = load_grey(data, min_side=1 << 30)
        x, y, w, h = assessment.face_box
        if w <= 0 or h <= 0:
            return None
        return crop_face(grey, FaceBox(x, y, w, h))
    except (OSError, ValueError) as exc:
        logger.warning("feedback dataset: photo of assessment %s unreadable: %r", assessment.pk, exc)
        return None


def _write_png(target: Path, crop: np.ndarray) -> None:
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.fromarray(crop, mode="L").save(buffer, format="PNG")
    # Whole files only: a training run reading the folder meanwhile never sees half a PNG.
    partial = target.with_suffix(".png.tmp")
    partial.write_bytes(buffer.getvalue())
    partial.replace(target)


def _remove_stale(directory: Path, *, keep: set[Path]) -> int:
    removed = 0
    for name in CLASSES:
        for path in (directory / name).glob(f"{CROP_PREFIX}*.png"):
            if path not in keep:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
