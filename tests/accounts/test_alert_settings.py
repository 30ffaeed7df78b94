"""The psychologist's "Burnout alerts" page: e-mail or Telegram, and Telegram only with a linked chat."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import PsychologistProfile, User
from telegram_bridge.models import TelegramAccount
from tests.factories import PsychologistProfileFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/psychologist/alerts/"
CONNECT = "/telegram/connect/"


@pytest.fixture(autouse=True)
def _bot_on(settings) -> None:
    settings.TELEGRAM_BOT_TOKEN = "123456:TEST-token"
    settings.TELEGRAM_BOT_USERNAME = "burnout_bot"
    settings.SITE_URL = "https://burnout.example"


def _channel(user: User) -> str:
    return PsychologistProfile.objects.get(user=user).alert_channel


def test_page_shows_the_choice_and_how_to_connect_telegram(portal_client: Client) -> None:
    response = portal_client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"]["alert_channel"].value() == "email"
    assert "Alerts in Telegram need your Telegram account connected to this account first." in page
    assert f'href="{CONNECT}"' in page


def test_email_is_saved(portal_client: Client, verified_psychologist: User) -> None:
    PsychologistProfile.objects.filter(user=verified_psychologist).update(alert_channel="telegram")
    response = portal_client.post(URL, {"alert_channel": "email"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Your alert settings have been saved." in response.content.decode()
    assert _channel(verified_psychologist) == "email"


def test_telegram_without_a_linked_chat_is_refused_with_the_link(
    portal_client: Client, verified_psychologist: User
) -> None:
    response = portal_client.post(URL, {"alert_channel": "telegram"})
    assert response.status_code == 400
    assert response.context["form"].errors["alert_channel"] == [
        "Connect Telegram to your account first: https://burnout.example/telegram/connect/"
    ]
    assert f'href="{CONNECT}"' in response.content.decode()
    assert _channel(verified_psychologist) == "email"


def test_telegram_with_a_linked_chat_is_saved(portal_client: Client, verified_psychologist: User) -> None:
    TelegramAccount.objects.create(user=verified_psychologist, telegram_user_id=5, chat_id=5)
    assert portal_client.post(URL, {"alert_channel": "telegram"}).status_code == 302
    assert _channel(verified_psychologist) == "telegram"
    assert "Your Telegram account is connected." in portal_client.get(URL).content.decode()


def test_unknown_channel_is_refused(portal_client: Client) -> None:
    response = portal_client.post(URL, {"alert_channel": "sms"})
    assert response.status_code == 400
    assert response.context["form"].errors["alert_channel"] == [
        "Select a valid choice. sms is not one of the available choices."
    ]


def test_telegram_chosen_then_unlinked_says_alerts_go_by_mail(
    portal_client: Client, verified_psychologist: User
) -> None:
    PsychologistProfile.objects.filter(user=verified_psychologist).update(alert_channel="telegram")
    page = portal_client.get(URL).content.decode()
    assert (
        "You chose Telegram, but no Telegram account is connected: alerts go by e-mail to "
        f"{verified_psychologist.email} until you connect one."
    ) in page


def test_page_needs_the_portal_checks(client: Client, client_logged_in: Client, psychologist_client: Client) -> None:
    assert client.get(URL).status_code == 302  # to the login page
    assert client_logged_in.get(URL).status_code == 404  # patients have no such page
    assert psychologist_client.get(URL)["Location"] == reverse("accounts:psychologist_profile")
    unverified = Client()
    unverified.force_login(PsychologistProfileFactory(verified_at=None).user)
    assert unverified.get(URL)["Location"] == reverse("accounts:psychologist_pending")


def test_profile_and_portal_link_to_the_page(portal_client: Client) -> None:
    assert f'href="{URL}"' in portal_client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{URL}"' in portal_client.get(reverse("portal:patients")).content.decode()


def test_connect_page_for_a_psychologist(portal_client: Client, verified_psychologist: User) -> None:
    """A psychologist links Telegram to receive alerts: behind two-factor sign-in, like the alerts themselves."""
    without_code = Client()
    without_code.force_login(verified_psychologist)
    assert without_code.get(CONNECT)["Location"] == f"{reverse('accounts:otp_verify')}?next=%2Ftelegram%2Fconnect%2F"

    page = portal_client.get(CONNECT).content.decode()
    assert "Receive burnout alerts about your patients in Telegram" in page
    assert f'href="{URL}"' in page
    assert "https://t.me/burnout_bot?start=" in portal_client.post(CONNECT).content.decode()
