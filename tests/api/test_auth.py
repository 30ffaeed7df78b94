"""Sign-up and device tokens: register, token, logout, logout-all; session login keeps working with CSRF."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from tests.api.conftest import assert_error, client_for
from tests.factories import DEFAULT_PASSWORD, PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"


def test_register_creates_an_account(api: APIClient) -> None:
    response = api.post(
        REGISTER,
        {"username": "mira", "email": "Mira@Example.com", "password": DEFAULT_PASSWORD, "role": "patient"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(username="mira")
    assert body["id"] == user.pk
    assert body["role"] == "patient"
    assert body["email"] == "Mira@example.com"
    assert "password" not in body
    assert user.check_password(DEFAULT_PASSWORD)


def test_register_a_psychologist(api: APIClient) -> None:
    response = api.post(
        REGISTER, {"username": "dr", "email": "dr@example.com", "password": DEFAULT_PASSWORD, "role": "psychologist"}
    )
    assert response.status_code == 201
    assert User.objects.get(username="dr").is_psychologist


def test_register_weak_password_gives_the_validators_messages(api: APIClient) -> None:
    response = api.post(
        REGISTER, {"username": "mira", "email": "mira@example.com", "password": "12345", "role": "patient"}
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"]["password"] == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert not User.objects.filter(username="mira").exists()


def test_register_invalid_input_names_each_field(api: APIClient) -> None:
    UserFactory(username="taken", email="taken@example.com")
    response = api.post(
        REGISTER, {"username": "taken", "email": "not-an-email", "password": DEFAULT_PASSWORD, "role": "admin"}
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "email": ["Enter a valid email address."],
        "role": ['"admin" is not a valid choice.'],
    }


def test_register_taken_username_and_email(api: APIClient) -> None:
    UserFactory(username="taken", email="taken@example.com")
    response = api.post(
        REGISTER, {"username": "Taken", "email": "TAKEN@example.com", "password": DEFAULT_PASSWORD, "role": "patient"}
    )
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "username": ["A user with that username already exists."],
        "email": ["A user with that email address already exists."],
    }


def test_register_missing_fields(api: APIClient) -> None:
    error = assert_error(api.post(REGISTER, {}, format="json"), 400, "invalid")
    assert error["fields"] == {name: ["This field is required."] for name in ("username", "email", "password", "role")}


def test_token_then_use_then_logout(api: APIClient, user: User) -> None:
    response = api.post(TOKEN, {"username": user.username, "password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 200
    body = response.json()
    token = body["token"]
    assert body["user"]["username"] == user.username
    assert body["expiry"]
    stored = AuthToken.objects.get(user=user)
    # Stored hashed: the database never holds the token itself.
    assert token not in (stored.digest, stored.token_key)
    assert stored.token_key == token[:15]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 200
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert not AuthToken.objects.filter(user=user).exists()
    assert_error(api.get("/api/v1/me/"), 401, "authentication_failed", "Invalid token.")


def test_each_device_has_its_own_token(user: User) -> None:
    phone, tablet = client_for(user), client_for(user)
    assert phone.post("/api/v1/auth/logout/").status_code == 204
    assert phone.get("/api/v1/me/").status_code == 401
    assert tablet.get("/api/v1/me/").status_code == 200


def test_logout_all_revokes_every_token(user: User) -> None:
    phone, tablet = client_for(user), client_for(user)
    other = client_for(UserFactory())
    assert tablet.post("/api/v1/auth/logout-all/").status_code == 204
    assert phone.get("/api/v1/me/").status_code == 401
    assert tablet.get("/api/v1/me/").status_code == 401
    assert other.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/auth/logout/", "/api/v1/auth/logout-all/"])
def test_logout_needs_a_login(api: APIClient, path: str) -> None:
    response = api.post(path)
    assert_error(response, 401, "not_authenticated", "Authentication credentials were not provided.")
    assert response["WWW-Authenticate"] == "Token"


def test_token_wrong_password(api: APIClient, user: User) -> None:
    response = api.post(TOKEN, {"username": user.username, "password": "wrong"})
    assert_error(response, 400, "invalid_credentials", "The username or password is not correct.")
    assert not AuthToken.objects.exists()


def test_token_inactive_user(api: APIClient) -> None:
    inactive = UserFactory(is_active=False)
    response = api.post(TOKEN, {"username": inactive.username, "password": DEFAULT_PASSWORD})
    assert_error(response, 400, "invalid_credentials")


def test_token_missing_fields(api: APIClient) -> None:
    error = assert_error(api.post(TOKEN, {}), 400, "invalid")
    assert error["fields"] == {"username": ["This field is required."], "password": ["This field is required."]}


def test_garbage_and_unknown_tokens_are_401(api: APIClient) -> None:
    for header in ("Token", "Token a b", "Token nope", "Token \u00ff\u00fe"):
        api.credentials(HTTP_AUTHORIZATION=header)
        response = api.get("/api/v1/me/")
        assert_error(response, 401, "authentication_failed")


def test_expired_token_is_refused(user: User) -> None:
    client = client_for(user)
    AuthToken.objects.filter(user=user).update(expiry="2001-01-01T00:00:00Z")
    assert_error(client.get("/api/v1/me/"), 401, "authentication_failed")


# --- psychologists with two-factor authentication ---------------------------------------------------------


def _device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_psychologist_with_two_factor_needs_the_code(api: APIClient) -> None:
    psychologist = PsychologistProfileFactory().user
    device = _device(psychologist)
    credentials = {"username": psychologist.username, "password": DEFAULT_PASSWORD}

    error = assert_error(api.post(TOKEN, credentials), 400, "otp_required")
    assert error["fields"]["otp_token"] == ["Type the 6-digit code your authenticator app shows now."]
    error = assert_error(api.post(TOKEN, {**credentials, "otp_token": "000000"}), 400, "otp_invalid")
    assert "This code is not correct." in error["fields"]["otp_token"][0]
    assert not AuthToken.objects.exists()

    # django-otp makes a device wait after a wrong code; this test is not about that wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = api.post(TOKEN, {**credentials, "otp_token": code})
    assert response.status_code == 200
    assert response.json()["token"].startswith("2fa_")


def test_psychologist_without_two_factor_gets_a_plain_token(api: APIClient) -> None:
    psychologist = PsychologistProfileFactory().user
    response = api.post(TOKEN, {"username": psychologist.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert not response.json()["token"].startswith("2fa_")


# --- session login (the web pages' own calls) ---------------------------------------------------------------


def test_session_login_works_and_needs_csrf_for_writes(user: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    assert browser.get("/api/v1/me/").status_code == 200
    refused = browser.patch("/api/v1/me/", {"first_name": "Ann"}, content_type="application/json")
    error = assert_error(refused, 403, "permission_denied")
    assert "CSRF" in error["message"]

    browser.get("/accounts/profile/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    allowed = browser.patch(
        "/api/v1/me/", {"first_name": "Ann"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert allowed.status_code == 200
    assert allowed.json()["first_name"] == "Ann"


def test_session_logout_through_the_api(user: User) -> None:
    browser = Client()
    browser.force_login(user)
    assert browser.post("/api/v1/auth/logout/").status_code == 204
    assert browser.get("/api/v1/me/").status_code == 401
