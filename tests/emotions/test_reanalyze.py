"""Bulk re-scoring after a model upgrade: only retained photos scored by another version change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from emotions.models import PhotoAssessment
from emotions.services import assessment_create, photo_validate
from tests.emotions import images

pytestmark = pytest.mark.django_db


def analysed(user: User, capture: Callable) -> PhotoAssessment:
    with capture(execute=True):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.astronaut_jpeg()), source="web")
    assessment.refresh_from_db()
    return assessment


def test_reanalyze_rescores_retained_photos_of_an_old_model_version(
    user: User,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.PHOTO_RETENTION_DAYS = 30
    old = analysed(user, django_capture_on_commit_callbacks)
    current_version = old.model_version
    PhotoAssessment.objects.filter(pk=old.pk).update(model_version="older-model", label="sad")
    settings.PHOTO_RETENTION_DAYS = 0
    gone = analysed(user, django_capture_on_commit_callbacks)  # photo deleted: cannot be re-scored
    PhotoAssessment.objects.filter(pk=gone.pk).update(model_version="older-model")

    call_command("reanalyze")

    old.refresh_from_db()
    gone.refresh_from_db()
    assert old.model_version == current_version and old.label == "happy"
    assert gone.model_version == "older-model"
    assert "re-scored 1 of 1" in capsys.readouterr().out


def test_reanalyze_keeps_the_old_result_of_a_photo_that_is_broken_or_gone(
    user: User,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.PHOTO_RETENTION_DAYS = 30
    good, broken, gone = (analysed(user, django_capture_on_commit_callbacks) for _ in range(3))
    current_version = good.model_version
    old_result = {"model_version": "older-model", "label": "sad"}
    PhotoAssessment.objects.filter(pk__in=[good.pk, broken.pk, gone.pk]).update(**old_result)
    Path(broken.photo.path).write_bytes(b"\xff\xd8 no longer a jpeg")
    Path(gone.photo.path).unlink()

    call_command("reanalyze", "--threads", "2")

    rows = PhotoAssessment.objects.in_bulk([good.pk, broken.pk, gone.pk])
    assert (rows[good.pk].model_version, rows[good.pk].label) == (current_version, "happy")
    for pk in (broken.pk, gone.pk):  # nothing lost: the old result stays, the run goes on
        assert (rows[pk].model_version, rows[pk].label, rows[pk].status) == ("older-model", "sad", "done")
    assert "re-scored 1 of 3" in capsys.readouterr().out


def test_reanalyze_refuses_a_thread_count_below_one() -> None:
    with pytest.raises(CommandError, match="--threads must be positive") as error:
        call_command("reanalyze", "--threads", "0")
    assert error.value.returncode == 2


def test_reanalyze_dry_run_changes_nothing(
    user: User,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.PHOTO_RETENTION_DAYS = 30
    row = analysed(user, django_capture_on_commit_callbacks)
    PhotoAssessment.objects.filter(pk=row.pk).update(model_version="older-model")
    call_command("reanalyze", "--dry-run")
    row.refresh_from_db()
    assert row.model_version == "older-model"
    assert "1 assessments would be re-scored" in capsys.readouterr().out
