"""One rating per mood-button message: a second tap, in sequence or at the same moment, stores nothing.

The buttons are removed after the first rating, but a Telegram client can still send a tap on them (the
edit has not arrived yet, two quick taps, another device); the database constraint decides.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import httpx
import pytest
from django.db import connection

from accounts.models import User
from emotions.models import PhotoAssessment, SelfReport
from telegram_bridge.models import TelegramAccount
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import SECRET, TG_USER_ID

pytestmark = pytest.mark.django_db

ALREADY_SAVED = "Your mood for this message is already saved."
SAVED = "Thank you! Your mood is saved."

_ids = itertools.count(8_100_000)


def tap(data: str, *, message_id: int, language: str = "en") -> dict[str, Any]:
    """A tap on a button of the bot's message `message_id` in the person's private chat."""
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": TG_USER_ID, "is_bot": False, "first_name": "Ann", "language_code": language},
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": TG_USER_ID, "type": "private"},
                "text": "How do you feel?",
            },
        },
    }


def _answers(telegram_api: FakeTelegramAPI) -> list[str]:
    return [call.get("text", "") for call in telegram_api.calls_to("answerCallbackQuery")]


def _done_assessment(user: User) -> PhotoAssessment:
    return PhotoAssessment.objects.create(
        user=user, source=PhotoAssessment.Source.TELEGRAM, status=PhotoAssessment.Status.DONE, label="happy"
    )


def test_second_tap_on_the_photo_buttons_stores_nothing(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    assessment = _done_assessment(linked.user)

    post_update(tap(f"mood:{assessment.pk}:4", message_id=501))
    post_update(tap(f"mood:{assessment.pk}:1", message_id=501))

    [report] = SelfReport.objects.all()
    assert (report.mood, report.assessment_id, report.source_key) == (4, assessment.pk, f"{TG_USER_ID}:501")
    assert _answers(telegram_api) == [SAVED, ALREADY_SAVED]
    # The stale buttons go again, so the person is not invited to tap a third time.
    assert len(telegram_api.calls_to("editMessageReplyMarkup")) == 2


def test_second_tap_on_the_mood_command_buttons_stores_nothing_and_another_message_counts(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(tap("mood:0:5", message_id=601))
    post_update(tap("mood:0:2", message_id=601))
    post_update(tap("mood:0:3", message_id=602))  # the next /mood message: a new rating

    assert sorted(SelfReport.objects.values_list("mood", "assessment_id")) == [(3, None), (5, None)]
    assert _answers(telegram_api) == [SAVED, ALREADY_SAVED, SAVED]


def test_already_saved_is_said_in_russian(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(tap("mood:0:5", message_id=701, language="ru"))
    post_update(tap("mood:0:4", message_id=701, language="ru"))
    assert SelfReport.objects.count() == 1
    assert _answers(telegram_api)[-1] == "Настроение по этому сообщению уже сохранено."


def test_a_tap_that_passed_the_check_before_the_other_committed_is_stopped_by_the_database(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    """What two taps at once do: both validate while no rating exists, both insert; the unique
    constraint refuses the second insert (on any database) and the person hears it is already saved."""
    post_update(tap("mood:0:5", message_id=801))
    with mock.patch.object(SelfReport, "validate_constraints"):  # the check saw no rating yet
        post_update(tap("mood:0:1", message_id=801))
    assert list(SelfReport.objects.values_list("mood", flat=True)) == [5]
    assert _answers(telegram_api) == [SAVED, ALREADY_SAVED]


# Real concurrent webhook requests, each handled in its own server thread with its own database connection.
# The in-memory SQLite test database shares one connection between the live server's threads, so this runs
# on PostgreSQL (DATABASE_URL), where the rows and locks are real.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a database with a connection per thread")
def test_two_taps_at_once_through_the_webhook_store_one_rating(
    telegram_api: FakeTelegramAPI, linked: TelegramAccount, live_server: Any
) -> None:
    both_checked = threading.Barrier(2, timeout=20)
    full_clean = SelfReport.full_clean

    def full_clean_then_wait(report: SelfReport, *args: Any, **kwargs: Any) -> None:
        full_clean(report, *args, **kwargs)
        both_checked.wait()  # each request has found no rating; now both insert together

    updates = [tap("mood:0:5", message_id=901), tap("mood:0:2", message_id=901)]

    def post(update: dict[str, Any]) -> int:
        response = httpx.post(
            f"{live_server.url}/telegram/webhook/",
            content=json.dumps(update),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
            timeout=30,
        )
        return response.status_code

    with mock.patch.object(SelfReport, "full_clean", full_clean_then_wait), ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(post, updates))

    assert statuses == [200, 200]
    assert SelfReport.objects.count() == 1
    assert sorted(_answers(telegram_api)) == sorted([SAVED, ALREADY_SAVED])
