"""Deleting stored files (raw photos, data exports): the one helper every app uses.

Called after the commit that dropped the row naming the file (`transaction.on_commit`), so a rolled-back
transaction never leaves a row pointing to a deleted file. A file that cannot be deleted is logged, never
raised: the row is gone already, and the person's request must not fail for it.
"""

from __future__ import annotations

import logging

from django.core.files.storage import Storage

logger = logging.getLogger(__name__)


def storage_delete(storage: Storage, name: str) -> None:
    """Delete `name` from `storage`; a failure is logged with its traceback. Positional, for `partial(...)`."""
    try:
        storage.delete(name)
    except OSError:
        logger.warning("could not delete file %s", name, exc_info=True)
