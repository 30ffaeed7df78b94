"""The raw photo's file: kept for PHOTO_RETENTION_DAYS or deleted after the analysis, read back, purged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from burnout_site.storage import storage_delete
from emotions.models import PhotoAssessment


def _photo_release(assessment: PhotoAssessment) -> None:
    """Apply the retention rule to an assessment whose analysis is over (saved by the caller)."""
    if not assessment.photo:
        return
    days = settings.PHOTO_RETENTION_DAYS
    if days > 0:
        assessment.photo_delete_after = timezone.now() + timedelta(days=days)
        return
    _photo_forget(assessment)


def _photo_forget(assessment: PhotoAssessment) -> None:
    name = assessment.photo.name
    storage = assessment.photo.storage
    assessment.photo = None
    assessment.photo_delete_after = None
    # After the commit: a rolled-back transaction must not leave a row pointing to a deleted file.
    transaction.on_commit(partial(storage_delete, storage, name))


def photo_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the raw photos whose retention period is over; returns how many were deleted."""
    now = now or timezone.now()
    due = PhotoAssessment.objects.filter(photo_delete_after__lte=now).values_list("pk", flat=True)
    return _each_locked(list(due), lambda a: a.photo_delete_after is not None and a.photo_delete_after <= now, _purge)


def _purge(assessment: PhotoAssessment) -> None:
    if assessment.photo:
        _photo_forget(assessment)
    assessment.photo_delete_after = None


def _each_locked(
    ids: list[int],
    still_applies: Callable[[PhotoAssessment], bool],
    change: Callable[[PhotoAssessment], None],
) -> int:
    """Apply `change` to each row in its own short transaction, re-checked under the row lock."""
    changed = 0
    for pk in ids:
        with transaction.atomic():
            assessment = PhotoAssessment.objects.select_for_update().filter(pk=pk).first()
            if assessment is None or not still_applies(assessment):
                continue
            change(assessment)
            assessment.full_clean()
            assessment.save()
            changed += 1
    return changed


def _stored_bytes(storage: Storage, name: str) -> bytes:
    with storage.open(name, "rb") as stored:
        return stored.read()
