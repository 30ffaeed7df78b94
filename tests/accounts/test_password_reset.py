"""Password reset by e-mail on the web: the same answer for any address, throttled, translated, and a reset
that signs the account out everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

RESET = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
NEW_PASSWORD = "amber-otter-compass-73"
INVALID_LINK = (
    "This password reset link does not work: it was already used, it has expired, or it was copied only in part. "
    "Please ask for a new one."
)
INVALID_LINK_RU = (
    "Эта ссылка для сброса пароля не работает: ею уже воспользовались, её срок истёк или она скопирована не "  # noqa: RUF001
    "полностью. Пожалуйста, запросите новую."
)


def _set(client: Client, path: str, password: str = NEW_PASSWORD, again: str | None = None) -> object:
    """Open the link (Django swaps the token for a session marker), then post the new password."""
    form_page = client.get(path, follow=True)
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": again or password})


def test_the_log_in_page_links_to_the_reset(client: Client) -> None:
    assert f'href="{RESET}"' in client.get(reverse("accounts:login")).content.decode()


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client: Client, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(RESET, {"email": user.email.upper()})
        unknown = client.post(RESET, {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (302, DONE)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    done = client.get(DONE).content.decode()
    assert "If an account uses this address, a link to choose a new password is on its way." in done


def test_the_e_mail_holds_the_link_and_nothing_about_the_person(client: Client, user: User, reset_link_in) -> None:
    path = reset_link_in(lambda: client.post(RESET, {"email": user.email}))

    message = mail.outbox[-1]
    assert message.subject == "Reset your password for the Burnout detector"
    assert f"http://127.0.0.1:8000{path}" in message.body and user.username in message.body
    assert "The link works once, for 2 hours." in message.body


def test_the_e_mail_is_in_the_persons_language(client: Client, user: User, reset_link_in) -> None:
    user.language = "ru"
    user.save(update_fields=["language"])
    reset_link_in(lambda: client.post(RESET, {"email": user.email}))  # an English page asked for it
    assert mail.outbox[-1].subject == "Сброс пароля в «Детекторе выгорания»"  # noqa: RUF001
    assert "Ссылка работает один раз, 2 часа." in mail.outbox[-1].body


def test_without_a_saved_language_the_e_mail_follows_the_page(client: Client, user: User, reset_link_in) -> None:
    reset_link_in(lambda: client.post(RESET, {"email": user.email}, HTTP_ACCEPT_LANGUAGE="ru"))
    assert mail.outbox[-1].subject == "Сброс пароля в «Детекторе выгорания»"  # noqa: RUF001


def test_a_reset_sets_the_password_and_signs_out_everywhere(client: Client, user: User, reset_link_in) -> None:
    _instance, token = AuthToken.objects.create(user)
    phone = APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    browser = Client()
    browser.force_login(user)
    path = reset_link_in(lambda: client.post(RESET, {"email": user.email}))

    response = _set(client, path)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert phone.get("/api/v1/me/").status_code == 401
    assert browser.get(reverse("accounts:profile")).status_code == 302
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    assert AuditEvent.objects.filter(subject_user=user, action=AuditEvent.Action.PASSWORD_RESET).count() == 1
    complete = client.get(reverse("accounts:password_reset_complete")).content.decode()
    assert "Every device and app that was signed in to your account is signed out now" in complete
    assert (
        client.post(reverse("accounts:login"), {"username": user.username, "password": NEW_PASSWORD}).status_code == 302
    )


def test_a_link_works_once(client: Client, user: User, reset_link_in) -> None:
    path = reset_link_in(lambda: client.post(RESET, {"email": user.email}))
    assert _set(client, path).status_code == 302

    again = Client().get(path, follow=True)

    assert again.status_code == 400
    assert "<h1>This link does not work</h1>" in again.content.decode()
    assert INVALID_LINK in again.content.decode()
    assert f'href="{RESET}"' in again.content.decode()


@pytest.mark.parametrize(
    ("path", "language", "message"),
    [
        ("/accounts/reset/MQ/not-a-token/", "en", INVALID_LINK),
        ("/accounts/reset/%%%/x-y/", "en", INVALID_LINK),
        ("/accounts/reset/MQ/not-a-token/", "ru", INVALID_LINK_RU),
    ],
)
def test_a_bad_link_is_a_400_that_says_what_to_do(client: Client, path: str, language: str, message: str) -> None:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_expired_link_is_refused(client: Client, user: User, reset_link_in, time_machine) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    path = reset_link_in(lambda: client.post(RESET, {"email": user.email}))
    time_machine.shift(timedelta(hours=2, minutes=1))
    assert INVALID_LINK in client.get(path, follow=True).content.decode()


def test_a_weak_new_password_is_refused_and_nothing_changes(client: Client, user: User, reset_link_in) -> None:
    path = reset_link_in(lambda: client.post(RESET, {"email": user.email}))
    AuthToken.objects.create(user)

    response = _set(client, path, password="12345")

    assert response.status_code == 400
    assert "This password is too short. It must contain at least 8 characters." in response.content.decode()
    user.refresh_from_db()
    assert not user.check_password("12345")
    assert AuthToken.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET).exists()


def test_mismatched_passwords_are_refused_in_russian(client: Client, user: User, reset_link_in) -> None:
    path = reset_link_in(lambda: client.post(RESET, {"email": user.email}))
    form_page = client.get(path, follow=True, HTTP_ACCEPT_LANGUAGE="ru")
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert "Введенные пароли не совпадают." in response.content.decode()


@pytest.mark.parametrize(
    ("email", "language", "message"),
    [
        ("not-an-address", "en", "Enter a valid email address."),
        ("", "en", "This field is required."),
        ("not-an-address", "ru", "Введите правильный адрес электронной почты."),
    ],
)
def test_a_malformed_address_is_a_400(client: Client, email: str, language: str, message: str) -> None:
    response = client.post(RESET, {"email": email}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not mail.outbox


def test_requests_for_one_address_are_limited_whether_or_not_it_exists(
    client: Client, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    for email in (user.email, "nobody@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            answers = [client.post(RESET, {"email": email}, REMOTE_ADDR=f"10.0.0.{n}") for n in range(4)]
        assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
        body = answers[-1].content.decode()
        assert "Many password reset e-mails were asked for in a short time. Please try again in" in body
        assert int(answers[-1]["Retry-After"]) > 0
    assert len(mail.outbox) == 3  # the refused request sent nothing


@override_settings(PASSWORD_RESET_RATE_IP="2/hour")
def test_requests_from_one_address_are_limited_in_russian(client: Client) -> None:
    for n in range(2):
        assert client.post(RESET, {"email": f"someone{n}@example.com"}).status_code == 302

    response = client.post(RESET, {"email": "another@example.com"}, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 429
    assert "Слишком много запросов на сброс пароля за короткое время." in response.content.decode()  # noqa: RUF001


def test_no_link_for_an_account_without_a_password_or_inactive(
    client: Client, django_capture_on_commit_callbacks: Callable
) -> None:
    no_password = UserFactory(email="np@example.com")
    no_password.set_unusable_password()
    no_password.save()
    UserFactory(email="gone@example.com", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("np@example.com", "gone@example.com"):
            assert client.post(RESET, {"email": email})["Location"] == DONE
    assert not mail.outbox


def test_the_pages_are_in_russian(client: Client) -> None:
    page = client.get(RESET, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Сброс пароля" in page and "Отправить ссылку" in page  # noqa: RUF001
    login = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Забыли пароль?" in login


def _shared_cache_keys() -> list[str]:
    """Every key in the shared cache: Redis when REDIS_URL is set (CI's second stage), else its database table."""
    cache = caches["shared"]
    if isinstance(cache, RedisCache):
        return [key.decode() for key in cache._cache.get_client().keys("*")]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {settings.SHARED_CACHE_TABLE}")  # the table named by a setting
        return [row[0] for row in cursor.fetchall()]


def test_the_counters_hold_no_address_in_the_clear(client: Client, user: User) -> None:
    client.post(RESET, {"email": user.email}, REMOTE_ADDR="203.0.113.7")

    keys = _shared_cache_keys()
    assert any("password_reset_email" in key for key in keys) and any("password_reset_ip" in key for key in keys)
    assert not [key for key in keys if user.email in key or "203.0.113.7" in key]
