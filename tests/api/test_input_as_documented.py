"""Input is validated as the OpenAPI schema documents it: an empty optional value is not "not sent", a number is
not text. Each case: the 400 and its field message, nothing changed, and what the schema says is accepted."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from emotions.models import SelfReport
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

DATE_FORMAT = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
NOT_TEXT = "Not a valid string."
BLANK = "This field may not be blank."


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", {"format": "json"}).json()


def _parameter(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    [parameter] = [item for item in schema["paths"][path]["get"]["parameters"] if item["name"] == name]
    return parameter


def _request_schemas(schema: dict[str, Any], path: str, method: str) -> list[dict[str, Any]]:
    """The request body's schema for each content type the operation accepts, references resolved."""
    content = schema["paths"][path][method]["requestBody"]["content"]
    found = []
    for media in content.values():
        ref = media["schema"]["$ref"].rsplit("/", 1)[-1]
        found.append(schema["components"]["schemas"][ref])
    return found


# --- empty query parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/api/v1/dynamics/", "to=", "to", DATE_FORMAT),
        ("/api/v1/dynamics/", "from=", "from", DATE_FORMAT),
        ("/api/v1/dynamics/", "from=2026-03-01&to=", "to", DATE_FORMAT),
        ("/api/v1/dynamics/", "bucket=", "bucket", '"" is not a valid choice.'),
        ("/api/v1/assessments/", "to=", "to", DATE_FORMAT),
        ("/api/v1/self-reports/", "from=", "from", DATE_FORMAT),
    ],
)
def test_an_empty_date_or_choice_is_a_400(
    patient_api: APIClient, path: str, params: str, field: str, message: str
) -> None:
    error = assert_error(patient_api.get(f"{path}?{params}"), 400, "invalid", message)
    assert error["fields"] == {field: [message]}


def test_the_date_parameters_still_work_given_or_left_out(patient_api: APIClient) -> None:
    assert patient_api.get("/api/v1/dynamics/").status_code == 200
    body = patient_api.get("/api/v1/dynamics/?from=2026-03-01&to=2026-03-03&bucket=day").json()
    assert (body["from"], body["to"], len(body["buckets"])) == ("2026-03-01", "2026-03-03", 3)


def test_an_empty_date_is_refused_in_russian(patient_api: APIClient, user: User) -> None:
    user.language = "ru"
    user.save(update_fields=["language"])
    error = assert_error(patient_api.get("/api/v1/dynamics/?to="), 400, "invalid")
    assert error["fields"]["to"] == ["Неправильный формат date. Используйте один из этих форматов: YYYY-MM-DD."]


@pytest.mark.parametrize("name", ["from", "to"])
def test_the_schema_says_a_date_and_nothing_empty(schema: dict[str, Any], name: str) -> None:
    parameter = _parameter(schema, "/api/v1/dynamics/", name)
    assert parameter["schema"] == {"type": "string", "format": "date"}
    assert not parameter.get("allowEmptyValue")
    assert not parameter.get("required")


# --- a number where text is expected ---------------------------------------------------------------------------


@pytest.mark.parametrize("note", [12345, 1.5, 0])
def test_a_numeric_note_is_a_400(patient_api: APIClient, note: object) -> None:
    response = patient_api.post("/api/v1/self-reports/", {"mood": 3, "note": note}, format="json")
    error = assert_error(response, 400, "invalid", NOT_TEXT)
    assert error["fields"] == {"note": [NOT_TEXT]}
    assert not SelfReport.objects.exists()


def test_a_text_note_is_stored(patient_api: APIClient) -> None:
    response = patient_api.post("/api/v1/self-reports/", {"mood": 3, "note": "12345"}, format="json")
    assert response.status_code == 201
    assert SelfReport.objects.get().note == "12345"


def test_the_schema_says_the_note_is_text(schema: dict[str, Any]) -> None:
    for body in _request_schemas(schema, "/api/v1/self-reports/", "post"):
        assert body["properties"]["note"]["type"] == "string"


def test_a_number_for_a_name_is_a_400_too(patient_api: APIClient, user: User) -> None:
    error = assert_error(patient_api.patch("/api/v1/me/", {"first_name": 42}, format="json"), 400, "invalid")
    assert error["fields"] == {"first_name": [NOT_TEXT]}
    user.refresh_from_db()
    assert user.first_name != "42"


# --- an empty time zone ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("timezone=", "application/x-www-form-urlencoded"),
        ('{"timezone": ""}', "application/json"),
    ],
    ids=["form", "json"],
)
def test_an_empty_timezone_is_a_400(patient_api: APIClient, user: User, body: str, content_type: str) -> None:
    user.timezone = "Europe/Berlin"
    user.save(update_fields=["timezone"])

    error = assert_error(patient_api.patch("/api/v1/me/", body, content_type=content_type), 400, "invalid", BLANK)
    assert error["fields"] == {"timezone": [BLANK]}
    user.refresh_from_db()
    assert user.timezone == "Europe/Berlin"


def test_an_empty_timezone_in_a_multipart_body_is_a_400(patient_api: APIClient) -> None:
    response = patient_api.patch("/api/v1/me/", {"timezone": ""}, format="multipart")
    assert assert_error(response, 400, "invalid", BLANK)["fields"] == {"timezone": [BLANK]}


def test_fields_that_may_be_empty_still_may(patient_api: APIClient, user: User) -> None:
    # `language: ""` follows the device's language; a first name may be cleared.
    response = patient_api.patch(
        "/api/v1/me/", "language=&first_name=", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert (response.json()["language"], response.json()["first_name"]) == ("", "")


def test_the_schema_says_a_timezone_is_never_empty(schema: dict[str, Any]) -> None:
    bodies = _request_schemas(schema, "/api/v1/me/", "patch")
    assert bodies
    for body in bodies:
        assert body["properties"]["timezone"]["type"] == "string"
        assert body["properties"]["timezone"]["minLength"] == 1
        assert body["properties"]["language"].get("minLength", 0) == 0
