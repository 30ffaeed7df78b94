"""One error envelope everywhere: unknown addresses, wrong methods, bad bodies, throttling, our own failures."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.test import APIClient

from accounts.models import User
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v2/me/", "/api/", "/api/v1/assessments/abc/"])
def test_unknown_address_is_a_json_404(api: APIClient, path: str) -> None:
    for method in ("get", "post", "delete"):
        assert_error(getattr(api, method)(path), 404, "not_found", "Not found.")


def test_wrong_method(patient_api: APIClient) -> None:
    assert_error(patient_api.delete("/api/v1/assessments/"), 405, "method_not_allowed", 'Method "DELETE" not allowed.')


def test_wrong_method_before_login_is_401(api: APIClient) -> None:
    # Authentication runs first: an anonymous client learns nothing about the endpoint.
    assert_error(api.put("/api/v1/photos/"), 401, "not_authenticated")


def test_json_where_a_file_is_expected(patient_api: APIClient) -> None:
    response = patient_api.post("/api/v1/photos/", {"image": "x"}, format="json")
    assert_error(response, 415, "unsupported_media_type", 'Unsupported media type "application/json" in request.')


def test_broken_json(patient_api: APIClient) -> None:
    response = patient_api.patch("/api/v1/me/", b'{"first_name": ', content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert error["message"].startswith("JSON parse error")


def test_json_that_is_not_an_object(patient_api: APIClient) -> None:
    error = assert_error(patient_api.patch("/api/v1/me/", [1, 2], format="json"), 400, "invalid")
    assert error["message"] == "Invalid data. Expected a dictionary, but got list."
    assert error["fields"] == {}


def test_multipart_without_a_boundary(patient_api: APIClient) -> None:
    response = patient_api.post("/api/v1/photos/", b"--x\r\nnonsense", content_type="multipart/form-data")
    error = assert_error(response, 400, "parse_error")
    assert error["message"].startswith("Multipart form parse error")


def test_multipart_without_the_file(patient_api: APIClient) -> None:
    response = patient_api.post("/api/v1/photos/", b"--x\r\nnonsense", content_type="multipart/form-data; boundary=x")
    error = assert_error(response, 400, "invalid", "Please choose a photo to upload.")
    assert error["fields"] == {"image": ["Please choose a photo to upload."]}


def test_unacceptable_accept_header(patient_api: APIClient) -> None:
    response = patient_api.get("/api/v1/me/", HTTP_ACCEPT="text/html")
    assert_error(response, 406, "not_acceptable")


def test_throttled_after_the_auth_rate(api: APIClient, settings: SettingsWrapper) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "2/min"}}
    for _attempt in range(2):
        assert api.post("/api/v1/auth/token/", {"username": "a", "password": "b"}).status_code == 400
    response = api.post("/api/v1/auth/token/", {"username": "a", "password": "b"})
    error = assert_error(response, 429, "throttled")
    assert error["message"].startswith("Request was throttled.")
    assert int(response["Retry-After"]) > 0


def test_throttle_counts_are_shared_between_processes(api: APIClient, settings: SettingsWrapper) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "1/min"}}
    assert api.post("/api/v1/auth/token/", {"username": "a", "password": "b"}).status_code == 400
    # Another web process starts with an empty per-process cache; the count must still hold there.
    caches["default"].clear()
    error = assert_error(api.post("/api/v1/auth/token/", {"username": "a", "password": "b"}), 429, "throttled")
    assert error["message"].startswith("Request was throttled.")


def test_upload_is_throttled_per_user(patient_api: APIClient, settings: SettingsWrapper) -> None:
    settings.PHOTO_UPLOAD_RATE = "1/hour"
    assert patient_api.post("/api/v1/photos/", {}).status_code == 400
    assert_error(patient_api.post("/api/v1/photos/", {}), 429, "throttled")


def test_other_endpoints_are_not_throttled(patient_api: APIClient, settings: SettingsWrapper) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    for _attempt in range(5):
        assert patient_api.get("/api/v1/me/").status_code == 200


def test_server_error_is_json_and_logged(
    patient_api: APIClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("emotions.selectors.assessment_dynamics", explode)
    response = patient_api.get("/api/v1/dynamics/")
    assert_error(response, 500, "server_error", "Something went wrong on our side. Please try again later.")
    assert "boom" not in response.content.decode()
    assert any(record.levelname == "ERROR" and "Internal Server Error" in record.message for record in caplog.records)


def test_errors_speak_russian(patient_api: APIClient) -> None:
    response = patient_api.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    error = patient_api.post("/api/v1/photos/", {}, HTTP_ACCEPT_LANGUAGE="ru").json()["error"]
    assert error["fields"]["image"] == ["Пожалуйста, выберите фото для загрузки."]


def test_the_accounts_language_wins_over_the_device(user: User) -> None:
    user.language = "ru"
    user.save()
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/assessments/99999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Language"] == "ru"


def test_a_missing_trailing_slash_is_explained(patient_api: APIClient) -> None:
    response = patient_api.post("/api/v1/photos", {})
    assert_error(response, 404, "not_found", "Not found. API addresses end with a slash: /api/v1/photos/")
    assert_error(patient_api.get("/api/v1/nothing"), 404, "not_found", "Not found.")
