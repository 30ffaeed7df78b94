"""The bot keeps the same per-person photo limit as the web form and the API, and says so in words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from burnout_site.rate_limits import photo_upload_take
from emotions.models import PhotoAssessment
from telegram_bridge.models import TelegramAccount
from tests.emotions import images
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import photo_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(db: None) -> Iterator[None]:
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def test_a_photo_beyond_the_limit_gets_a_clear_reply_and_is_not_downloaded_or_stored(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, settings: SettingsWrapper
) -> None:
    settings.PHOTO_UPLOAD_RATE = "2/min"
    # Two photos already sent this minute, on the web page and through the app: the same count.
    photo_upload_take(user_id=linked.user_id)
    photo_upload_take(user_id=linked.user_id)
    content = images.face_jpeg()
    file_id = telegram_api.add_file("photos/limit.jpg", content)

    post_update(photo_update(file_id, len(content)))

    [text] = telegram_api.sent_texts()
    assert re.match(r"^You have sent many photos in a short time\. Please try again in \d+ seconds?\.$", text), text
    assert telegram_api.calls_to("getFile") == []
    assert not PhotoAssessment.objects.exists()


def test_the_reply_is_in_russian(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, settings: SettingsWrapper
) -> None:
    settings.PHOTO_UPLOAD_RATE = "1/hour"
    photo_upload_take(user_id=linked.user_id)
    file_id = telegram_api.add_file("photos/limit-ru.jpg", images.face_jpeg())

    post_update(photo_update(file_id, 1000, language="ru"))

    [text] = telegram_api.sent_texts()
    assert text.startswith("Вы отправили много фото за короткое время. Попробуйте снова через ")
    assert not PhotoAssessment.objects.exists()


def test_a_photo_sent_to_the_bot_counts_on_the_web_page_too(
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    linked: TelegramAccount,
    client_logged_in: Client,
    settings: SettingsWrapper,
) -> None:
    settings.PHOTO_UPLOAD_RATE = "1/min"
    content = images.face_jpeg()
    post_update(photo_update(telegram_api.add_file("photos/counted.jpg", content), len(content)))
    assert PhotoAssessment.objects.filter(user=linked.user).count() == 1

    response = client_logged_in.post(
        reverse("emotions:upload"), {"photo": SimpleUploadedFile("me.jpg", content, content_type="image/jpeg")}
    )

    assert response.status_code == 429
    assert PhotoAssessment.objects.filter(user=linked.user).count() == 1
