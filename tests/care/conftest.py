"""The accounts tests write files (exports, photos for erasure): each test gets its own media folder."""

from __future__ import annotations

from tests.emotions.conftest import media_root, new_media_files

__all__ = ["media_root", "new_media_files"]
