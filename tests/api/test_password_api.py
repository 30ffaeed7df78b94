"""Passwords over the API: reset (request, confirm) and change, each revoking the old tokens."""

from __future__ import annotations

import smtplib
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from burnout_site.api.authentication import OTP_TOKEN_PREFIX
from tests.api.conftest import assert_error, client_for

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"
CHANGE = "/api/v1/me/password/"
NEW_PASSWORD = "amber-otter-compass-73"
SENT = "If an account uses this address, a link to choose a new password is on its way."
INVALID_LINK = (
    "This password reset link does not work: it was already used, it has expired, or it was copied only in part. "
    "Please ask for a new one."
)
WRONG_OLD = "Your old password was entered incorrectly. Please enter it again."
TOO_SHORT = "This password is too short. It must contain at least 8 characters."


def _uid_token(path: str) -> tuple[str, str]:
    uid, token = path.strip("/").split("/")[2:]  # /accounts/reset/<uid>/<token>/
    return uid, token


# --- reset request ---------------------------------------------------------------------------------------------


def test_reset_answers_202_alike_for_any_address(
    api: APIClient, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = api.post(RESET, {"email": user.email}, format="json")
        unknown = api.post(RESET, {"email": "nobody@example.com"}, format="json")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json() == {"message": SENT}
    assert [message.to for message in mail.outbox] == [[user.email]]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({}, "email", "This field is required."),
        ({"email": 12345}, "email", "Enter a valid email address."),  # a number is not text
    ],
)
def test_reset_refuses_a_malformed_address(api: APIClient, body: dict, field: str, message: str) -> None:
    error = assert_error(api.post(RESET, body, format="json"), 400, "invalid", message)
    assert error["fields"] == {field: [message]}
    assert not mail.outbox


def test_reset_is_limited_per_address_in_russian(api: APIClient, user: User) -> None:
    for _ in range(3):
        assert api.post(RESET, {"email": "nobody@example.com"}, format="json").status_code == 202

    response = api.post(RESET, {"email": "nobody@example.com"}, format="json", HTTP_ACCEPT_LANGUAGE="ru")

    error = assert_error(response, 429, "throttled")
    assert error["message"].startswith("Слишком много запросов на сброс пароля за короткое время.")  # noqa: RUF001
    assert int(response["Retry-After"]) > 0


@override_settings(PASSWORD_RESET_RATE_IP="1/hour")
def test_reset_counts_with_the_web_page(api: APIClient, client: Client) -> None:
    assert client.post(reverse("accounts:password_reset"), {"email": "a@example.com"}).status_code == 302
    assert_error(api.post(RESET, {"email": "b@example.com"}, format="json"), 429, "throttled")


# --- reset confirm ---------------------------------------------------------------------------------------------


def test_confirm_sets_the_password_and_revokes_every_token(api: APIClient, user: User, reset_link_in) -> None:
    phone, tablet = client_for(user), client_for(user)
    uid, token = _uid_token(reset_link_in(lambda: api.post(RESET, {"email": user.email}, format="json")))

    response = api.post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json() == {"message": "Your password is changed. Log in again with the new password."}
    for old in (phone, tablet):
        assert_error(old.get("/api/v1/me/"), 401, "authentication_failed")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(subject_user=user, action=AuditEvent.Action.PASSWORD_RESET).exists()
    # The link is spent.
    again = api.post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD + "!"}, format="json")
    assert assert_error(again, 400, "reset_link_invalid", INVALID_LINK)["fields"] == {"token": [INVALID_LINK]}


@pytest.mark.parametrize(
    ("uid", "token"),
    [("MQ", "garbage"), ("!!!", "x-y"), ("OTk5OTk5", "cbx9-0123456789abcdef")],
)
def test_confirm_refuses_a_bad_link(api: APIClient, user: User, uid: str, token: str) -> None:
    response = api.post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json")
    assert_error(response, 400, "reset_link_invalid", INVALID_LINK)


def test_confirm_refuses_a_bad_link_in_russian(api: APIClient) -> None:
    response = api.post(
        CONFIRM, {"uid": "MQ", "token": "x", "new_password": NEW_PASSWORD}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    error = assert_error(response, 400, "reset_link_invalid")
    assert error["message"].startswith("Эта ссылка для сброса пароля не работает")  # noqa: RUF001


def test_confirm_refuses_a_weak_password_and_changes_nothing(api: APIClient, user: User, reset_link_in) -> None:
    phone = client_for(user)
    uid, token = _uid_token(reset_link_in(lambda: api.post(RESET, {"email": user.email}, format="json")))

    response = api.post(CONFIRM, {"uid": uid, "token": token, "new_password": "12345"}, format="json")

    error = assert_error(response, 400, "invalid")
    assert TOO_SHORT in error["fields"]["new_password"]
    assert phone.get("/api/v1/me/").status_code == 200
    # The link still works for a good password.
    ok = api.post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json")
    assert ok.status_code == 200


def test_confirm_names_missing_fields(api: APIClient) -> None:
    error = assert_error(api.post(CONFIRM, {}, format="json"), 400, "invalid")
    assert set(error["fields"]) == {"uid", "token", "new_password"}


# --- change ----------------------------------------------------------------------------------------------------


def test_change_gives_this_device_a_new_token_and_revokes_the_others(user: User, password: str) -> None:
    api = APIClient(HTTP_USER_AGENT="BurnoutApp/1.2")
    first = api.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": password, "device_name": "Anna's phone"},
        format="json",
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    other_device = client_for(user)
    browser = Client()
    browser.force_login(user)

    response = api.post(CHANGE, {"old_password": password, "new_password": NEW_PASSWORD}, format="json")

    assert response.status_code == 200
    new_token = response.json()["token"]
    assert new_token != first and response.json()["user"]["id"] == user.pk
    assert_error(api.get("/api/v1/me/"), 401, "authentication_failed")
    assert_error(other_device.get("/api/v1/me/"), 401, "authentication_failed")
    assert browser.get(reverse("accounts:profile")).status_code == 302
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {new_token}")
    assert fresh.get("/api/v1/me/").status_code == 200
    assert [device["device_name"] for device in fresh.get("/api/v1/me/tokens/").json()["results"]] == ["Anna's phone"]


def test_change_keeps_a_two_factor_token_two_factor(two_factor_psychologist: User, password: str) -> None:
    api = client_for(two_factor_psychologist, otp=True)
    response = api.post(CHANGE, {"old_password": password, "new_password": NEW_PASSWORD}, format="json")
    assert response.json()["token"].startswith(OTP_TOKEN_PREFIX)


def test_change_with_the_session_keeps_that_browser_signed_in(user: User, password: str) -> None:
    browser, other = Client(), Client()
    browser.force_login(user)
    other.force_login(user)
    phone = client_for(user)

    response = browser.post(
        CHANGE, {"old_password": password, "new_password": NEW_PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200
    assert browser.get(reverse("accounts:profile")).status_code == 200
    assert other.get(reverse("accounts:profile")).status_code == 302
    assert phone.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("language", ["en", "ru"])
def test_change_refuses_a_wrong_old_password(patient_api: APIClient, user: User, language: str) -> None:
    response = patient_api.post(
        CHANGE, {"old_password": "nope", "new_password": NEW_PASSWORD}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    message = WRONG_OLD if language == "en" else "Ваш старый пароль введён неправильно. Пожалуйста, введите его снова."  # noqa: RUF001
    error = assert_error(response, 400, "wrong_password", message)
    assert error["fields"] == {"old_password": [message]}
    assert patient_api.get("/api/v1/me/").status_code == 200  # nothing revoked


def test_change_refuses_a_weak_password(patient_api: APIClient, user: User, password: str) -> None:
    response = patient_api.post(CHANGE, {"old_password": password, "new_password": user.username}, format="json")
    error = assert_error(response, 400, "invalid")
    assert "The password is too similar to the username." in error["fields"]["new_password"]
    user.refresh_from_db()
    assert user.check_password(password)
    assert patient_api.get("/api/v1/me/").status_code == 200


def test_change_names_missing_fields_and_changes_nothing(patient_api: APIClient, user: User, password: str) -> None:
    error = assert_error(patient_api.post(CHANGE, {}, format="json"), 400, "invalid")
    assert error["fields"] == {
        "old_password": ["This field is required."],
        "new_password": ["This field is required."],
    }
    user.refresh_from_db()
    assert user.check_password(password)


def test_a_mail_server_failure_is_logged_without_the_address(
    api: APIClient, user: User, settings, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "tests.api.test_password_api.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(RESET, {"email": user.email}, format="json")
    assert response.status_code == 202  # the person is told the same; the failure is ours to see
    assert f"could not send the password_reset e-mail to account {user.pk}: SMTPRecipientsRefused" in caplog.text
    assert user.email not in caplog.text


def test_change_needs_a_sign_in(api: APIClient) -> None:
    assert_error(api.post(CHANGE, {"old_password": "a", "new_password": "b"}, format="json"), 401, "not_authenticated")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the recipient, quoting the address as real ones do."""

    def send_messages(self, email_messages: list) -> int:
        recipient = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({recipient: (550, f"<{recipient}>: Recipient address rejected".encode())})
