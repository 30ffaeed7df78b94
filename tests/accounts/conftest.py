"""The accounts tests write files (exports, photos for erasure): each test gets its own media folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches

from tests.emotions.conftest import media_root, new_media_files

__all__ = ["media_root", "new_media_files"]


@pytest.fixture
def fresh_rate_limits(db: None) -> Iterator[None]:
    """Rate-limit counters live in the shared cache (a table, or Redis): start and end with none spent."""
    caches["shared"].clear()
    yield
    caches["shared"].clear()
