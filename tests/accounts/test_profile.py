from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("accounts:profile")


def _payload(**overrides: str) -> dict[str, str]:
    return {
        "first_name": "Anna",
        "email": "anna.new@example.com",
        "timezone": "Europe/Moscow",
        "language": "en",
        **overrides,
    }


@pytest.mark.parametrize(
    "url_name",
    ["accounts:profile", "accounts:password_change", "accounts:password_change_done"],
)
def test_account_pages_redirect_anonymous_to_login(client: Client, url_name: str) -> None:
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_anonymous_profile_post_changes_nothing(client: Client, user: User) -> None:
    response = client.post(PROFILE_URL, _payload())

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.timezone == "UTC"


def test_profile_shows_current_values_and_role_read_only(client_logged_in: Client, user: User) -> None:
    response = client_logged_in.get(PROFILE_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert user.username in body
    assert "Patient" in body
    assert "role" not in response.context["form"].fields
    assert response.context["form"]["email"].value() == user.email


def test_profile_shows_psychologist_role(psychologist_client: Client) -> None:
    response = psychologist_client.get(PROFILE_URL)

    assert "Psychologist" in response.content.decode()


def test_profile_edit_saves_and_confirms(client_logged_in: Client, user: User) -> None:
    response = client_logged_in.post(PROFILE_URL, _payload())

    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    user.refresh_from_db()
    assert (user.first_name, user.email, user.timezone, user.language) == (
        "Anna",
        "anna.new@example.com",
        "Europe/Moscow",
        "en",
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your profile has been saved."]


def test_profile_edit_ignores_a_posted_role(client_logged_in: Client, user: User) -> None:
    client_logged_in.post(PROFILE_URL, _payload(role=User.Role.PSYCHOLOGIST))

    user.refresh_from_db()
    assert user.role == User.Role.PATIENT


def test_profile_rejects_unknown_time_zone(client_logged_in: Client, user: User) -> None:
    response = client_logged_in.post(PROFILE_URL, _payload(timezone="Mars/Olympus_Mons"))

    assert response.status_code == 200
    message = "“Mars/Olympus_Mons” is not a known time zone."
    assert response.context["form"].errors["timezone"] == [message]
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.timezone == "UTC"
    assert user.email != "anna.new@example.com"


def test_profile_rejects_unknown_language(client_logged_in: Client) -> None:
    response = client_logged_in.post(PROFILE_URL, _payload(language="xx"))

    assert response.context["form"].errors["language"] == ["“xx” is not an available language."]


def test_profile_rejects_email_of_another_user(client_logged_in: Client) -> None:
    UserFactory(email="taken@example.com")

    response = client_logged_in.post(PROFILE_URL, _payload(email="TAKEN@example.com"))

    assert response.context["form"].errors["email"] == ["A user with that email address already exists."]


def test_profile_keeps_own_email_in_another_case(client_logged_in: Client, user: User) -> None:
    response = client_logged_in.post(PROFILE_URL, _payload(email=user.email.upper()))

    assert response.status_code == 302


def test_profile_requires_email(client_logged_in: Client) -> None:
    response = client_logged_in.post(PROFILE_URL, _payload(email=""))

    assert response.context["form"].errors["email"] == ["This field is required."]


def test_profile_language_choice_sets_cookie(client_logged_in: Client) -> None:
    response = client_logged_in.post(PROFILE_URL, _payload(language="ru"))

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_profile_browser_language_clears_cookie(client_logged_in: Client) -> None:
    client_logged_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    response = client_logged_in.post(PROFILE_URL, _payload(language=""))

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == 0


def test_password_change_keeps_session_and_sets_new_password(
    client_logged_in: Client, user: User, password: str
) -> None:
    new_password = "amber-otter-compass-73"

    response = client_logged_in.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )

    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert client_logged_in.get(reverse("accounts:password_change_done")).status_code == 200


def test_password_change_rejects_wrong_old_password(client_logged_in: Client) -> None:
    response = client_logged_in.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "amber-otter-compass-73", "new_password2": "amber-otter-compass-73"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"] == [
        "Your old password was entered incorrectly. Please enter it again."
    ]


def test_profile_offers_to_connect_telegram(client_logged_in) -> None:
    response = client_logged_in.get("/accounts/profile/")
    assert "Connect Telegram" in response.content.decode()
    assert 'href="/telegram/connect/"' in response.content.decode()
