"""GET /api/v1/journal/ (every kind, filtered, paged), DELETE /api/v1/assessments/{id}/ and /self-reports/{id}/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from emotions.models import CBI_ITEM_KEYS, PhotoAssessment, SelfReport
from emotions.services import assessment_create, photo_validate, questionnaire_cbi_create
from tests.api.conftest import assert_error
from tests.emotions import images
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JOURNAL = "/api/v1/journal/"


def _reading(user: User, days_ago: float) -> PhotoAssessment:
    return PhotoAssessment.objects.create(
        user=user,
        captured_at=timezone.now() - timedelta(days=days_ago),
        status=PhotoAssessment.Status.DONE,
        label="sad",
        valence="negative",
        negativity=0.8,
        probabilities={"sad": 0.8},
    )


@pytest.fixture
def entries(user: User) -> dict[str, object]:
    return {
        "reading": _reading(user, 10),
        "mood": SelfReport.objects.create(user=user, at=timezone.now() - timedelta(days=1), mood=3, note="ok"),
        "cbi": questionnaire_cbi_create(user=user, answers=dict.fromkeys(CBI_ITEM_KEYS, "sometimes")),
    }


def test_the_journal_lists_every_kind_with_notes(patient_api: APIClient, entries: dict) -> None:
    body = patient_api.get(JOURNAL).json()
    assert [(row["kind"], row["id"]) for row in body["results"]] == [
        ("questionnaire", entries["cbi"].pk),
        ("self_report", entries["mood"].pk),
        ("assessment", entries["reading"].pk),
    ]
    mood = body["results"][1]
    assert (mood["mood"], mood["note"], mood["summary"], mood["label"]) == (3, "ok", "Mood: 3 of 5 (ok)", None)
    assert (mood["sleep_hours"], mood["workload"], mood["tags"]) == (None, None, [])
    assert body["results"][2]["summary"] == "Photo: Sad, negative tone 80%"
    assert body["results"][0]["score"] == 50.0
    assert body["next"] is None and body["previous"] is None


def test_filters_and_pages(patient_api: APIClient, user: User, entries: dict) -> None:
    body = patient_api.get(JOURNAL, {"kind": "assessment"}).json()
    assert [row["kind"] for row in body["results"]] == ["assessment"]
    today = timezone.localdate()
    body = patient_api.get(JOURNAL, {"from": (today - timedelta(days=2)).isoformat()}).json()
    assert [row["kind"] for row in body["results"]] == ["questionnaire", "self_report"]
    first = patient_api.get(JOURNAL, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["previous"] is None
    second = patient_api.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [entries["reading"].pk]
    assert second["next"] is None
    back = patient_api.get(second["previous"]).json()
    assert back["results"] == first["results"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"kind": "photos"}, "kind", '"photos" is not a valid choice.'),
        ({"from": "2026-02-30"}, "from", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to", "The end of the period must not be before its start."),
        ({"cursor": "forged"}, "cursor", "This page link is not valid. Start again from the first page."),
        ({"page_size": "0"}, "page_size", "Ask for between 1 and 100 items per page."),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(
    patient_api: APIClient, entries: dict, params: dict, field: str, message: str
) -> None:
    error = assert_error(patient_api.get(JOURNAL, params), 400, "invalid")
    assert error["fields"][field] == [message]


def test_a_bad_filter_in_russian(patient_api: APIClient) -> None:
    error = assert_error(patient_api.get(JOURNAL, {"cursor": "x"}, HTTP_ACCEPT_LANGUAGE="ru"), 400, "invalid")
    assert error["fields"]["cursor"] == ["Ссылка на эту страницу недействительна. Начните снова с первой страницы."]  # noqa: RUF001


def test_the_journal_needs_a_login(api: APIClient) -> None:
    assert_error(api.get(JOURNAL), 401, "not_authenticated")


def test_delete_an_assessment_and_its_photo(
    patient_api: APIClient, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))
    path = Path(assessment.photo.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_api.delete(f"/api/v1/assessments/{assessment.pk}/")
    assert response.status_code == 204 and response.content == b""
    assert not PhotoAssessment.objects.exists() and not path.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENTRY_DELETED)
    assert event.detail == {"kind": "assessment", "channel": "api"}
    assert_error(patient_api.get(f"/api/v1/assessments/{assessment.pk}/"), 404, "not_found")
    assert patient_api.get(JOURNAL).json()["results"] == []


def test_delete_a_self_report(patient_api: APIClient, entries: dict) -> None:
    response = patient_api.delete(f"/api/v1/self-reports/{entries['mood'].pk}/")
    assert response.status_code == 204
    assert not SelfReport.objects.exists()
    assert [row["id"] for row in patient_api.get("/api/v1/self-reports/").json()["results"]] == []


@pytest.mark.parametrize(
    ("language", "what", "message"),
    [
        ("en", "assessments", "No such assessment."),
        ("ru", "assessments", "Такой оценки нет."),
        ("en", "self-reports", "No such mood rating."),
        ("ru", "self-reports", "Такой оценки настроения нет."),
    ],
)
def test_someone_elses_id_is_the_standard_404(patient_api: APIClient, language: str, what: str, message: str) -> None:
    other = UserFactory()
    row = _reading(other, 1) if what == "assessments" else SelfReport.objects.create(user=other, mood=2)
    response = patient_api.delete(f"/api/v1/{what}/{row.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert_error(response, 404, "not_found", message)
    assert PhotoAssessment.objects.count() + SelfReport.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ENTRY_DELETED).exists()


def test_delete_needs_a_login(api: APIClient, entries: dict) -> None:
    assert_error(api.delete(f"/api/v1/self-reports/{entries['mood'].pk}/"), 401, "not_authenticated")
    assert SelfReport.objects.exists()


def test_the_schema_documents_the_new_operations(patient_api: APIClient) -> None:
    paths = patient_api.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"get"} <= set(paths["/api/v1/journal/"])
    assert {p["name"] for p in paths["/api/v1/journal/"]["get"]["parameters"]} >= {
        "kind",
        "from",
        "to",
        "cursor",
        "page_size",
    }
    assert "204" in paths["/api/v1/assessments/{id}/"]["delete"]["responses"]
    assert "204" in paths["/api/v1/self-reports/{id}/"]["delete"]["responses"]
