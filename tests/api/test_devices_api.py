"""Signed-in devices: each token's device name, creation and last use; revoking one, never someone else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import TokenDevice, User
from accounts.services.devices import device_name_from_user_agent
from tests.api.conftest import assert_error, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/me/tokens/"
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
NOT_YOURS = "This device is not signed in to your account (any more)."


def _sign_in(user: User, password: str, **extra: str) -> tuple[APIClient, dict]:
    user_agent = extra.pop("user_agent", "")
    api = APIClient(HTTP_USER_AGENT=user_agent) if user_agent else APIClient()
    body = api.post("/api/v1/auth/token/", {"username": user.username, "password": password, **extra}, format="json")
    assert body.status_code == 200, body.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {body.json()['token']}")
    return api, body.json()


def test_the_list_names_each_device_and_marks_this_one(user: User, password: str) -> None:
    phone, _ = _sign_in(user, password, device_name="  Anna's   phone ")
    _browser, _ = _sign_in(user, password, user_agent=FIREFOX_ANDROID)

    body = phone.get(TOKENS).json()

    listed = [(row["device_name"], row["current"]) for row in body["results"]]
    assert listed == [("Firefox · Android", False), ("Anna's phone", True)]
    first = body["results"][1]
    assert set(first) == {"id", "device_name", "created", "last_used", "expiry", "current"}
    assert first["device_name"] == "Anna's phone" and first["last_used"] and first["expiry"]


def test_the_list_shows_only_your_own_devices(user: User, password: str) -> None:
    other = UserFactory()
    client_for(other)
    phone, _ = _sign_in(user, password)
    assert len(phone.get(TOKENS).json()["results"]) == 1


def test_revoking_a_device_signs_it_out(user: User, password: str) -> None:
    phone, _ = _sign_in(user, password, device_name="phone")
    tablet, _ = _sign_in(user, password, device_name="tablet")
    tablet_id = next(row["id"] for row in phone.get(TOKENS).json()["results"] if row["device_name"] == "tablet")

    assert phone.delete(f"{TOKENS}{tablet_id}/").status_code == 204

    assert_error(tablet.get("/api/v1/me/"), 401, "authentication_failed")
    assert phone.get("/api/v1/me/").status_code == 200
    assert not TokenDevice.objects.filter(pk=tablet_id).exists()


def test_someone_elses_device_is_a_404_and_stays_signed_in(user: User, password: str) -> None:
    other = UserFactory()
    their_phone = client_for(other)
    their_id = TokenDevice.objects.get(token__user=other).pk
    phone, _ = _sign_in(user, password)

    assert_error(phone.delete(f"{TOKENS}{their_id}/"), 404, "not_found", NOT_YOURS)
    assert_error(phone.delete(f"{TOKENS}999999/"), 404, "not_found", NOT_YOURS)
    assert their_phone.get("/api/v1/me/").status_code == 200


def test_a_404_is_in_russian(user: User, password: str) -> None:
    phone, _ = _sign_in(user, password)
    error = assert_error(phone.delete(f"{TOKENS}999999/", HTTP_ACCEPT_LANGUAGE="ru"), 404, "not_found")
    assert error["message"] == "Это устройство не входит (больше не входит) в вашу учётную запись."


def test_revoking_this_device_signs_this_device_out(user: User, password: str) -> None:
    phone, _ = _sign_in(user, password)
    own = phone.get(TOKENS).json()["results"][0]["id"]
    assert phone.delete(f"{TOKENS}{own}/").status_code == 204
    assert phone.get("/api/v1/me/").status_code == 401


def test_a_too_long_device_name_is_refused(user: User, password: str) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": password, "device_name": "x" * 101},
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"device_name": ["Ensure this field has no more than 100 characters."]}


def test_last_use_is_written_at_most_once_a_minute(user: User, password: str, time_machine) -> None:
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    phone, _ = _sign_in(user, password)
    device = TokenDevice.objects.get(token__user=user)
    assert device.last_used_at == start

    time_machine.move_to(start + timedelta(seconds=30), tick=False)
    with CaptureQueriesContext(connection) as queries:
        assert phone.get("/api/v1/me/").status_code == 200
    assert not [q for q in queries.captured_queries if "accounts_tokendevice" in q["sql"]]
    device.refresh_from_db()
    assert device.last_used_at == start

    later = start + timedelta(minutes=5)
    time_machine.move_to(later, tick=False)
    phone.get("/api/v1/me/")
    device.refresh_from_db()
    assert device.last_used_at == later
    assert phone.get(TOKENS).json()["results"][0]["last_used"] == later.isoformat().replace("+00:00", "Z")


def test_tokens_made_elsewhere_get_a_device_entry(user: User) -> None:
    client_for(user)  # AuthToken.objects.create, as knox's own views would
    assert TokenDevice.objects.filter(token__user=user, name="").count() == 1


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (FIREFOX_ANDROID, "Firefox · Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit Version/17.0 Safari/604.1",
            "Safari · iPhone",
        ),
        ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0", "Edge · Windows"),
        ("BurnoutApp/1.2 (Android 14)", "BurnoutApp/1.2 · Android"),
        ("Mozilla/5.0 (X11; Linux x86_64)", "Linux"),
        ("okhttp/4.12.0", "okhttp/4.12.0"),
        ("", ""),
    ],
)
def test_a_device_name_from_the_user_agent(user_agent: str, name: str) -> None:
    assert device_name_from_user_agent(user_agent) == name


def test_the_list_needs_a_sign_in(api: APIClient) -> None:
    assert_error(api.get(TOKENS), 401, "not_authenticated")
