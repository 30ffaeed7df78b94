from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
LOGOUT_URL = reverse("accounts:logout")
BAD_CREDENTIALS = "Please enter a correct username and password. Note that both fields may be case-sensitive."


def test_login_page_renders(client: Client) -> None:
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert "accounts/login.html" in [t.name for t in response.templates]


def test_login_success_redirects_to_dashboard(client: Client, user: User, password: str) -> None:
    response = client.post(LOGIN_URL, {"username": user.username, "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("emotions:dashboard")
    assert get_user(client).pk == user.pk


def test_login_follows_a_local_next(client: Client, user: User, password: str) -> None:
    profile = reverse("accounts:profile")

    response = client.post(f"{LOGIN_URL}?next={profile}", {"username": user.username, "password": password})

    assert response["Location"] == profile


def test_login_ignores_an_offsite_next(client: Client, user: User, password: str) -> None:
    response = client.post(
        LOGIN_URL, {"username": user.username, "password": password, "next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("emotions:dashboard")


def test_login_failure_shows_message(client: Client, user: User) -> None:
    response = client.post(LOGIN_URL, {"username": user.username, "password": "wrong-password"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [BAD_CREDENTIALS]
    assert BAD_CREDENTIALS in response.content.decode()
    assert not get_user(client).is_authenticated


def test_login_sets_the_saved_language_cookie(client: Client, password: str) -> None:
    user = UserFactory(language="ru")

    response = client.post(LOGIN_URL, {"username": user.username, "password": password})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_login_without_saved_language_leaves_cookie_alone(client: Client, user: User, password: str) -> None:
    response = client.post(LOGIN_URL, {"username": user.username, "password": password})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_logout_via_post_logs_out_and_redirects_home(client_logged_in: Client) -> None:
    response = client_logged_in.post(LOGOUT_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not get_user(client_logged_in).is_authenticated


def test_logout_via_get_is_refused(client_logged_in: Client) -> None:
    response = client_logged_in.get(LOGOUT_URL)

    assert response.status_code == 405
    assert get_user(client_logged_in).is_authenticated
