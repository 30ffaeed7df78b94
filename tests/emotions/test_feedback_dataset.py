"""manage.py export_feedback_dataset: crops with people's labels only under research consent and photo retention."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import ConsentKind, User
from accounts.services import consent_withdraw
from emotions.ml.faces import FaceBox, crop_face
from emotions.ml.predictor import load_grey
from emotions.models import PhotoAssessment
from emotions.services import assessment_create, assessment_feedback_set, photo_validate
from tests.emotions import images
from tests.factories import UserFactory, grant_consent

pytestmark = pytest.mark.django_db


def _analysed(person: User, capture: Callable) -> PhotoAssessment:
    with capture(execute=True):
        created = assessment_create(user=person, photo=photo_validate(data=images.face_jpeg(images.HAPPY_FACE)))
    assessment = PhotoAssessment.objects.get(pk=created.pk)
    assert assessment.status == "done" and assessment.face_box
    return assessment


def _run(directory: Path) -> str:
    out = io.StringIO()
    call_command("export_feedback_dataset", str(directory), stdout=out)
    return out.getvalue()


def test_crops_only_with_research_consent_and_a_kept_photo(
    tmp_path: Path, settings: SettingsWrapper, django_capture_on_commit_callbacks: Callable
) -> None:
    settings.PHOTO_RETENTION_DAYS = 7
    researcher = UserFactory(consents=[ConsentKind.PROCESSING])
    grant_consent(researcher, ConsentKind.RESEARCH)
    private = UserFactory(consents=[ConsentKind.PROCESSING])
    kept = _analysed(researcher, django_capture_on_commit_callbacks)
    purged = _analysed(researcher, django_capture_on_commit_callbacks)
    PhotoAssessment.objects.filter(pk=purged.pk).update(photo=None)
    theirs = _analysed(private, django_capture_on_commit_callbacks)
    assessment_feedback_set(user=researcher, assessment_id=kept.pk, label="sad")
    assessment_feedback_set(user=researcher, assessment_id=purged.pk, label="happy")
    assessment_feedback_set(user=private, assessment_id=theirs.pk, label="fear")

    out = _run(tmp_path / "set")

    written = sorted(path.relative_to(tmp_path / "set") for path in (tmp_path / "set").rglob("*") if path.is_file())
    assert written == [Path("sad") / f"feedback_{kept.pk}.png"]
    assert f"Wrote 1 crops to {tmp_path / 'set'} (sad 1)." in out
    assert "Skipped 2 answers: no crop was written for them." in out
    assert "1: the person has no active research consent" in out and "1: the raw photo is no longer kept" in out
    with Image.open(tmp_path / "set" / "sad" / f"feedback_{kept.pk}.png") as crop:
        assert (crop.size, crop.mode) == ((48, 48), "L")
        pixels = np.asarray(crop)
    # Framed like the model's own crop: the stored box on the photo at full size, through emotions/ml/faces.py.
    grey, _scale = load_grey(kept.photo.open("rb").read(), min_side=1 << 30)
    assert np.array_equal(pixels, crop_face(grey, FaceBox(*kept.face_box)))

    # The consent withdrawn: the next export removes the crop, so none is kept without it.
    consent_withdraw(user=researcher, kind=ConsentKind.RESEARCH)
    out = _run(tmp_path / "set")
    assert not list((tmp_path / "set").rglob("*.png"))
    assert "Wrote 0 crops" in out and "Skipped 3 answers" in out and "Removed 1 earlier crops" in out


def test_nothing_is_written_with_retention_off(
    tmp_path: Path, settings: SettingsWrapper, django_capture_on_commit_callbacks: Callable
) -> None:
    settings.PHOTO_RETENTION_DAYS = 7
    researcher = UserFactory(consents=[ConsentKind.PROCESSING])
    grant_consent(researcher, ConsentKind.RESEARCH)
    assessment = _analysed(researcher, django_capture_on_commit_callbacks)
    assessment_feedback_set(user=researcher, assessment_id=assessment.pk, label="happy")
    settings.PHOTO_RETENTION_DAYS = 0

    out = _run(tmp_path)

    assert not list(tmp_path.rglob("*.png"))
    assert "1: photo retention is off (PHOTO_RETENTION_DAYS=0)" in out


def test_other_files_in_the_folder_are_left_alone_and_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "happy").mkdir()
    theirs = tmp_path / "happy" / "Training_1.jpg"
    theirs.write_bytes(b"not ours")
    assert "Wrote 0 crops" in _run(tmp_path)
    assert theirs.read_bytes() == b"not ours"
    with pytest.raises(CommandError, match="not a folder"):
        call_command("export_feedback_dataset", str(theirs))
