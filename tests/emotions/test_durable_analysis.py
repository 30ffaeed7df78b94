"""An analysis survives a lost task: the sweep queues stalled rows again, claims stop double work,
a photo that no worker finishes is failed after ANALYSIS_MAX_ATTEMPTS, and a channel's upload is
stored once however often the channel hands it over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from emotions import services, tasks
from emotions.models import PhotoAssessment
from emotions.services import (
    assessment_create,
    assessment_notification_claim,
    assessment_notification_done,
    photo_validate,
)
from tests.emotions import images

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _short_requeue(settings: SettingsWrapper) -> None:
    settings.ANALYSIS_REQUEUE_AFTER_SECONDS = 60
    settings.ANALYSIS_MAX_ATTEMPTS = 3


def _lost_upload(user: User, captured: Callable) -> PhotoAssessment:
    """An upload whose queued task never reached a worker (the on-commit enqueue is dropped)."""
    with captured(execute=False):
        return assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="api")


def test_a_lost_task_is_queued_again_by_the_sweep_and_the_photo_analysed(
    user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    assessment = _lost_upload(user, django_capture_on_commit_callbacks)
    assert assessment.analysis_queued_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_analyses() == 0  # not quiet long enough yet
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.requeue_stalled_analyses() == 1

    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.DONE
    assert assessment.analysis_attempts == 1
    assert assessment.label


def test_a_row_another_worker_started_recently_is_left_to_it(user: User, django_capture_on_commit_callbacks) -> None:
    assessment = _lost_upload(user, django_capture_on_commit_callbacks)
    PhotoAssessment.objects.filter(pk=assessment.pk).update(analysis_started_at=timezone.now(), analysis_attempts=1)

    services.assessment_analyze(assessment_id=assessment.pk)  # a duplicate task

    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.PENDING
    assert assessment.analysis_attempts == 1


def test_a_worker_killed_mid_analysis_leaves_an_attempt_and_the_next_worker_finishes(
    user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    assessment = _lost_upload(user, django_capture_on_commit_callbacks)
    # What a killed worker leaves: its start committed, no result.
    PhotoAssessment.objects.filter(pk=assessment.pk).update(
        analysis_started_at=timezone.now() - timedelta(minutes=5), analysis_attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_analyses() == 1
    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.DONE
    assert assessment.analysis_attempts == 2


def test_a_photo_no_worker_finishes_is_failed_after_the_last_attempt_with_a_message(
    user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    assessment = _lost_upload(user, django_capture_on_commit_callbacks)
    stored = Path(assessment.photo.path)
    PhotoAssessment.objects.filter(pk=assessment.pk).update(
        analysis_started_at=timezone.now() - timedelta(minutes=5), analysis_attempts=3
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stalled_analyses() == 1

    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.FAILED
    assert assessment.error_code == "timed_out"
    assert assessment.error == "The analysis took too long and was stopped. Please send the photo again."
    assert "3 analyses started" in assessment.error_detail
    assert not stored.exists()


def test_a_finished_row_is_not_queued_again(user: User, django_capture_on_commit_callbacks: Callable) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="web")
    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.DONE
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert tasks.requeue_stalled_analyses() == 0
    before = assessment.analyzed_at
    services.assessment_analyze(assessment_id=assessment.pk)  # a late duplicate task
    assessment.refresh_from_db()
    assert assessment.analyzed_at == before
    assert assessment.analysis_attempts == 1


def test_the_same_channel_upload_is_stored_once(user: User, django_capture_on_commit_callbacks: Callable) -> None:
    photo = photo_validate(data=images.face_jpeg())
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = assessment_create(user=user, photo=photo, source="telegram", source_key="42:7")
        again = assessment_create(user=user, photo=photo, source="telegram", source_key="42:7")
    assert again.pk == first.pk
    assert PhotoAssessment.objects.count() == 1
    assert len(queued) == 1  # one analysis queued
    stored = list(Path(first.photo.storage.location).rglob("*.jpg"))
    assert len(stored) == 1


def test_the_notification_is_claimed_by_one_sender_at_a_time(
    user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    # From the API: no channel is registered for that source, so nothing else claims it first.
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="api")
    lease = timedelta(seconds=60)
    assert assessment_notification_claim(assessment_id=assessment.pk, lease=lease) == 1
    assert assessment_notification_claim(assessment_id=assessment.pk, lease=lease) is None
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        # The first sender died: its claim ran out.
        assert assessment_notification_claim(assessment_id=assessment.pk, lease=lease) == 2
    assessment_notification_done(assessment_id=assessment.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert assessment_notification_claim(assessment_id=assessment.pk, lease=lease) is None


def test_a_pending_row_cannot_be_claimed_for_notification(
    user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    assessment = _lost_upload(user, django_capture_on_commit_callbacks)
    assert assessment_notification_claim(assessment_id=assessment.pk, lease=timedelta(seconds=60)) is None


def test_the_sweep_runs_every_minute() -> None:
    schedule = Schedule.objects.get(func="emotions.tasks.requeue_stalled_analyses")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
