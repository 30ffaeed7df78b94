"""One photo limit per person on every channel: the web form answers 429 with a message, like the API.

Photos are counted in the shared cache by user id (burnout_site/rate_limits.py), whichever way they come;
beyond PHOTO_UPLOAD_RATE nothing is read or stored. The bot's side is in tests/telegram_bridge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.test import APIClient

from accounts.models import User
from burnout_site.rate_limits import PHOTO_UPLOAD, RateLimited, photo_upload_take, rate_limits_forget
from emotions.models import PhotoAssessment
from tests.emotions import images
from tests.emotions.conftest import upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMITED = re.compile(r"^You have sent many photos in a short time\. Please try again in \d+ seconds?\.$")


@pytest.fixture(autouse=True)
def _fresh_counters(db: None) -> Iterator[None]:
    """The counters live in the shared cache (a table, or Redis, which no rollback empties)."""
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def _post_photo(client: Client) -> object:
    return client.post(reverse("emotions:upload"), {"photo": upload("me.jpg", images.face_jpeg())})


def _api_for(user: User) -> APIClient:
    _instance, token = AuthToken.objects.create(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def test_forty_web_posts_in_a_second_store_only_the_default_thirty(client_logged_in: Client, user: User) -> None:
    statuses = [_post_photo(client_logged_in).status_code for _post in range(40)]

    assert statuses == [302] * 30 + [429] * 10
    assert PhotoAssessment.objects.filter(user=user).count() == 30


def test_the_web_form_says_why_and_when_with_429(
    client_logged_in: Client, user: User, settings: SettingsWrapper
) -> None:
    settings.PHOTO_UPLOAD_RATE = "2/min"
    for _post in range(2):
        assert _post_photo(client_logged_in).status_code == 302

    response = _post_photo(client_logged_in)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert LIMITED.match(response.context["refusal"]), response.context["refusal"]
    page = response.content.decode()
    assert "You have sent many photos in a short time." in page
    assert "This photo could not be accepted" not in page  # not a fault of the photo
    assert PhotoAssessment.objects.filter(user=user).count() == 2


def test_the_web_message_is_in_russian(user: User, settings: SettingsWrapper) -> None:
    settings.PHOTO_UPLOAD_RATE = "1/hour"
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    _post_photo(client)
    response = _post_photo(client)
    assert response.status_code == 429
    assert re.match(
        r"^Вы отправили много фото за короткое время\. Попробуйте снова через \d+ (минуту|минуты|минут)\.$",
        response.context["refusal"],
    ), response.context["refusal"]


def test_api_and_web_count_together(client_logged_in: Client, user: User, settings: SettingsWrapper) -> None:
    settings.PHOTO_UPLOAD_RATE = "2/min"
    api = _api_for(user)
    accepted = api.post("/api/v1/photos/", {"image": upload("a.jpg", images.face_jpeg())}, format="multipart")
    assert accepted.status_code == 202
    assert _post_photo(client_logged_in).status_code == 302

    refused_api = api.post("/api/v1/photos/", {"image": upload("b.jpg", images.face_jpeg())}, format="multipart")
    refused_web = _post_photo(client_logged_in)

    assert refused_api.status_code == 429 and refused_web.status_code == 429
    error = refused_api.json()["error"]
    assert error["code"] == "throttled"
    assert LIMITED.match(error["message"]), error["message"]  # the same sentence as on the web page
    assert int(refused_api["Retry-After"]) >= 1
    assert PhotoAssessment.objects.filter(user=user).count() == 2


def test_the_limit_is_per_person(client_logged_in: Client, user: User, settings: SettingsWrapper) -> None:
    settings.PHOTO_UPLOAD_RATE = "1/min"
    assert _post_photo(client_logged_in).status_code == 302
    assert _post_photo(client_logged_in).status_code == 429
    other = Client()
    other.force_login(UserFactory(consents=["processing"]))
    assert _post_photo(other).status_code == 302


def test_refused_attempts_do_not_push_the_next_allowed_one_further(user: User, settings: SettingsWrapper) -> None:
    settings.PHOTO_UPLOAD_RATE = "2/min"
    start = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        photo_upload_take(user_id=user.pk)
        photo_upload_take(user_id=user.pk)
        for _hammer in range(20):
            with pytest.raises(RateLimited):
                photo_upload_take(user_id=user.pk)
        clock.move_to(start + timedelta(minutes=2))  # both earlier periods over
        photo_upload_take(user_id=user.pk)


def test_a_burst_across_the_turn_of_a_period_is_refused_too(user: User, settings: SettingsWrapper) -> None:
    """A plain per-minute counter would allow 2 x the rate around hh:mm:00; the sliding window does not."""
    settings.PHOTO_UPLOAD_RATE = "30/min"
    before_the_turn = datetime(2026, 3, 2, 9, 0, 59, 500_000, tzinfo=UTC)
    with time_machine.travel(before_the_turn, tick=False) as clock:
        for _photo in range(30):
            photo_upload_take(user_id=user.pk)
        clock.move_to(before_the_turn + timedelta(seconds=1))  # 09:01:00.5, a new minute
        with pytest.raises(RateLimited) as refused:
            photo_upload_take(user_id=user.pk)
        assert 1 <= refused.value.retry_after <= 60
        clock.move_to(before_the_turn + timedelta(seconds=61))  # a minute after the burst
        photo_upload_take(user_id=user.pk)


def test_rate_limits_forget_removes_the_persons_counters(user: User, settings: SettingsWrapper) -> None:
    settings.PHOTO_UPLOAD_RATE = "1/hour"
    photo_upload_take(user_id=user.pk)
    with pytest.raises(RateLimited):
        photo_upload_take(user_id=user.pk)
    rate_limits_forget(user_id=user.pk)
    photo_upload_take(user_id=user.pk)  # counting starts again: nothing was left of the old count
    assert PHOTO_UPLOAD.name == "photo_upload"


@pytest.mark.parametrize("rate", ["30", "0/min", "abc/min", "30/fortnight", "-1/s"])
def test_a_malformed_rate_setting_is_refused_at_start(rate: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from burnout_site.settings import env_rate

    monkeypatch.setenv("PHOTO_UPLOAD_RATE", rate)
    with pytest.raises(ImproperlyConfigured, match="PHOTO_UPLOAD_RATE must be a rate such as 30/min"):
        env_rate("PHOTO_UPLOAD_RATE", "30/min")
