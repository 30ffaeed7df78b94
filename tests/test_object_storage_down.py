"""The object store down during an upload: a clear 503 to the person, no orphan row, no orphan object.

A SeaweedFS of this module's own (the session's one keeps serving the other tests) is stopped for real, then
started again on the same data to list what it holds. Marked `faults`: `make test-faults` runs these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from burnout_site.seaweedfs import SeaweedFS
from emotions.models import PhotoAssessment
from emotions.photos import photo_validate
from emotions.services import assessment_analyze, assessment_create
from tests.api.conftest import assert_error, client_for
from tests.conftest import s3_media_on, seaweedfs_server
from tests.emotions import images

pytestmark = [pytest.mark.django_db, pytest.mark.faults]

STORE_DOWN_EN = "We cannot store your file right now. Nothing was saved: please try again later."
STORE_DOWN_RU = "Сейчас мы не можем сохранить ваш файл. Ничего не сохранено: попробуйте ещё раз позже."


@pytest.fixture
def own_store(tmp_path: Path) -> Iterator[SeaweedFS]:
    server = seaweedfs_server(tmp_path / "seaweedfs")
    yield server
    server.stop()


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("me.jpg", images.face_jpeg(), content_type="image/jpeg")


def _stopped_then_restarted(server: SeaweedFS, check: Callable[[], None]) -> None:
    server.stop()
    check()
    server.start(timeout=60)  # same data folder and S3 port: what it holds now is what the uploads left


def test_api_upload_with_the_store_down_is_a_503_and_leaves_nothing(
    own_store: SeaweedFS,
    settings: object,
    user: User,
    bucket_keys: Callable[[Storage], set[str]],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    storage = s3_media_on(own_store, settings)
    api = client_for(user)

    def upload() -> None:
        with django_capture_on_commit_callbacks(execute=True) as queued:
            english = api.post("/api/v1/photos/", {"image": _photo()})
            russian = api.post("/api/v1/photos/", {"image": _photo()}, HTTP_ACCEPT_LANGUAGE="ru")
        assert_error(english, 503, "storage_unavailable", STORE_DOWN_EN)
        assert_error(russian, 503, "storage_unavailable", STORE_DOWN_RU)
        assert queued == []  # nothing queued for a worker

    _stopped_then_restarted(own_store, upload)

    assert not PhotoAssessment.objects.exists()
    assert bucket_keys(storage) == set()
    # And once the store is back, the same upload works.
    assert api.post("/api/v1/photos/", {"image": _photo()}).status_code == 202


def test_web_upload_with_the_store_down_shows_the_form_again_with_the_reason(
    own_store: SeaweedFS, settings: object, client_logged_in: Client
) -> None:
    s3_media_on(own_store, settings)
    own_store.stop()

    response = client_logged_in.post(reverse("emotions:upload"), {"photo": _photo()})

    assert response.status_code == 503
    assert STORE_DOWN_EN in response.content.decode()
    assert not PhotoAssessment.objects.exists()


def test_the_worker_leaves_the_row_pending_while_the_store_is_down(
    own_store: SeaweedFS,
    settings: object,
    user: User,
    bucket_keys: Callable[[Storage], set[str]],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    storage = s3_media_on(own_store, settings)
    with django_capture_on_commit_callbacks(execute=False):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))

    def analyse() -> None:
        # The photo cannot be read: no verdict is stored, the attempt counts, the sweep will queue it again.
        with pytest.raises((BotoCoreError, ClientError)):
            assessment_analyze(assessment_id=assessment.pk)
        assessment.refresh_from_db()
        assert assessment.status == PhotoAssessment.Status.PENDING
        assert assessment.analysis_attempts == 1

    _stopped_then_restarted(own_store, analyse)

    assert bucket_keys(storage) == {assessment.photo.name}  # still there for the next attempt
