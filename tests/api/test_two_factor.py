"""A psychologist sets up the authenticator through the API, as on the web page."""

from __future__ import annotations

from base64 import b32decode

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.api.conftest import assert_error, client_for
from tests.factories import PsychologistProfileFactory

URL = "/api/v1/me/two-factor/"


def _code_for(secret: str) -> str:
    return f"{totp(b32decode(secret)):06d}"


def test_psychologist_gets_a_key_confirms_it_and_then_needs_the_code(db: None) -> None:
    psychologist = PsychologistProfileFactory().user
    client = client_for(psychologist)

    state = client.get(URL).json()
    assert state["confirmed"] is False and state["otpauth_uri"].startswith("otpauth://totp/")
    assert client.get(URL).json()["secret"] == state["secret"]  # the same pending device, not a new one each time

    response = client.post(URL, {"token": _code_for(state["secret"])}, format="json")
    # The confirmation now also carries the recovery codes, shown this once.
    assert response.status_code == 200 and set(response.json()) == {"confirmed", "recovery_codes"}
    assert response.json()["confirmed"] is True and len(set(response.json()["recovery_codes"])) == 10
    assert TOTPDevice.objects.filter(user=psychologist, confirmed=True).count() == 1
    assert client.get(URL).json() == {"confirmed": True}  # the key and the codes are never shown again


def test_wrong_code_is_a_field_error(db: None) -> None:
    client = client_for(PsychologistProfileFactory().user)
    client.get(URL)
    error = assert_error(client.post(URL, {"token": "000000"}, format="json"), 400, "wrong_code")
    assert "This code is not correct." in error["fields"]["token"][0]


def test_missing_code_is_a_field_error(db: None) -> None:
    client = client_for(PsychologistProfileFactory().user)
    error = assert_error(client.post(URL, {}, format="json"), 400, "invalid")
    assert error["fields"]["token"] == ["This field is required."]


def test_second_confirmation_is_refused(db: None) -> None:
    psychologist = PsychologistProfileFactory().user
    TOTPDevice.objects.create(user=psychologist, name="phone", confirmed=True)
    assert_error(
        client_for(psychologist).post(URL, {"token": "123456"}, format="json"),
        400,
        "already_confirmed",
        "Two-factor authentication is already on.",
    )


def test_patients_and_anonymous_are_refused(user: User, api) -> None:
    assert_error(
        client_for(user).get(URL), 403, "not_psychologist", "Only psychologist accounts use two-factor sign-in."
    )
    assert_error(api.get(URL), 401, "not_authenticated")
