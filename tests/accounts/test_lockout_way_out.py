"""The log-in pause (django-axes) has a way out: its message links to the password reset, and a reset or a staff
action lifts it at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

LOGIN_URL = reverse("accounts:login")
TOKEN = "/api/v1/auth/token/"
NEW_PASSWORD = "amber-otter-compass-73"
LOCKED_EN = (
    "Too many failed log-in attempts. For your safety, logging in to this account from here is paused for 1 hour. "
    "Please try again later. Forgot your password? Resetting it lifts the pause at once."
)
LOCKED_RU = (
    "Слишком много неудачных попыток входа. Ради вашей безопасности вход в эту учётную запись отсюда "
    "приостановлен на 1 час. Пожалуйста, попробуйте позже. Забыли пароль? Сброс пароля сразу снимает паузу."  # noqa: RUF001
)


def _lock_out(client: Client, user: User) -> None:
    for _ in range(5):
        client.post(LOGIN_URL, {"username": user.username, "password": "wrong-password"})


def _logs_in(client: Client, user: User, password: str) -> bool:
    client.post(LOGIN_URL, {"username": user.username, "password": password})
    return get_user(client).is_authenticated


@pytest.mark.parametrize(
    ("language", "message", "link"),
    [("en", LOCKED_EN, "Reset your password"), ("ru", LOCKED_RU, "Сброс пароля")],  # noqa: RUF001
)
def test_the_lockout_page_links_to_the_reset(
    client: Client, user: User, password: str, language: str, message: str, link: str
) -> None:
    _lock_out(client, user)

    response = client.post(LOGIN_URL, {"username": user.username, "password": password}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 429
    body = response.content.decode()
    assert message in body
    assert f'<a class="button" href="{reverse("accounts:password_reset")}">{link}</a>' in body


def test_the_api_lockout_names_the_reset_in_russian(user: User, password: str) -> None:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ru")
    for _ in range(5):
        api.post(TOKEN, {"username": user.username, "password": "wrong-password"}, format="json")

    error = api.post(TOKEN, {"username": user.username, "password": password}, format="json").json()["error"]

    assert error["code"] == "locked_out"
    assert error["message"] == LOCKED_RU
    assert error["password_reset"] == "/api/v1/auth/password-reset/"


def test_a_password_reset_lifts_the_pause(client: Client, user: User, password: str, reset_link_in) -> None:
    _lock_out(client, user)
    assert not _logs_in(client, user, password)
    path = reset_link_in(lambda: client.post(reverse("accounts:password_reset"), {"email": user.email}))

    form_page = client.get(path, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert _logs_in(client, user, NEW_PASSWORD)


def test_an_api_password_reset_lifts_the_pause_of_the_api_too(user: User, password: str, reset_link_in) -> None:
    api = APIClient()
    for _ in range(5):
        api.post(TOKEN, {"username": user.username, "password": "wrong-password"}, format="json")
    path = reset_link_in(lambda: api.post("/api/v1/auth/password-reset/", {"email": user.email}, format="json"))
    uid, token = path.strip("/").split("/")[2:]  # /accounts/reset/<uid>/<token>/

    confirm = api.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": NEW_PASSWORD},
        format="json",
    )

    assert confirm.status_code == 200
    assert api.post(TOKEN, {"username": user.username, "password": NEW_PASSWORD}, format="json").status_code == 200


def test_staff_lift_the_pause_from_the_admin_and_it_is_audited(
    client: Client, admin_client: Client, admin_user: User, user: User, password: str
) -> None:
    _lock_out(client, user)

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_users", "_selected_action": [user.pk]},
        follow=True,
    )

    assert "The log-in pause of 1 account is lifted." in response.content.decode()
    assert _logs_in(client, user, password)
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOCKOUT_CLEARED)
    assert (event.actor, event.subject_user, event.detail) == (admin_user, user, {"reason": "staff"})


def test_the_admin_action_is_in_russian(admin_client: Client, user: User) -> None:
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_users", "_selected_action": [user.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert "Пауза входа снята с 1 учётной записи." in response.content.decode()  # noqa: RUF001
