"""Login throttling (django-axes) and the Content-Security-Policy header (django-csp)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
TOKEN = "/api/v1/auth/token/"
LOCKED = "Too many failed log-in attempts"


def test_sixth_attempt_is_refused_even_with_the_right_password(client: Client, user: User, password: str) -> None:
    for _ in range(4):
        response = client.post(LOGIN_URL, {"username": user.username, "password": "wrong-password"})
        assert response.status_code == 200  # the ordinary "not correct" form
    # The fifth failure reaches AXES_FAILURE_LIMIT: its answer is already the lockout page.
    assert client.post(LOGIN_URL, {"username": user.username, "password": "wrong-password"}).status_code == 429

    response = client.post(LOGIN_URL, {"username": user.username, "password": password})

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not get_user(client).is_authenticated


def test_lockout_page_is_translated(client: Client, user: User, password: str) -> None:
    for _ in range(5):
        client.post(LOGIN_URL, {"username": user.username, "password": "wrong-password"})

    response = client.post(LOGIN_URL, {"username": user.username, "password": password}, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 429
    with translation.override("ru"):
        assert translation.gettext("Log-in paused") != "Log-in paused"
        assert translation.gettext("Log-in paused") in response.content.decode()


def test_lockout_is_per_username(client: Client, user: User, password: str) -> None:
    other = User.objects.create_user(username="someone-else", password=password)
    for _ in range(5):
        client.post(LOGIN_URL, {"username": user.username, "password": "wrong-password"})

    response = client.post(LOGIN_URL, {"username": other.username, "password": password})

    assert response.status_code == 302


def test_api_token_endpoint_is_throttled_too(user: User, password: str) -> None:
    caches["shared"].clear()  # the API's own rate limit (API_THROTTLE_AUTH) counts in the shared cache
    api = APIClient()
    for _ in range(4):
        response = api.post(TOKEN, {"username": user.username, "password": "wrong-password"}, format="json")
        assert response.status_code == 400
    api.post(TOKEN, {"username": user.username, "password": "wrong-password"}, format="json")

    response = api.post(TOKEN, {"username": user.username, "password": password}, format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert LOCKED in response.json()["error"]["message"]
    caches["shared"].clear()


def test_pages_carry_a_csp_without_inline_scripts(client_logged_in: Client) -> None:
    for url in (reverse("home"), LOGIN_URL, reverse("emotions:dashboard")):
        response = client_logged_in.get(url)
        header = response["Content-Security-Policy"]
        directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
        assert directives["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in directives["style-src"], url
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["default-src"] == ["'self'"]


def test_templates_have_no_inline_scripts_or_handlers() -> None:
    import re
    from pathlib import Path

    from django.conf import settings

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        assert not inline_script.search(text), path
        assert not handler.search(text), path


def test_api_docs_page_loads_its_script_from_a_file(client: Client) -> None:
    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    assert "script-src 'self';" in response["Content-Security-Policy"] + ";"
    assert "<script>" not in response.content.decode()
