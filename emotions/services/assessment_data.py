"""An assessment's personal data: consent withdrawal, export and erasure (registered in emotions.apps)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction

from accounts.services import task_queue_forget
from burnout_site.storage import storage_delete
from emotions.models import PhotoAssessment
from emotions.services.assessments import ANALYZE_TASK, _assessment_stop_for_withdrawal
from emotions.services.retention import _each_locked, _purge

if TYPE_CHECKING:
    from accounts.models import User


def assessment_stop_for_user(*, user: User) -> int:
    """On withdrawal of processing consent: fail the pending analyses and drop every retained photo.

    The results already computed stay (the person may still export them, or erase them with the account).
    """
    pending = list(
        PhotoAssessment.objects.filter(user=user, status=PhotoAssessment.Status.PENDING).values_list("pk", flat=True)
    )
    stopped = _each_locked(
        pending, lambda a: a.status == PhotoAssessment.Status.PENDING, _assessment_stop_for_withdrawal
    )
    retained = list(PhotoAssessment.objects.with_retained_photo().filter(user=user).values_list("pk", flat=True))
    _each_locked(retained, lambda a: bool(a.photo), _purge)
    task_queue_forget(func=ANALYZE_TASK, ids=pending)
    return stopped


def assessment_export_rows(*, user: User) -> list[dict[str, object]]:
    return [
        {
            "id": row.pk,
            "source": row.source,
            "captured_at": row.captured_at,
            "status": row.status,
            "label": row.label,
            "valence": row.valence,
            # The photo's negative tone (summed probability of the negative classes); the key stays as published.
            "negativity": row.negativity,
            "confidence": row.confidence,
            "confidence_level": row.confidence_level or "",
            "confidence_calibrated": row.confidence_calibrated,
            "probabilities": row.probabilities,
            "faces_found": row.faces_found,
            "face_box": row.face_box,
            "model_version": row.model_version,
            "error": row.user_message(),
            "photo_retained": bool(row.photo),
        }
        for row in PhotoAssessment.objects.filter(user=user).order_by("captured_at", "id")
    ]


def assessment_export_files(*, user: User) -> list[tuple[str, object]]:
    rows = PhotoAssessment.objects.with_retained_photo().filter(user=user)
    return [(f"{row.pk}.{row.photo.name.rsplit('.', 1)[-1]}", row.photo) for row in rows]


def assessment_erase_for_user(*, user: User) -> None:
    """Erasure: every assessment of the person, its photo file and its queued or recorded analysis task."""
    rows = list(PhotoAssessment.objects.filter(user=user).only("id", "photo"))
    task_queue_forget(func=ANALYZE_TASK, ids=[row.pk for row in rows])
    for row in rows:
        if row.photo:
            transaction.on_commit(partial(storage_delete, row.photo.storage, row.photo.name))
    PhotoAssessment.objects.filter(user=user).delete()
