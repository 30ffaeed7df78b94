from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("accounts:signup")
STRONG_PASSWORD = "violet-harbour-lantern-81"


def _payload(**overrides: str) -> dict[str, str]:
    return {
        "username": "anna",
        "email": "anna@example.com",
        "role": User.Role.PSYCHOLOGIST,
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        **overrides,
    }


def test_signup_page_renders(client: Client) -> None:
    response = client.get(SIGNUP_URL)

    assert response.status_code == 200
    assert 'type="radio"' in response.content.decode()


def test_signup_creates_user_logs_in_and_redirects_to_dashboard(client: Client) -> None:
    response = client.post(SIGNUP_URL, _payload(role=User.Role.PATIENT))

    assert response.status_code == 302
    assert response["Location"] == reverse("emotions:dashboard")
    user = User.objects.get(username="anna")
    assert user.email == "anna@example.com"
    assert user.role == User.Role.PATIENT
    assert user.check_password(STRONG_PASSWORD)
    assert get_user(client).pk == user.pk


def test_psychologist_signup_leads_to_the_licence_form(client: Client) -> None:
    response = client.post(SIGNUP_URL, _payload())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:psychologist_profile")
    assert User.objects.get(username="anna").role == User.Role.PSYCHOLOGIST


def test_signup_defaults_to_patient_role_choice(client: Client) -> None:
    response = client.get(SIGNUP_URL)

    assert response.context["form"]["role"].value() == User.Role.PATIENT


def test_signup_rejects_duplicate_username_ignoring_case(client: Client) -> None:
    UserFactory(username="anna")

    response = client.post(SIGNUP_URL, _payload(username="ANNA", email="other@example.com"))

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["A user with that username already exists."]
    assert User.objects.count() == 1


def test_signup_rejects_duplicate_email_ignoring_case(client: Client) -> None:
    UserFactory(email="anna@example.com")

    response = client.post(SIGNUP_URL, _payload(username="anna2", email="Anna@Example.COM"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["A user with that email address already exists."]
    assert "A user with that email address already exists." in response.content.decode()
    assert not User.objects.filter(username="anna2").exists()


def test_signup_requires_email(client: Client) -> None:
    response = client.post(SIGNUP_URL, _payload(email=""))

    assert response.context["form"].errors["email"] == ["This field is required."]


def test_signup_rejects_unknown_role(client: Client) -> None:
    response = client.post(SIGNUP_URL, _payload(role="admin"))

    assert response.context["form"].errors["role"] == [
        "Select a valid choice. admin is not one of the available choices."
    ]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("x7!k", "This password is too short. It must contain at least 8 characters."),
        ("4815162342", "This password is entirely numeric."),
        ("kateryna1", "The password is too similar to the username."),
    ],
)
def test_signup_rejects_weak_password(client: Client, password: str, message: str) -> None:
    response = client.post(SIGNUP_URL, _payload(username="kateryna", password1=password, password2=password))

    assert response.status_code == 200
    assert message in response.context["form"].errors["password2"]
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_signup_rejects_mismatched_passwords(client: Client) -> None:
    response = client.post(SIGNUP_URL, _payload(password2=STRONG_PASSWORD + "x"))

    assert response.status_code == 200
    assert response.context["form"].errors["password2"] == ["The two password fields didn\u2019t match."]
    assert not User.objects.exists()


def test_signup_redirects_a_logged_in_user_to_dashboard(client_logged_in: Client) -> None:
    response = client_logged_in.get(SIGNUP_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("emotions:dashboard")
