"""/me/psychologist-profile/: where burnout alerts go (e-mail or Telegram), read and changed over the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import PsychologistProfile, User
from telegram_bridge.models import TelegramAccount
from tests.api.conftest import assert_error, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/api/v1/me/psychologist-profile/"


@pytest.fixture(autouse=True)
def _bot_on(settings) -> None:
    settings.TELEGRAM_BOT_TOKEN = "123456:TEST-token"
    settings.SITE_URL = "https://burnout.example"


def _link_telegram(user: User) -> TelegramAccount:
    return TelegramAccount.objects.create(user=user, telegram_user_id=99, chat_id=99)


def test_profile_shows_the_chosen_and_the_effective_channel(psychologist_api: APIClient) -> None:
    body = psychologist_api.get(PROFILE).json()
    assert (body["alert_channel"], body["alert_channel_effective"]) == ("email", "email")


def test_choose_telegram_with_a_linked_chat(psychologist_api: APIClient, two_factor_psychologist: User) -> None:
    account = _link_telegram(two_factor_psychologist)

    response = psychologist_api.patch(PROFILE, {"alert_channel": "telegram"}, format="json")

    assert response.status_code == 200
    assert (response.json()["alert_channel"], response.json()["alert_channel_effective"]) == ("telegram", "telegram")
    assert PsychologistProfile.objects.get(user=two_factor_psychologist).alert_channel == "telegram"

    # Unlinked later: the choice stays, the alerts go by e-mail until a chat is linked again.
    account.delete()
    body = psychologist_api.get(PROFILE).json()
    assert (body["alert_channel"], body["alert_channel_effective"]) == ("telegram", "email")


def test_telegram_without_a_linked_chat_is_refused(psychologist_api: APIClient, two_factor_psychologist: User) -> None:
    response = psychologist_api.patch(PROFILE, {"alert_channel": "telegram"}, format="json")

    message = "Connect Telegram to your account first: https://burnout.example/telegram/connect/"
    error = assert_error(response, 400, "not_connected", message)
    assert error["fields"] == {"alert_channel": [message]}
    assert PsychologistProfile.objects.get(user=two_factor_psychologist).alert_channel == "email"


def test_telegram_while_the_bot_is_off_is_refused(
    psychologist_api: APIClient, two_factor_psychologist: User, settings
) -> None:
    _link_telegram(two_factor_psychologist)
    settings.TELEGRAM_BOT_TOKEN = ""
    assert_error(psychologist_api.patch(PROFILE, {"alert_channel": "telegram"}, format="json"), 400, "not_connected")


def test_unknown_or_missing_channel(psychologist_api: APIClient) -> None:
    error = assert_error(psychologist_api.patch(PROFILE, {"alert_channel": "sms"}, format="json"), 400, "invalid")
    assert error["fields"] == {"alert_channel": ['"sms" is not a valid choice.']}
    error = assert_error(psychologist_api.patch(PROFILE, {}, format="json"), 400, "invalid")
    assert error["fields"] == {"alert_channel": ["This field is required."]}


def test_choosing_needs_a_login(api: APIClient) -> None:
    assert_error(api.patch(PROFILE, {"alert_channel": "email"}, format="json"), 401, "not_authenticated")


def test_choosing_needs_what_patient_data_needs(two_factor_psychologist: User) -> None:
    error = assert_error(
        client_for(two_factor_psychologist).patch(PROFILE, {"alert_channel": "email"}), 403, "otp_required"
    )
    assert error["message"] == "Sign in again with your two-factor code to see patients' data."
    patient = client_for(UserFactory())
    assert_error(patient.patch(PROFILE, {"alert_channel": "email"}), 403, "psychologists_only")
