"""What a dead worker leaves in the bot is taken up again: an update is handled after its claim ran
out, a photo message makes one assessment however often it is handled, and each finished photo gets
exactly one result reply, sent by the sweep when the hook never ran."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule
from pytest_django.fixtures import Settings as SettingsWrapper

from emotions.models import PhotoAssessment
from telegram_bridge import tasks
from telegram_bridge.models import ProcessedUpdate, TelegramAccount
from telegram_bridge.services import update_receive
from tests.emotions import images
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import message_update, photo_update

pytestmark = pytest.mark.django_db

RESULT = "Your emotion:"


@pytest.fixture(autouse=True)
def _requeue_after(settings: SettingsWrapper) -> None:
    settings.TELEGRAM_REQUEUE_AFTER_SECONDS = 60
    settings.ANALYSIS_REQUEUE_AFTER_SECONDS = 60


def _results(api: FakeTelegramAPI) -> list[str]:
    return [text for text in api.sent_texts() if text.startswith(RESULT)]


def _later(seconds: int = 61) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds))


def _photo(api: FakeTelegramAPI) -> dict:
    content = images.face_jpeg()
    return photo_update(api.add_file("photos/durable.jpg", content), len(content))


def test_an_update_whose_task_was_lost_is_handled_by_the_sweep(
    telegram_api: FakeTelegramAPI, linked: TelegramAccount, django_capture_on_commit_callbacks: Callable
) -> None:
    update = _photo(telegram_api)
    with django_capture_on_commit_callbacks(execute=False):
        assert update_receive(payload=update)  # stored and answered 200; its task never ran
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.resume_unfinished() == 0  # too early
    with _later(), django_capture_on_commit_callbacks(execute=True):
        assert tasks.resume_unfinished() == 1

    stored = ProcessedUpdate.objects.get(update_id=update["update_id"])
    assert stored.handled_at is not None and stored.payload is None
    assessment = PhotoAssessment.objects.get()
    assert assessment.status == PhotoAssessment.Status.DONE
    assert len(_results(telegram_api)) == 1


def test_a_photo_handled_again_after_a_crash_makes_no_second_assessment_and_one_reply(
    telegram_api: FakeTelegramAPI,
    linked: TelegramAccount,
    post_update: Callable,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    update = _photo(telegram_api)
    post_update(update)
    [assessment] = PhotoAssessment.objects.all()
    assert len(_results(telegram_api)) == 1
    # A worker that died after creating the assessment and before marking the update handled:
    ProcessedUpdate.objects.filter(update_id=update["update_id"]).update(
        handled_at=None, payload=update, attempts=1, claimed_at=timezone.now()
    )
    sent_before = len(telegram_api.sent_texts())
    with _later(), django_capture_on_commit_callbacks(execute=True):
        tasks.resume_unfinished()
        tasks.resume_unfinished()

    assert list(PhotoAssessment.objects.values_list("pk", flat=True)) == [assessment.pk]
    assert telegram_api.sent_texts()[sent_before:] == []  # no second "Got it", no second result
    assert ProcessedUpdate.objects.get(update_id=update["update_id"]).handled_at is not None


def test_an_update_that_kills_every_worker_is_dropped_after_its_attempts(
    telegram_api: FakeTelegramAPI, linked: TelegramAccount, django_capture_on_commit_callbacks: Callable
) -> None:
    update = message_update(text="/help")
    with django_capture_on_commit_callbacks(execute=False):
        update_receive(payload=update)
    ProcessedUpdate.objects.filter(update_id=update["update_id"]).update(
        attempts=3, claimed_at=timezone.now() - timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.resume_unfinished()
    stored = ProcessedUpdate.objects.get(update_id=update["update_id"])
    assert stored.handled_at is not None and stored.payload is None
    assert telegram_api.sent_texts() == []


def test_an_update_whose_handler_raises_is_not_retried_for_ever(
    telegram_api: FakeTelegramAPI,
    linked: TelegramAccount,
    post_update: Callable,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("handler bug")

    monkeypatch.setattr("telegram_bridge.handlers.dispatch._on_message", broken)
    update = message_update(text="/help")
    post_update(update)  # the task fails (django-q2 records the error)
    assert ProcessedUpdate.objects.get(update_id=update["update_id"]).handled_at is not None


def test_a_result_whose_hook_never_ran_is_sent_once_by_the_sweep(
    telegram_api: FakeTelegramAPI,
    linked: TelegramAccount,
    post_update: Callable,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The follow-up task that sends the result died with its worker.
    monkeypatch.setattr("emotions.services.assessments._result_notify", lambda **kwargs: None)
    post_update(_photo(telegram_api))
    assessment = PhotoAssessment.objects.get()
    assert assessment.status == PhotoAssessment.Status.DONE
    assert _results(telegram_api) == []

    tasks.resume_unfinished()
    assert _results(telegram_api) == []  # the hook still has its few seconds
    with _later(20):
        tasks.resume_unfinished()
        tasks.resume_unfinished()
    with _later(3600):
        tasks.resume_unfinished()
    [result] = _results(telegram_api)
    assert "Mix:" in result
    assessment.refresh_from_db()
    assert assessment.notified_at is not None


def test_a_photo_failed_after_its_attempts_is_told_to_the_person(
    telegram_api: FakeTelegramAPI,
    linked: TelegramAccount,
    post_update: Callable,
    django_capture_on_commit_callbacks: Callable,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from emotions import tasks as emotion_tasks

    # Every worker that takes this photo dies: its analysis never runs.
    monkeypatch.setattr("emotions.services.assessments._enqueue_analysis", lambda **kwargs: None)
    post_update(_photo(telegram_api))
    assessment = PhotoAssessment.objects.get()
    PhotoAssessment.objects.filter(pk=assessment.pk).update(
        analysis_attempts=3, analysis_started_at=timezone.now() - timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        emotion_tasks.requeue_stalled_analyses()
    with _later(20):
        tasks.resume_unfinished()
    assert telegram_api.sent_texts()[-1] == "The analysis took too long and was stopped. Please send the photo again."
    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.FAILED
    assert assessment.notified_at is not None


def test_a_result_of_an_unlinked_chat_is_settled_without_a_message(
    telegram_api: FakeTelegramAPI,
    linked: TelegramAccount,
    post_update: Callable,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("emotions.services.assessments._result_notify", lambda **kwargs: None)
    post_update(_photo(telegram_api))
    linked.delete()
    sent = len(telegram_api.sent_texts())
    with _later(20):
        tasks.resume_unfinished()
    assert len(telegram_api.sent_texts()) == sent
    assert PhotoAssessment.objects.get().notified_at is not None


def test_the_sweep_runs_every_minute() -> None:
    schedule = Schedule.objects.get(func="telegram_bridge.tasks.resume_unfinished")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
