"""Fixtures for the REST API tests: API clients authenticated with real device tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import caches
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from burnout_site.api.authentication import OTP_TOKEN_PREFIX
from tests.emotions.conftest import media_root, new_media_files

__all__ = ["media_root", "new_media_files"]


@pytest.fixture(autouse=True)
def _fresh_throttles(db: None) -> Iterator[None]:
    """Throttle counters live in the shared cache (a table, or Redis): each test starts with none spent."""
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def token_for(user: User, *, otp: bool = False) -> str:
    """A device token as POST /auth/token/ issues it (`otp=True`: issued after a two-factor code)."""
    _instance, token = AuthToken.objects.create(user, prefix=OTP_TOKEN_PREFIX if otp else "")
    return token


def client_for(user: User, *, otp: bool = False) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user, otp=otp)}")
    return client


@pytest.fixture
def api() -> APIClient:
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def patient_api(user: User) -> APIClient:
    """`user` (a patient with processing consent) with a device token."""
    return client_for(user)


@pytest.fixture
def make_client() -> Callable[..., APIClient]:
    return client_for


def assert_error(response: object, status: int, code: str, message: str | None = None) -> dict:
    """The response is the error envelope with this status and code (and message, when given)."""
    assert response.status_code == status, (response.status_code, getattr(response, "content", b"")[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error)
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    if message is not None:
        assert error["message"] == message
    return error


@pytest.fixture
def two_factor_psychologist(verified_psychologist: User) -> User:
    """A psychologist with a verified licence and a confirmed authenticator: what patients' data needs."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=verified_psychologist, name="phone", confirmed=True)
    return verified_psychologist


@pytest.fixture
def psychologist_api(two_factor_psychologist: User) -> APIClient:
    """Its API client, with a token issued after a two-factor code."""
    return client_for(two_factor_psychologist, otp=True)
