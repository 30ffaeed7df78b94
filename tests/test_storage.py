"""The one file-deletion helper (burnout_site/storage.py) that photos and data exports both use."""

from __future__ import annotations

import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from burnout_site.storage import storage_delete


def test_the_file_is_deleted(tmp_path: object) -> None:
    storage = FileSystemStorage(location=str(tmp_path))
    name = storage.save("photo.jpg", ContentFile(b"x"))

    storage_delete(storage, name)

    assert not storage.exists(name)


def test_a_failure_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(Storage):
        def delete(self, name: str) -> None:
            raise PermissionError("read-only")

    with caplog.at_level(logging.WARNING, logger="burnout_site.storage"):
        storage_delete(Broken(), "exports/1.zip")

    assert "could not delete file exports/1.zip" in caplog.text
