"""The Bot API failing with 500, then flood control (429 with retry_after): the result reply goes out exactly
once, no sooner than Telegram asked, and the stored assessment is never touched. And the photo store down
while a photo comes in through the bot: the person is told, nothing is stored.

The acknowledgement failing with 500 and the result's 500 back-off are in test_conversation.py; this adds the
429 that follows, and how long the product waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from burnout_site.object_storage import s3_storage
from burnout_site.seaweedfs import free_port
from emotions.models import PhotoAssessment
from telegram_bridge import tasks
from telegram_bridge.models import TelegramAccount
from tests.emotions import images
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import photo_update

pytestmark = [pytest.mark.django_db, pytest.mark.faults]

FLOOD_WAIT_S = 100


def _results(telegram_api: FakeTelegramAPI) -> list[str]:
    """Every call that carried the result, the refused ones included (the fake records each call it answers)."""
    return [text for text in telegram_api.sent_texts() if text.startswith("Your emotion:")]


def test_a_500_then_a_429_retry_after_sends_the_result_once_after_the_wait(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    content = images.face_jpeg()
    file_id = telegram_api.add_file("photos/flood.jpg", content)
    telegram_api.fail_next("sendMessage", 500, "Internal Server Error")  # the acknowledgement (logged only)
    telegram_api.fail_next("sendMessage", 500, "Internal Server Error")  # the result, first attempt
    post_update(photo_update(file_id, len(content)))
    assessment = PhotoAssessment.objects.get()
    stored = (assessment.status, assessment.label, assessment.probabilities)
    assert assessment.status == PhotoAssessment.Status.DONE and assessment.notified_at is None

    start = timezone.now()
    # Second attempt after the 30 s back-off: flood control answers 429 and asks for FLOOD_WAIT_S.
    telegram_api.fail_next(
        "sendMessage", 429, f"Too Many Requests: retry after {FLOOD_WAIT_S}", retry_after=FLOOD_WAIT_S
    )
    with time_machine.travel(start + timedelta(seconds=45)):
        tasks.resume_unfinished()
    assessment.refresh_from_db()
    waits = (assessment.notify_lease_until - (start + timedelta(seconds=45))).total_seconds()
    assert FLOOD_WAIT_S - 1 <= waits <= FLOOD_WAIT_S + 1  # Telegram's wait, not the shorter 60 s back-off
    assert len(_results(telegram_api)) == 2  # the 500 and the 429, both refused

    # The sweep every minute does not send before the wait is over...
    with time_machine.travel(start + timedelta(seconds=45 + 61)):
        tasks.resume_unfinished()
    assert len(_results(telegram_api)) == 2
    # ...then sends it once, and never again.
    for later in (45 + FLOOD_WAIT_S + 5, 45 + FLOOD_WAIT_S + 65, 45 + FLOOD_WAIT_S + 600):
        with time_machine.travel(start + timedelta(seconds=later)):
            tasks.resume_unfinished()
    assert len(_results(telegram_api)) == 3  # two refused, then the one that went out: exactly one delivered
    assessment.refresh_from_db()
    assert assessment.notified_at is not None and assessment.notify_attempts == 3
    assert (assessment.status, assessment.label, assessment.probabilities) == stored


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "We cannot store your file right now. Nothing was saved: please try again later."),
        ("ru", "Сейчас мы не можем сохранить ваш файл. Ничего не сохранено: попробуйте ещё раз позже."),
    ],
    ids=["en", "ru"],
)
def test_a_photo_while_the_store_is_down_gets_a_try_later_reply_and_stores_nothing(
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    linked: TelegramAccount,
    settings: SettingsWrapper,
    language: str,
    expected: str,
) -> None:
    linked.language = language
    linked.save()
    # The bucket's address answers nothing: what a web process meets while the store is down.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            endpoint_url=f"http://127.0.0.1:{free_port()}",
            bucket="photos",
            access_key="key",
            secret_key="secret",
            region="us-east-1",
            addressing_style="path",
            timeout_seconds=1,
        ),
    }
    content = images.face_jpeg()
    file_id = telegram_api.add_file("photos/store-down.jpg", content)

    response = post_update(photo_update(file_id, len(content), language=language))

    assert response.status_code == 200
    assert telegram_api.sent_texts()[-1] == expected
    assert not PhotoAssessment.objects.exists()
