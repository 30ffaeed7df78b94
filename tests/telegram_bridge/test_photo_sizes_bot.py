"""A photo the JPEG re-encode cannot write, sent to the bot: the person reads why, and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from emotions.models import PhotoAssessment
from telegram_bridge.models import ProcessedUpdate, TelegramAccount
from tests.emotions import images
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import message_update

pytestmark = pytest.mark.django_db

WIDE_MESSAGE = (
    "The image is too long or too wide (100000 x 48 pixels). Please send a photo at most 65500 pixels on each side."
)


def test_a_side_longer_than_jpeg_allows_is_answered_with_the_rejection(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, media_root: Path
) -> None:
    content = images.wide_png()
    file_id = telegram_api.add_file("documents/wide.png", content)
    document = {
        "file_id": file_id,
        "file_unique_id": "w",
        "file_name": "wide.png",
        "mime_type": "image/png",
        "file_size": len(content),
    }
    update = message_update(document=document)
    response = post_update(update)

    assert response.status_code == 200
    assert telegram_api.sent_texts() == [WIDE_MESSAGE]
    assert not PhotoAssessment.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]
    assert ProcessedUpdate.objects.get(update_id=update["update_id"]).handled_at is not None
