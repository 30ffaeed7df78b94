"""POST /api/v1/self-reports/ with factors (sleep_hours, workload, tags) and the factors in the list."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from emotions.models import SelfReport

pytestmark = pytest.mark.django_db


def test_the_api_records_and_returns_factors(patient_api: APIClient, user: User) -> None:
    body = patient_api.post(
        "/api/v1/self-reports/", {"mood": 3, "sleep_hours": 6.5, "workload": 4, "tags": ["deadline"]}, format="json"
    ).json()
    assert (body["sleep_hours"], body["workload"], body["tags"]) == (6.5, 4, ["deadline"])
    listed = patient_api.get("/api/v1/self-reports/").json()["results"][0]
    assert listed["tags"] == ["deadline"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"sleep_hours": 25}, "sleep_hours", "Ensure this value is less than or equal to 24."),
        ({"workload": 0}, "workload", "Ensure this value is greater than or equal to 1."),
        ({"tags": ["x" * 41]}, "tags.0", "Ensure this field has no more than 40 characters."),
    ],
)
def test_the_api_refuses_bad_factors(patient_api: APIClient, data: dict, field: str, message: str) -> None:
    response = patient_api.post("/api/v1/self-reports/", {"mood": 3, **data}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert message in str(error["fields"][field])
    assert not SelfReport.objects.exists()


def test_the_journal_shows_a_ratings_factors(patient_api: APIClient) -> None:
    patient_api.post("/api/v1/self-reports/", {"mood": 2, "sleep_hours": 5, "tags": ["deadline"]}, format="json")
    [entry] = patient_api.get("/api/v1/journal/").json()["results"]
    assert (entry["sleep_hours"], entry["workload"], entry["tags"]) == (5.0, None, ["deadline"])
