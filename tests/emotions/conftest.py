"""Fixtures for the emotions tests: media clean-up and upload helpers.

Users and logged-in clients come from tests/conftest.py (`user`, `client_logged_in`).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings as SettingsWrapper


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture(autouse=True)
def media_root(settings: SettingsWrapper) -> Iterator[Path]:
    """Each test writes into its own folder inside the test MEDIA_ROOT (.test-media), removed afterwards.

    Its own folder, so that the clean-up never touches files of another test run sharing the checkout.
    """
    root = Path(settings.MEDIA_ROOT) / f"emotions-{uuid.uuid4().hex}"
    settings.MEDIA_ROOT = root  # default_storage follows the setting_changed signal
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def new_media_files(media_root: Path) -> Callable[[], set[Path]]:
    """A function that lists the files written under this test's MEDIA_ROOT."""
    return media_files


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
