"""A password change ends every other way in: API device tokens and the other browser sessions."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import user_password_changed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "amber-otter-compass-73"


def _token_client(user: User) -> APIClient:
    _instance, token = AuthToken.objects.create(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_web_password_change_revokes_tokens_and_other_sessions_but_keeps_this_one(user: User, password: str) -> None:
    phone = _token_client(user)
    assert phone.get("/api/v1/me/").status_code == 200
    laptop = _signed_in(user)
    other_browser = _signed_in(user)
    other_key = other_browser.session.session_key

    response = laptop.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change_done")
    answer = phone.get("/api/v1/me/")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] in {"not_authenticated", "authentication_failed"}
    assert not AuthToken.objects.filter(user=user).exists()
    # The other browser is signed out (its session row is gone, so it cannot come back either) ...
    assert not Session.objects.filter(session_key=other_key).exists()
    out = other_browser.get(reverse("accounts:profile"))
    assert out.status_code == 302 and out["Location"].startswith(reverse("accounts:login"))
    # ... and the one that made the change stays in.
    assert laptop.get(reverse("accounts:profile")).status_code == 200


def test_a_new_token_after_the_change_works(user: User, password: str) -> None:
    laptop = _signed_in(user)
    laptop.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    token = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": NEW_PASSWORD})
    assert token.status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get("/api/v1/me/").status_code == 200


def test_a_refused_change_revokes_nothing(user: User) -> None:
    phone = _token_client(user)
    laptop = _signed_in(user)
    other_browser = _signed_in(user)
    response = laptop.post(
        reverse("accounts:password_change"),
        {"old_password": "not-the-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200  # the form again, with its error
    assert phone.get("/api/v1/me/").status_code == 200
    assert other_browser.get(reverse("accounts:profile")).status_code == 200


def test_the_service_for_a_reset_keeps_no_session_and_spares_other_people(user: User) -> None:
    """A reset (from an e-mail link) calls the same service with no session to keep."""
    someone_else = UserFactory()
    their_phone = _token_client(someone_else)
    their_browser = _signed_in(someone_else)
    phone = _token_client(user)
    browser = _signed_in(user)

    user_password_changed(user=user)

    assert phone.get("/api/v1/me/").status_code == 401
    assert browser.get(reverse("accounts:profile")).status_code == 302
    assert their_phone.get("/api/v1/me/").status_code == 200
    assert their_browser.get(reverse("accounts:profile")).status_code == 200
