"""Photos and exports in an S3 bucket (MEDIA_STORAGE=s3) on a real SeaweedFS: the same life as on local disk.

Upload through the API, the worker's path reading the photo through the storage API, deletion after the
analysis, retention and its purge, export and erasure: each checked on the bucket's own listing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.storage import Storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import DataExport, User
from accounts.services import data_export_token
from burnout_site.object_storage import bucket_ensure, is_s3
from burnout_site.storage import storage_delete
from emotions.models import PhotoAssessment
from emotions.photos import photo_validate
from emotions.services import assessment_create, photo_purge_expired
from tests.api.conftest import client_for
from tests.emotions import images

pytestmark = pytest.mark.django_db

PHOTOS = "/api/v1/photos/"
Keys = Callable[[Storage], set[str]]


def _upload(user: User, capture: Callable, *, analyse: bool = True) -> PhotoAssessment:
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("me.jpg", images.face_jpeg(images.SAD_FACE), content_type="image/jpeg")
    with capture(execute=analyse):
        response = client_for(user).post(PHOTOS, {"image": image})
    assert response.status_code == 202, response.content
    return PhotoAssessment.objects.get(pk=response.json()["id"])


def test_the_photo_goes_to_the_bucket_and_is_deleted_after_the_analysis(
    s3_media: Storage, bucket_keys: Keys, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    assert is_s3(s3_media)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assessment = _upload(user, django_capture_on_commit_callbacks, analyse=False)
    # Stored in the bucket, nowhere else, before the worker runs.
    assert bucket_keys(s3_media) == {assessment.photo.name}

    with django_capture_on_commit_callbacks(execute=True):  # the worker's own after-commit deletion
        for callback in queued:
            callback()  # the enqueue: Q_SYNC runs the worker's task here, reading the photo through the storage API

    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.DONE
    assert assessment.label and assessment.model_version
    assert not assessment.photo
    assert bucket_keys(s3_media) == set()


def test_retention_keeps_the_photo_in_the_bucket_until_the_purge(
    s3_media: Storage,
    bucket_keys: Keys,
    user: User,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    settings.PHOTO_RETENTION_DAYS = 7
    assessment = _upload(user, django_capture_on_commit_callbacks)
    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.DONE
    assert bucket_keys(s3_media) == {assessment.photo.name}

    # `now` rather than time-machine: the S3 request itself must carry the real time, or its signature is refused.
    with django_capture_on_commit_callbacks(execute=True):
        assert photo_purge_expired(now=timezone.now() + timedelta(days=6)) == 0
        assert photo_purge_expired(now=timezone.now() + timedelta(days=8)) == 1

    assessment.refresh_from_db()
    assert not assessment.photo
    assert bucket_keys(s3_media) == set()


def test_export_reads_the_retained_photo_from_the_bucket_and_stores_the_archive_there(
    s3_media: Storage,
    bucket_keys: Keys,
    client_logged_in: Client,
    user: User,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    settings.PHOTO_RETENTION_DAYS = 7
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))
    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(reverse("accounts:export_request"))
    export = DataExport.objects.get(user=user)
    assert export.status == DataExport.Status.READY
    assert export.file.name in bucket_keys(s3_media)

    response = client_logged_in.get(reverse("accounts:export_download", args=[data_export_token(export=export)]))

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    with s3_media.open(assessment.photo.name, "rb") as stored:
        assert archive.read(f"assessments/{assessment.pk}.jpg") == stored.read()


def test_erasure_deletes_the_photos_and_the_export_from_the_bucket(
    s3_media: Storage,
    bucket_keys: Keys,
    client_logged_in: Client,
    user: User,
    password: str,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    settings.PHOTO_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))
    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(reverse("accounts:export_request"))
    assert len(bucket_keys(s3_media)) == 2  # the retained photo and the export archive

    with django_capture_on_commit_callbacks(execute=True):
        response = client_logged_in.post(reverse("accounts:delete"), {"password": password})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert bucket_keys(s3_media) == set()


def test_bucket_ensure_creates_a_missing_bucket_once(s3_media: Storage, bucket_keys: Keys) -> None:
    s3_media.connection.meta.client.delete_bucket(Bucket=s3_media.bucket_name)  # type: ignore[attr-defined]

    assert bucket_ensure(s3_media) is True
    assert bucket_ensure(s3_media) is False  # idempotent: a second machine starting finds it there
    assert bucket_keys(s3_media) == set()


def test_deleting_a_missing_object_is_no_error(s3_media: Storage, caplog: pytest.LogCaptureFixture) -> None:
    storage_delete(s3_media, "photos/never-stored.jpg")

    assert "could not delete" not in caplog.text
