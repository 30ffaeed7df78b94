"""Two-factor recovery codes: made at set-up and shown once, each works once wherever a code is asked for, made
anew only with a current authenticator code; a use is audited and e-mailed, and no code reaches the log."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from accounts.services.otp import otp_recovery_codes_create
from burnout_site.api.authentication import OTP_TOKEN_PREFIX
from tests.accounts.totp import totp_code
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

CODES_PAGE = reverse("accounts:otp_recovery_codes")
VERIFY = reverse("accounts:otp_verify")
WRONG = (
    "This code is not correct. Type the 6-digit code your authenticator app shows now; after several wrong codes, "
    "wait a little before the next try."
)


@pytest.fixture
def psychologist_with_codes(db: None) -> tuple[User, TOTPDevice, list[str]]:
    """A verified psychologist with a confirmed authenticator and a fresh set of recovery codes."""
    user = PsychologistProfileFactory().user
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device, otp_recovery_codes_create(user=user)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _verify(client: Client, code: str, **extra: str) -> object:
    return client.post(VERIFY, {"token": code, "next": reverse("portal:patients")}, **extra)


def test_set_up_shows_ten_codes_once(client: Client, django_capture_on_commit_callbacks: Callable) -> None:
    user = PsychologistProfileFactory().user
    client.force_login(user)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=user)

    done = client.post(reverse("accounts:otp_setup"), {"token": totp_code(device), "next": "/portal/"}, follow=True)

    shown = done.context["codes"]
    assert len(shown) == 10 and len(set(shown)) == 10
    assert all(len(code) == 9 and code[4] == " " for code in shown)
    assert "They are shown only now." in done.content.decode()
    again = client.get(CODES_PAGE)
    assert again.context["codes"] == [] and "You have 10 unused recovery codes." in again.content.decode()
    assert AuditEvent.objects.filter(subject_user=user, action=AuditEvent.Action.OTP_RECOVERY_CODES_CREATED).exists()


def test_a_code_works_once_on_the_web(
    psychologist_with_codes: tuple, django_capture_on_commit_callbacks: Callable, caplog: pytest.LogCaptureFixture
) -> None:
    user, _device, codes = psychologist_with_codes
    caplog.set_level(logging.DEBUG)
    first = _signed_in(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _verify(first, f"{codes[0][:4].upper()}-{codes[0][4:]}")  # as typed from a printout

    assert response.status_code == 302 and response["Location"] == reverse("portal:patients")
    assert first.get(reverse("portal:patients")).status_code == 200
    again = _verify(_signed_in(user), codes[0])
    assert again.status_code == 400 and WRONG in again.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 9
    # Audited (how many are left, never the code) and e-mailed (without the code).
    event = AuditEvent.objects.get(subject_user=user, action=AuditEvent.Action.OTP_RECOVERY_CODE_USED)
    assert event.detail == {"codes_left": 9}
    [message] = mail.outbox
    assert message.to == [user.email] and message.subject == "A recovery code of your account was used"
    assert "9 unused codes are left." in message.body
    for code in codes:
        assert code not in message.body and code not in caplog.text and code not in str(event.detail)


def test_the_e_mail_is_in_the_persons_language(
    psychologist_with_codes: tuple, django_capture_on_commit_callbacks: Callable
) -> None:
    user, _device, codes = psychologist_with_codes
    user.language = "ru"
    user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        _verify(_signed_in(user), codes[1])
    assert mail.outbox[0].subject == "Использован код восстановления вашей учётной записи"
    assert "Осталось 9 неиспользованных кодов." in mail.outbox[0].body


def test_the_api_token_endpoint_takes_a_code_once(psychologist_with_codes: tuple, password: str) -> None:
    user, _device, codes = psychologist_with_codes
    body = {"username": user.username, "password": password, "otp_token": codes[2]}

    first = APIClient().post("/api/v1/auth/token/", body, format="json")
    again = APIClient().post("/api/v1/auth/token/", body, format="json")

    assert first.status_code == 200 and first.json()["token"].startswith(OTP_TOKEN_PREFIX)
    assert again.status_code == 400 and again.json()["error"]["code"] == "otp_invalid"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OTP_RECOVERY_CODE_USED).count() == 1


def test_the_admin_takes_a_code(password: str) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    codes = otp_recovery_codes_create(user=staff)
    client = _signed_in(staff)

    response = client.post(VERIFY, {"token": codes[0], "next": reverse("admin:index")})

    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_new_codes_need_a_current_authenticator_code_and_replace_the_old(psychologist_with_codes: tuple) -> None:
    user, device, old_codes = psychologist_with_codes
    client = _signed_in(user)

    refused = client.post(CODES_PAGE, {"token": old_codes[0][:6]})  # not six digits: a recovery code does not do
    assert refused.status_code == 400 and "Enter the 6 digits your authenticator app shows." in refused.content.decode()
    made = client.post(CODES_PAGE, {"token": totp_code(device)}, follow=True)

    new_codes = [code.replace(" ", "") for code in made.context["codes"]]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert _verify(_signed_in(user), new_codes[0]).status_code == 302
    # (After a wrong code django-otp makes the next try wait a moment: the old code is tried last.)
    assert _verify(_signed_in(user), old_codes[3]).status_code == 400


@pytest.mark.parametrize(("language", "message"), [("en", WRONG), ("ru", "Код неверный. Введите 6-значный код")])
def test_a_wrong_authenticator_code_makes_no_new_codes(
    psychologist_with_codes: tuple, language: str, message: str
) -> None:
    user, _device, codes = psychologist_with_codes
    response = _signed_in(user).post(CODES_PAGE, {"token": "000000"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400 and message in response.content.decode()
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Enter the 6 digits your authenticator app shows, or one of your recovery codes."),
        ("ru", "Введите 6 цифр из приложения-аутентификатора или один из ваших кодов восстановления."),
    ],
)
def test_the_code_step_explains_a_malformed_code(psychologist_with_codes: tuple, language: str, message: str) -> None:
    user, _device, _codes = psychologist_with_codes
    client = _signed_in(user)
    response = _verify(client, "12ab", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400 and message in response.content.decode()
    assert client.get(reverse("portal:patients"))["Location"].startswith(VERIFY)


def test_the_page_is_for_two_factor_roles_only(client_logged_in: Client) -> None:
    assert client_logged_in.get(CODES_PAGE).status_code == 404


def test_the_page_sends_to_set_up_first() -> None:
    user = PsychologistProfileFactory().user
    response = _signed_in(user).get(CODES_PAGE)
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


def test_staff_cannot_read_codes_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get("/admin/otp_static/staticdevice/").status_code == 404
