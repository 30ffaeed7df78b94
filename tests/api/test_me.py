"""/me/: read, change, erase; licence details; the data export and its download."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import AuditEvent, DataExport, PsychologistProfile, User
from emotions.models import PhotoAssessment
from tests.api.conftest import assert_error, client_for
from tests.factories import DEFAULT_PASSWORD, PsychologistFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_me(patient_api: APIClient, user: User) -> None:
    body = patient_api.get(ME).json()
    assert body == {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "role": "patient",
        "timezone": "UTC",
        "language": "",
        "date_joined": body["date_joined"],
    }


def test_me_needs_a_login(api: APIClient) -> None:
    for method in ("get", "patch", "delete"):
        assert_error(getattr(api, method)(ME), 401, "not_authenticated")


def test_patch_changes_only_what_is_sent(patient_api: APIClient, user: User) -> None:
    response = patient_api.patch(ME, {"timezone": "Europe/Berlin", "first_name": "Anna"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.timezone, user.first_name, user.email) == ("Europe/Berlin", "Anna", f"{user.username}@example.com")
    assert response.json()["timezone"] == "Europe/Berlin"


def test_patch_language_answers_in_it(patient_api: APIClient, user: User) -> None:
    response = patient_api.patch(ME, {"language": "ru"}, format="json")
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    user.refresh_from_db()
    assert user.language == "ru"


def test_patch_invalid(patient_api: APIClient, user: User) -> None:
    UserFactory(email="taken@example.com")
    response = patient_api.patch(
        ME, {"timezone": "Mars/Olympus", "email": "TAKEN@example.com", "language": "de"}, format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"language": ['"de" is not a valid choice.']}

    error = assert_error(
        patient_api.patch(ME, {"timezone": "Mars/Olympus", "email": "taken@example.com"}), 400, "invalid"
    )
    assert error["fields"] == {
        "email": ["A user with that email address already exists."],
        "timezone": ["“Mars/Olympus” is not a known time zone."],
    }
    user.refresh_from_db()
    assert user.timezone == "UTC"


def test_delete_erases_the_account(user: User) -> None:
    client = client_for(user)
    other_device = client_for(user)
    PhotoAssessment.objects.create(user=user, status="done")

    response = client.delete(ME, {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert not PhotoAssessment.objects.exists()
    assert not AuthToken.objects.exists()
    assert other_device.get(ME).status_code == 401
    assert AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_ERASED).detail == {"channel": "api"}


def test_delete_with_a_wrong_password(patient_api: APIClient, user: User) -> None:
    error = assert_error(patient_api.delete(ME, {"password": "nope"}, format="json"), 400, "wrong_password")
    assert error["fields"] == {"password": ["The password is not correct. Your account was not deleted."]}
    assert User.objects.filter(pk=user.pk).exists()

    error = assert_error(patient_api.delete(ME), 400, "invalid")
    assert error["fields"] == {"password": ["This field is required."]}


# --- licence details ----------------------------------------------------------------------------------------

PROFILE = "/api/v1/me/psychologist-profile/"
LICENCE = {"licence_number": "PSY-1", "issuing_body": "Board", "country": "Germany"}


def test_psychologist_enters_licence_details() -> None:
    psychologist = PsychologistFactory()
    client = client_for(psychologist)
    assert_error(client.get(PROFILE), 404, "not_found", "No licence details have been entered yet.")

    response = client.put(PROFILE, LICENCE, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is False and body["verified_at"] is None
    assert body["licence_number"] == "PSY-1"
    assert body["code"] == PsychologistProfile.objects.get(user=psychologist).code
    assert client.get(PROFILE).json() == body


def test_licence_details_invalid_and_for_patients(patient_api: APIClient) -> None:
    error = assert_error(client_for(PsychologistFactory()).put(PROFILE, {}, format="json"), 400, "invalid")
    assert set(error["fields"]) == {"licence_number", "issuing_body", "country"}
    assert_error(patient_api.put(PROFILE, LICENCE, format="json"), 403, "not_psychologist")
    assert_error(patient_api.get(PROFILE), 404, "not_found")


def test_licence_details_need_a_login(api: APIClient) -> None:
    assert_error(api.get(PROFILE), 401, "not_authenticated")
    assert_error(api.put(PROFILE, LICENCE), 401, "not_authenticated")


# --- export -------------------------------------------------------------------------------------------------


def test_export_request_then_download(
    patient_api: APIClient, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_api.post("/api/v1/me/export/")

    assert response.status_code == 202
    export = DataExport.objects.get(user=user)
    status_url = f"http://testserver/api/v1/me/exports/{export.pk}/"
    assert response.json()["status_url"] == status_url
    assert response["Location"] == status_url

    detail = patient_api.get(status_url).json()
    assert detail["status"] == "ready"
    assert detail["download_url"].startswith("http://testserver/api/v1/me/exports/download/")

    download = patient_api.get(detail["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["account"][0]["username"] == user.username
    assert AuditEvent.objects.filter(subject_user=user, action=AuditEvent.Action.EXPORT_DOWNLOADED).exists()


def test_export_while_one_is_pending(patient_api: APIClient, user: User) -> None:
    DataExport.objects.create(user=user)
    error = assert_error(patient_api.post("/api/v1/me/export/"), 409, "pending")
    assert error["message"].startswith("Your data is already being prepared.")


def test_export_of_someone_else_is_404(patient_api: APIClient) -> None:
    theirs = DataExport.objects.create(user=UserFactory())
    assert_error(patient_api.get(f"/api/v1/me/exports/{theirs.pk}/"), 404, "not_found", "No such export.")


def test_export_links(patient_api: APIClient, user: User) -> None:
    from django.core.files.base import ContentFile

    from accounts.services import data_export_token

    mine = DataExport.objects.create(
        user=user, status="ready", ready_at=timezone.now(), expires_at=timezone.now() - timedelta(minutes=1)
    )
    mine.file.save("x.zip", ContentFile(b"zip"))
    theirs = DataExport.objects.create(user=UserFactory(), status="ready", expires_at=timezone.now())

    assert patient_api.get(f"/api/v1/me/exports/{mine.pk}/").json()["download_url"] is None
    expired = patient_api.get(f"/api/v1/me/exports/download/{data_export_token(export=mine)}/")
    assert_error(expired, 410, "expired")
    forged = patient_api.get("/api/v1/me/exports/download/forged/", HTTP_ACCEPT="application/zip")
    assert_error(forged, 404, "not_found", "This download link is not valid.")
    stolen = patient_api.get(f"/api/v1/me/exports/download/{data_export_token(export=theirs)}/")
    assert_error(stolen, 404, "not_found")


def test_export_needs_a_login(api: APIClient) -> None:
    assert_error(api.post("/api/v1/me/export/"), 401, "not_authenticated")
    assert_error(api.get("/api/v1/me/exports/1/"), 401, "not_authenticated")
    assert_error(api.get("/api/v1/me/exports/download/x/"), 401, "not_authenticated")


def test_delete_over_a_session_logs_out(user: User) -> None:
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    response = browser.delete(ME, {"password": DEFAULT_PASSWORD}, content_type="application/json")
    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert browser.get(ME).status_code == 401
