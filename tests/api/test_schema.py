"""The OpenAPI schema and Swagger UI: public, complete, and served without any CDN."""

from __future__ import annotations

import re

import pytest
from django.core.checks import run_checks
from django.test import Client

pytestmark = pytest.mark.django_db

EXPECTED_OPERATIONS = {
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/token/"),
    ("post", "/api/v1/auth/logout/"),
    ("post", "/api/v1/auth/logout-all/"),
    ("post", "/api/v1/auth/password-reset/"),
    ("post", "/api/v1/auth/password-reset/confirm/"),
    ("post", "/api/v1/me/password/"),
    ("get", "/api/v1/me/tokens/"),
    ("delete", "/api/v1/me/tokens/{id}/"),
    ("get", "/api/v1/me/"),
    ("patch", "/api/v1/me/"),
    ("delete", "/api/v1/me/"),
    ("get", "/api/v1/me/psychologist-profile/"),
    ("put", "/api/v1/me/psychologist-profile/"),
    ("patch", "/api/v1/me/psychologist-profile/"),
    ("get", "/api/v1/me/two-factor/"),
    ("post", "/api/v1/me/two-factor/"),
    ("post", "/api/v1/me/export/"),
    ("get", "/api/v1/me/report.pdf"),
    ("get", "/api/v1/me/exports/{id}/"),
    ("get", "/api/v1/me/exports/download/{token}/"),
    ("get", "/api/v1/consents/"),
    ("post", "/api/v1/consents/"),
    ("get", "/api/v1/psychologists/{code}/"),
    ("get", "/api/v1/care-links/"),
    ("post", "/api/v1/care-links/"),
    ("patch", "/api/v1/care-links/{id}/"),
    ("post", "/api/v1/care-links/{id}/revoke/"),
    ("post", "/api/v1/photos/"),
    ("get", "/api/v1/assessments/"),
    ("get", "/api/v1/assessments/{id}/"),
    ("delete", "/api/v1/assessments/{id}/"),
    ("put", "/api/v1/assessments/{id}/feedback/"),
    ("delete", "/api/v1/assessments/{id}/feedback/"),
    ("get", "/api/v1/dynamics/"),
    ("get", "/api/v1/self-reports/"),
    ("post", "/api/v1/self-reports/"),
    ("delete", "/api/v1/self-reports/{id}/"),
    ("get", "/api/v1/journal/"),
    ("get", "/api/v1/questionnaires/cbi/"),
    ("post", "/api/v1/questionnaires/cbi/"),
    ("get", "/api/v1/flags/"),
    ("get", "/api/v1/patients/"),
    ("get", "/api/v1/patients/{patient_id}/dynamics/"),
    ("get", "/api/v1/patients/{patient_id}/sessions/"),
    ("post", "/api/v1/patients/{patient_id}/sessions/"),
    ("get", "/api/v1/patients/{patient_id}/brief/"),
    ("get", "/api/v1/patients/{patient_id}/report.pdf"),
}
PUBLIC = {
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/token/"),
    ("post", "/api/v1/auth/password-reset/"),
    ("post", "/api/v1/auth/password-reset/confirm/"),
}


@pytest.fixture
def schema(client: Client) -> dict:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_public_yaml(client: Client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi: 3.")


def test_every_operation_is_documented_with_its_errors(schema: dict) -> None:
    operations = {
        (method, path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert set(operations) == EXPECTED_OPERATIONS

    for key, operation in operations.items():
        assert operation.get("summary"), key
        codes = set(operation["responses"])
        assert any(code.startswith("2") for code in codes), key
        assert {"405", "406", "500"} <= codes, key
        if key not in PUBLIC:
            assert {"401", "403"} <= codes, key
            assert operation["security"] == [{"deviceToken": []}, {"cookieAuth": []}], key
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                assert response["description"], (key, code)
        for parameter in operation.get("parameters", []):
            assert parameter.get("description") or parameter["in"] == "path", (key, parameter["name"])


def test_error_envelope_and_upload_in_the_schema(schema: dict) -> None:
    components = schema["components"]["schemas"]
    assert components["ErrorBody"]["required"] == ["code", "fields", "message"]
    upload = schema["paths"]["/api/v1/photos/"]["post"]
    body = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    image = components[body["$ref"].rsplit("/", 1)[1]]["properties"]["image"]
    assert image == {**image, "type": "string", "format": "binary"}
    assert {"202", "400", "403", "413", "415", "429", "503"} <= set(upload["responses"])
    dynamics = {parameter["name"] for parameter in schema["paths"]["/api/v1/dynamics/"]["get"]["parameters"]}
    assert dynamics == {"from", "to", "bucket"}
    assert schema["components"]["securitySchemes"]["deviceToken"]["in"] == "header"


def test_swagger_ui_uses_local_static_files(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        # Its start-up script comes from the page's own URL (`?script`), so that CSP needs no inline script.
        assert asset.startswith(("/static/", "/api/docs/?script")), asset
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.lower()
    script = client.get("/api/docs/?script").content
    assert "/api/schema/" in script.decode()


def test_schema_generates_without_warnings() -> None:
    """drf-spectacular reports naming clashes and unresolvable fields as (deployment) system checks."""
    messages = [message for message in run_checks(include_deployment_checks=True) if "spectacular" in message.id]
    assert messages == []
