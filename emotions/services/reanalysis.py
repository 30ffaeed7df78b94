"""Re-scoring retained photos with the deployed model, in chunks (manage.py reanalyze after an upgrade)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings

from emotions.models import PhotoAssessment
from emotions.services.assessments import _assessment_store_analysis
from emotions.services.retention import _each_locked, _stored_bytes

if TYPE_CHECKING:
    from emotions.ml.predictor import FaceAnalysis, Predictor

logger = logging.getLogger(__name__)


# Photos re-scored together: their faces make one batch (each photo is read only when it is decoded).
REANALYZE_CHUNK = 64


def assessment_reanalyze_all(*, assessment_ids: Sequence[int], threads: int = 1) -> int:
    """Re-score finished assessments whose photos were retained, with the deployed model; returns how many.

    Used after a model upgrade, many photos at a time: each chunk is decoded in parallel and its faces
    go through the network as one batch over `threads` cores. Pending rows belong to the normal path;
    rows without a photo cannot be re-scored; a row already scored by this model version is left alone,
    so re-running a bulk re-score is harmless. A photo that fails keeps its old result.
    """
    from emotions.predictor import get_predictor  # imports torch: never at Django start-up

    predictor = get_predictor(settings.EMOTION_MODEL_PATH)
    ids = list(assessment_ids)
    return sum(
        _reanalyze_chunk(predictor, ids[start : start + REANALYZE_CHUNK], threads)
        for start in range(0, len(ids), REANALYZE_CHUNK)
    )


def _reanalyze_chunk(predictor: Predictor, ids: list[int], threads: int) -> int:
    names = _retained_photo_names(ids)
    storage = PhotoAssessment._meta.get_field("photo").storage
    # Each photo is read by the thread that decodes it: a chunk never holds all its photos in memory.
    sources = [partial(_stored_bytes, storage, name) for name in names.values()]
    analyses: dict[int, FaceAnalysis] = {}
    for pk, outcome in zip(names, predictor.analyze_files(sources, threads=threads), strict=True):
        if isinstance(outcome, Exception):  # unreadable, gone from the storage, not an image any more
            logger.warning("re-scoring assessment %s failed, its old result stays: %r", pk, outcome)
        else:
            analyses[pk] = outcome
    # The model ran outside any transaction; each row is re-checked under its lock before it changes.
    return _each_locked(
        list(analyses),
        lambda a: (
            bool(a.photo)
            and a.status != PhotoAssessment.Status.PENDING
            and a.model_version != analyses[a.pk].model_version[:64]
        ),
        lambda a: _assessment_store_analysis(a, analyses[a.pk]),
    )


def _retained_photo_names(ids: list[int]) -> dict[int, str]:
    """The stored photo names of those finished rows that still keep one, by primary key."""
    rows = PhotoAssessment.objects.rescorable().filter(pk__in=ids).order_by("pk").values_list("pk", "photo")
    return dict(rows)
