"""The devices page: the account's signed-in apps, each with its name and times, and a sign-out button."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import TokenDevice, User
from accounts.services.devices import token_device_create
from accounts.services.export import _export_sections
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEVICES = reverse("accounts:devices")


def _api_for(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def test_the_profile_links_to_the_devices_page(client_logged_in: Client) -> None:
    assert f'href="{DEVICES}"' in client_logged_in.get(reverse("accounts:profile")).content.decode()


def test_the_page_lists_each_device(client_logged_in: Client, user: User) -> None:
    token_device_create(user=user, device_name="Anna's phone")
    token_device_create(user=user, user_agent="Mozilla/5.0 (Windows NT 10.0) Firefox/128.0")
    token_device_create(user=UserFactory(), device_name="Someone else's phone")

    body = client_logged_in.get(DEVICES).content.decode()

    assert "Anna&#x27;s phone" in body and "Firefox · Windows" in body
    assert "Someone else" not in body
    assert body.count("Sign out</button>") == 2
    assert "Last used" in body and "Signed in" in body


def test_an_empty_list_says_so_in_russian(client_logged_in: Client) -> None:
    body = client_logged_in.get(DEVICES, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Ни в одном приложении не выполнен вход в вашу учётную запись." in body


def test_signing_a_device_out(client_logged_in: Client, user: User) -> None:
    _instance, token = token_device_create(user=user, device_name="tablet")
    device = TokenDevice.objects.get(token__user=user)

    response = client_logged_in.post(reverse("accounts:device_revoke", args=[device.pk]), follow=True)

    assert response.redirect_chain[-1][0] == DEVICES
    assert "The device is signed out." in response.content.decode()
    assert _api_for(token).get("/api/v1/me/").status_code == 401


def test_someone_elses_device_is_a_404_with_a_message(client_logged_in: Client) -> None:
    _instance, token = token_device_create(user=UserFactory(), device_name="theirs")
    theirs = TokenDevice.objects.get(name="theirs")

    response = client_logged_in.post(reverse("accounts:device_revoke", args=[theirs.pk]), HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 404
    assert "Это устройство не входит (больше не входит) в вашу учётную запись." in response.content.decode()
    assert _api_for(token).get("/api/v1/me/").status_code == 200


def test_revoke_is_post_only_and_the_page_needs_a_sign_in(client: Client, client_logged_in: Client) -> None:
    assert client_logged_in.get(reverse("accounts:device_revoke", args=[1])).status_code == 405
    assert client.get(DEVICES)["Location"].startswith(reverse("accounts:login"))


def test_the_data_export_lists_the_devices_without_their_tokens(user: User) -> None:
    _instance, token = token_device_create(user=user, device_name="Anna's phone")
    token_device_create(user=UserFactory(), device_name="not hers")

    [row] = _export_sections(user)["devices"]

    assert row["device_name"] == "Anna's phone" and set(row) == {"device_name", "signed_in", "last_used", "expiry"}
    assert token not in str(row)
