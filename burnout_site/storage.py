"""Stored files (raw photos, data exports): the one place that writes and deletes them, whatever the storage.

The storage is STORAGES["default"]: the local MEDIA_ROOT, or an S3-compatible bucket (MEDIA_STORAGE=s3,
burnout_site/object_storage.py). Callers only use Django's storage API, so the same code runs on both.

Deletion runs after the commit that dropped the row naming the file (`transaction.on_commit`), so a
rolled-back transaction never leaves a row pointing to a deleted file. A file that cannot be deleted is
logged, never raised: the row is gone already, and the person's request must not fail for it.
"""

from __future__ import annotations

import logging

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal

logger = logging.getLogger(__name__)

STORAGE_UNAVAILABLE_MESSAGE = _("We cannot store your file right now. Nothing was saved: please try again later.")


class StorageUnavailable(Refusal):
    """The file store refused or did not answer: nothing was stored, the person may send the file again."""

    def __init__(self) -> None:
        super().__init__("storage_unavailable", str(STORAGE_UNAVAILABLE_MESSAGE))


def storage_save(field_file: FieldFile, name: str, content: File) -> None:
    """Write `content` into `field_file` (the row is saved by the caller); StorageUnavailable when the store fails.

    Any error of the store counts (a full disk is an OSError, an S3 outage a botocore error, a refused
    credential a ClientError): none of them is the person's fault, and each leaves nothing behind, as an S3
    PUT either stores the whole object or none of it.
    """
    try:
        field_file.save(name, content, save=False)
    except Exception as exc:
        # The type and the storage only: a botocore message names the endpoint and bucket, never a credential,
        # but the text is not needed to act.
        logger.error("could not store %s in %s: %s", name, type(field_file.storage).__name__, type(exc).__name__)
        raise StorageUnavailable from exc


def storage_delete(storage: Storage, name: str) -> None:
    """Delete `name` from `storage`; a failure is logged with its traceback. Positional, for `partial(...)`.

    Any exception: an S3 outage raises botocore's errors, which are not OSError. Deleting a name that is
    already gone is no error on either storage.
    """
    try:
        storage.delete(name)
    except Exception:
        logger.warning("could not delete file %s", name, exc_info=True)
