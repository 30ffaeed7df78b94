"""Download my data: built by a task, a signed link that only the owner can open and that expires."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import AuditEvent, DataExport, User
from accounts.services import data_export_purge_expired, data_export_token
from emotions.services import assessment_create, photo_validate
from tests.conftest import link_patient
from tests.emotions import images
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request_export(client: Client, capture: Callable) -> DataExport:
    with capture(execute=True):
        response = client.post(reverse("accounts:export_request"), follow=True)
    assert "We are preparing your data." in response.content.decode()
    return DataExport.objects.latest("id")


def _read_zip(response: object) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_contains_every_section_as_json_and_csv(
    client_logged_in: Client,
    user: User,
    django_capture_on_commit_callbacks: Callable,
    settings: SettingsWrapper,
) -> None:
    settings.PHOTO_RETENTION_DAYS = 7
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg(images.SAD_FACE)))
    link_patient(user, PsychologistProfileFactory(user__first_name="Petra").user)

    export = _request_export(client_logged_in, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.READY
    assert export.expires_at - export.ready_at == timedelta(hours=settings.EXPORT_LINK_HOURS)

    page = client_logged_in.get(reverse("accounts:privacy")).content.decode()
    link = reverse("accounts:export_download", args=[data_export_token(export=export)])
    assert link in page

    response = client_logged_in.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    archive = _read_zip(response)
    names = set(archive.namelist())
    for section in ("account", "assessments", "consent_events", "care_links", "audit_events"):
        assert f"csv/{section}.csv" in names
    data = json.loads(archive.read("data.json"))
    assert data["account"][0]["username"] == user.username
    assert data["assessments"][0]["id"] == assessment.pk and data["assessments"][0]["photo_retained"] is True
    assert {e["purpose"] for e in data["consent_events"]} == {"processing", "sharing"}
    assert data["care_links"][0]["other_person"] == "Petra" or data["care_links"][0]["other_person"].startswith("Petra")
    rows = list(csv.DictReader(io.StringIO(archive.read("csv/assessments.csv").decode())))
    assert rows[0]["id"] == str(assessment.pk)
    assert f"assessments/{assessment.pk}.jpg" in names  # the retained photo
    assert AuditEvent.objects.filter(subject_user=user, action="export_downloaded").exists()


def test_someone_elses_link_is_a_404(
    client_logged_in: Client, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    export = _request_export(client_logged_in, django_capture_on_commit_callbacks)
    link = reverse("accounts:export_download", args=[data_export_token(export=export)])
    other = Client()
    other.force_login(UserFactory())

    response = other.get(link)

    assert response.status_code == 404
    assert "This download link is not valid." in response.content.decode()


def test_anonymous_is_sent_to_login(client: Client, user: User) -> None:
    export = DataExport.objects.create(user=user, status=DataExport.Status.READY)
    response = client.get(reverse("accounts:export_download", args=[data_export_token(export=export)]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("token", ["garbage", "eyJlIjoxLCJ1IjoxfQ:1abc:xyz"])
def test_forged_link_is_a_404(client_logged_in: Client, token: str) -> None:
    response = client_logged_in.get(reverse("accounts:export_download", args=[token]))
    assert response.status_code == 404
    assert "This download link is not valid." in response.content.decode()


def test_expired_link_is_a_410_with_a_message(
    client_logged_in: Client, django_capture_on_commit_callbacks: Callable, settings: SettingsWrapper
) -> None:
    export = _request_export(client_logged_in, django_capture_on_commit_callbacks)
    link = reverse("accounts:export_download", args=[data_export_token(export=export)])

    with time_machine.travel(timezone.now() + timedelta(hours=settings.EXPORT_LINK_HOURS, minutes=1)):
        response = client_logged_in.get(link)

    assert response.status_code == 410
    assert "This download link has expired." in response.content.decode()


def test_second_request_while_one_is_pending_is_a_clear_conflict(client_logged_in: Client, user: User) -> None:
    DataExport.objects.create(user=user)
    response = client_logged_in.post(reverse("accounts:export_request"))
    assert response.status_code == 409
    assert "Your data is already being prepared." in response.content.decode()


def test_expired_archives_are_purged(
    client_logged_in: Client, django_capture_on_commit_callbacks: Callable, new_media_files: Callable
) -> None:
    export = _request_export(client_logged_in, django_capture_on_commit_callbacks)
    assert new_media_files()

    with django_capture_on_commit_callbacks(execute=True):
        assert data_export_purge_expired(now=export.expires_at + timedelta(seconds=1)) == 1

    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert new_media_files() == set()


def test_export_request_is_audited(
    client_logged_in: Client, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    _request_export(client_logged_in, django_capture_on_commit_callbacks)
    assert AuditEvent.objects.filter(actor=user, subject_user=user, action="export_requested").exists()


def test_with_the_broker_down_the_export_fails_at_once_and_can_be_asked_again(
    client_logged_in: Client, user: User, django_capture_on_commit_callbacks: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("broker unreachable")

    with monkeypatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        patch.setattr("django_q.tasks.async_task", broker_down)
        client_logged_in.post(reverse("accounts:export_request"))
    assert DataExport.objects.get(user=user).status == DataExport.Status.FAILED

    export = _request_export(client_logged_in, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.READY
