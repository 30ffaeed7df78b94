"""The analysis slice with the real model and the real haarcascade: create → enqueue → worker task → row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from django_q.models import Schedule
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from emotions import services, tasks
from emotions.ml.labels import CLASSES
from emotions.models import PhotoAssessment
from emotions.services import assessment_create, photo_validate
from tests.emotions import images

RETAKE = "Face the camera in good light, with your whole face in the frame and no sunglasses."

pytestmark = pytest.mark.django_db


@pytest.fixture
def create(user: User, django_capture_on_commit_callbacks: Callable) -> Callable[[bytes], PhotoAssessment]:
    """Upload bytes as `user` the way a channel does; the on-commit enqueue runs the task (Q sync)."""

    def run(data: bytes) -> PhotoAssessment:
        with django_capture_on_commit_callbacks(execute=True):
            assessment = assessment_create(user=user, photo=photo_validate(data=data), source="web")
            stored = Path(assessment.photo.path)
            assert stored.is_file()
        assessment.refresh_from_db()
        assessment.stored_path = stored  # type: ignore[attr-defined]
        return assessment

    return run


@pytest.mark.parametrize("make_photo", [images.face_jpeg, images.astronaut_jpeg], ids=["fer-face", "astronaut"])
def test_real_face_is_analysed_and_the_photo_deleted(create: Callable, make_photo: Callable[[], bytes]) -> None:
    assessment = create(make_photo())

    assert assessment.status == PhotoAssessment.Status.DONE, assessment.error_detail
    assert set(assessment.probabilities) == set(CLASSES)
    assert sum(assessment.probabilities.values()) == pytest.approx(1.0, abs=1e-3)
    assert assessment.label in CLASSES
    assert assessment.label == max(assessment.probabilities, key=assessment.probabilities.get)
    assert assessment.valence in {"positive", "neutral", "negative"}
    negative = sum(assessment.probabilities[name] for name in ("angry", "disgust", "fear", "sad"))
    assert assessment.negativity == pytest.approx(negative, abs=1e-3)
    assert assessment.faces_found >= 1
    x, y, w, h = assessment.face_box
    assert w > 48 and h > 48 and x >= 0 and y >= 0
    assert assessment.model_version and assessment.model_version != "demo"
    assert assessment.analyzed_at is not None
    assert assessment.error == ""
    # The privacy default: the raw photo is gone, from the row and from the disk.
    assert not assessment.photo
    assert assessment.photo_delete_after is None
    assert not assessment.stored_path.exists()


def test_retention_keeps_the_photo_until_the_purge(
    create: Callable, settings: SettingsWrapper, django_capture_on_commit_callbacks: Callable
) -> None:
    settings.PHOTO_RETENTION_DAYS = 7
    assessment = create(images.face_jpeg())

    assert assessment.status == PhotoAssessment.Status.DONE
    assert assessment.photo
    assert assessment.stored_path.exists()
    expected = timezone.now() + timedelta(days=7)
    assert abs(assessment.photo_delete_after - expected) < timedelta(minutes=1)

    assert services.photo_purge_expired(now=timezone.now() + timedelta(days=6)) == 0
    assert assessment.stored_path.exists()

    # The file is deleted on commit: run the callbacks as the commit would.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.photo_purge_expired(now=timezone.now() + timedelta(days=8)) == 1
    assessment.refresh_from_db()
    assert not assessment.photo
    assert assessment.photo_delete_after is None
    assert not assessment.stored_path.exists()
    # The result stays.
    assert assessment.status == PhotoAssessment.Status.DONE
    assert assessment.probabilities


def test_second_run_changes_nothing_and_does_not_run_the_model(
    create: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment = create(images.face_jpeg())
    before = model_to_dict(assessment)

    def explode(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model must not run for a finished assessment")

    monkeypatch.setattr("emotions.predictor.get_predictor", explode)
    assert tasks.analyze_assessment(assessment.pk) == assessment.pk
    assessment.refresh_from_db()
    assert model_to_dict(assessment) == before


def test_task_for_a_deleted_row_returns_quietly() -> None:
    assert tasks.analyze_assessment(987654321) is None
    assert services.assessment_analyze(assessment_id=987654321) is None


def test_no_face_tells_how_to_retake(create: Callable) -> None:
    assessment = create(images.gradient_jpeg())

    assert assessment.status == PhotoAssessment.Status.NO_FACE
    assert assessment.faces_found == 0
    assert assessment.probabilities is None
    assert assessment.label == ""
    assert assessment.error_code == "no_face"
    assert assessment.error == f"We could not find a face in this photo. {RETAKE}"
    assert assessment.user_message() == assessment.error
    assert not assessment.stored_path.exists()


def test_dark_photo_without_face_says_it_is_too_dark(create: Callable) -> None:
    assessment = create(images.gradient_jpeg(dark=True))

    assert assessment.status == PhotoAssessment.Status.NO_FACE
    assert assessment.error_code == "too_dark"
    assert assessment.error == f"The photo is too dark to find a face. {RETAKE}"


def test_missing_weights_fail_with_a_reason(create: Callable, settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.EMOTION_MODEL_PATH = tmp_path / "missing.pt"
    assessment = create(images.face_jpeg())

    assert assessment.status == PhotoAssessment.Status.FAILED
    assert assessment.error_code == "model_unavailable"
    assert assessment.error == "The emotion model is not available right now. Please try again later."
    assert "WeightsMissingError" in assessment.error_detail
    assert not assessment.stored_path.exists()


def test_any_exception_in_the_model_fails_the_row(create: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def analyze_file(self, source: object) -> None:
            raise RuntimeError("CUDA on fire")

    monkeypatch.setattr("emotions.predictor.get_predictor", lambda path: Broken())
    assessment = create(images.face_jpeg())

    assert assessment.status == PhotoAssessment.Status.FAILED
    assert assessment.error_code == "analysis_error"
    assert assessment.error == "Something went wrong while analysing this photo. Please try again later."
    assert "CUDA on fire" in assessment.error_detail
    assert not assessment.stored_path.exists()


def test_photo_missing_on_disk_fails_the_row(user: User) -> None:
    assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="web")
    Path(assessment.photo.path).unlink()

    services.assessment_analyze(assessment_id=assessment.pk)
    assessment.refresh_from_db()

    assert assessment.status == PhotoAssessment.Status.FAILED
    assert assessment.error_code == "photo_missing"
    assert assessment.error == "The photo was lost before it could be analysed. Please send it again."


def test_stale_pending_rows_are_failed(user: User, django_capture_on_commit_callbacks: Callable) -> None:
    assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="web")
    stored = Path(assessment.photo.path)
    fresh = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="web")
    PhotoAssessment.objects.filter(pk=assessment.pk).update(created_at=timezone.now() - timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.fail_stale_assessments() == 1

    assessment.refresh_from_db()
    fresh.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.FAILED
    assert assessment.error_code == "timed_out"
    assert assessment.error == "The analysis took too long and was stopped. Please send the photo again."
    assert not stored.exists()
    assert fresh.status == PhotoAssessment.Status.PENDING


def test_error_message_follows_the_users_language(create: Callable, user: User) -> None:
    user.language = "ru"
    user.save(update_fields=["language"])
    assessment = create(images.gradient_jpeg())
    assert assessment.status == PhotoAssessment.Status.NO_FACE
    assert assessment.error.startswith("Нам не удалось найти лицо на этом фото.")


def test_create_enqueues_only_after_commit(user: User, django_capture_on_commit_callbacks: Callable) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="telegram")
    assert assessment.status == PhotoAssessment.Status.PENDING
    assert assessment.source == "telegram"
    assert assessment.photo.name.startswith("photos/") and assessment.photo.name.endswith(".jpg")
    assert len(callbacks) == 1


def test_invalid_source_writes_no_file(user: User, new_media_files: Callable) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="fax")
    assert not new_media_files()
    assert not PhotoAssessment.objects.exists()


def test_periodic_jobs_are_scheduled() -> None:
    assert Schedule.objects.filter(func="emotions.tasks.purge_expired_photos", schedule_type=Schedule.DAILY).exists()
    assert Schedule.objects.filter(func="emotions.tasks.fail_stale_assessments", schedule_type=Schedule.HOURLY).exists()
