"""Every address under /api/ answers in JSON, odd ones included (encoded newlines, control characters...)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

# Addresses no route takes, with what is odd about them: Django decodes %0A to a newline before routing,
# and a pattern whose "." skips newlines matched none of these, so Django's HTML 404 page answered.
ODD_PATHS = [
    "/api/v1/%0A",
    "/api/%0A",
    "/api/v1/%0A/",
    "/api/v1/%0D%0A",
    "/api/v1/me/%0A",
    "/api/v1/me%0A/",
    "/api/v1/a%0Ab/",
    "/api/v1/assessments/%0A/",
    "/api/v1/assessments/1%0A/",
    "/api/v1/photos/%0A",
    "/api/schema/%0A",
    "/api/docs/%0A",
    "/api/v1/%00",
    "/api/v1/%09tab/",
    "/api/%FF",
    "/api/v1/%E2%80%A8/",  # U+2028, a line separator
]


@pytest.mark.parametrize("path", ODD_PATHS)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options", "head"])
def test_odd_unknown_addresses_are_a_json_404(api: APIClient, path: str, method: str) -> None:
    response = getattr(api, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    if method != "head":
        assert_error(response, 404, "not_found", "Not found.")


def test_a_plain_client_without_the_api_client_gets_json_too() -> None:
    # Nothing about the request says "API" (no Accept header, no token): the address alone decides.
    response = Client().get("/api/v1/%0A", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def test_pages_outside_the_api_keep_the_html_404(client: Client) -> None:
    response = client.get("/no-such-page/%0A")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
