"""/self-reports/ and /questionnaires/cbi/: the person's own ratings, cursor-paginated, errors in the envelope."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from emotions.models import PhotoAssessment, SelfReport
from emotions.services import self_report_create
from tests.api.conftest import assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/self-reports/"
CBI = "/api/v1/questionnaires/cbi/"


def test_create_and_list(patient_api: APIClient, user: User) -> None:
    photo = PhotoAssessment.objects.create(user=user, status="done", negativity=0.3, valence="positive")
    response = patient_api.post(URL, {"mood": 4, "note": "fine", "assessment": photo.pk}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["mood"], body["note"], body["assessment"], body["source"]) == (4, "fine", photo.pk, "api")
    listed = patient_api.get(URL).json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]


def test_someone_elses_assessment_is_not_found(patient_api: APIClient) -> None:
    other = PhotoAssessment.objects.create(user=UserFactory(), status="done")
    message = "No such photo among yours: a mood can only answer one of your own photos."
    error = assert_error(patient_api.post(URL, {"mood": 3, "assessment": other.pk}, format="json"), 404, "not_found")
    assert error["message"] == message and error["fields"] == {"assessment": [message]}
    assert not SelfReport.objects.exists()


def test_invalid_mood(patient_api: APIClient) -> None:
    error = assert_error(patient_api.post(URL, {"mood": 9}, format="json"), 400, "invalid")
    assert error["fields"] == {"mood": ["Ensure this value is less than or equal to 5."]}


def test_filters_and_cursor_pagination(patient_api: APIClient, user: User) -> None:
    for day in range(1, 6):
        self_report_create(user=user, mood=3, source="web", at=datetime(2026, 3, day, 12, tzinfo=UTC))
    self_report_create(user=UserFactory(), mood=1, source="web", at=datetime(2026, 3, 2, 12, tzinfo=UTC))
    first = patient_api.get(URL, {"from": "2026-03-02", "to": "2026-03-04", "page_size": 2}).json()
    assert [item["at"][:10] for item in first["results"]] == ["2026-03-04", "2026-03-03"]
    second = patient_api.get(first["next"]).json()
    assert [item["at"][:10] for item in second["results"]] == ["2026-03-02"] and second["next"] is None
    error = assert_error(patient_api.get(URL, {"from": "2026-03-05", "to": "2026-03-01"}), 400, "invalid")
    assert error["fields"] == {"to": ["The end of the period must not be before its start."]}


def test_needs_a_login(api: APIClient) -> None:
    assert_error(api.get(URL), 401, "not_authenticated")
    assert_error(api.get(CBI), 401, "not_authenticated")


def test_cbi_create_and_list(patient_api: APIClient) -> None:
    answers = dict.fromkeys(
        ("tired", "physically_exhausted", "emotionally_exhausted", "cant_take_it", "worn_out", "weak_ill"), "often"
    )
    response = patient_api.post(CBI, {"answers": answers}, format="json")
    assert response.status_code == 201 and response.json()["score"] == 75
    assert [item["score"] for item in patient_api.get(CBI).json()["results"]] == [75]


def test_cbi_incomplete(patient_api: APIClient) -> None:
    message = "Please answer every question with one of the offered answers."
    error = assert_error(patient_api.post(CBI, {"answers": {"tired": "often"}}, format="json"), 400, "invalid")
    assert error["message"] == message
