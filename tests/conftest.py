"""Fixtures shared by every app's tests: users of each role and clients logged in as them."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator, Sequence

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import CareLink, SharingCategory, User
from accounts.services import care_link_create
from tests.factories import DEFAULT_PASSWORD, PsychologistFactory, PsychologistProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Run every test in the default language.

    LocaleMiddleware activates the browser's language for the thread and nothing switches it
    back after the response: without this, a test client sent with a Russian cookie or
    Accept-Language would make later tests (calling services directly) read Russian messages.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _axes_reset() -> Iterator[None]:
    """Forget django-axes' failed log-ins around every test, so that one test's wrong passwords lock no other out.

    A test without the database has nothing to reset (pytest-django refuses the query with RuntimeError); the
    database of a test that asks for it later is rolled back or flushed at its end anyway.
    """
    from axes.utils import reset

    def _reset() -> None:
        with contextlib.suppress(RuntimeError):
            reset()

    _reset()
    yield
    _reset()


@pytest.fixture
def password() -> str:
    """The password every factory user has, for tests that log in through the form."""
    return DEFAULT_PASSWORD


@pytest.fixture
def user(db: None) -> User:
    """A patient who has accepted the current processing consent, as anyone sending photos has.

    Tests of the consent rules themselves start from `UserFactory()`, which has none.
    """
    return UserFactory(consents=["processing"])


@pytest.fixture
def psychologist(db: None) -> User:
    return PsychologistFactory()


@pytest.fixture
def client_logged_in(user: User) -> Client:
    """A client logged in as `user`; a fresh Client, so the plain `client` fixture stays anonymous."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def psychologist_client(psychologist: User) -> Client:
    """A client logged in as `psychologist`."""
    client = Client()
    client.force_login(psychologist)
    return client


def two_factor_client_for(user: User) -> Client:
    """A client logged in as `user` (a psychologist or staff) who has passed two-factor authentication
    in this session.

    The device is marked verified in the session the way django_otp.login does; the real code entry
    is tested in tests/accounts/test_psychologists.py and test_admin.py (a TOTP code can be used only
    once per 30 s).
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    """pytest-django's admin client, past the admin's two-factor step (see tests/accounts/test_admin.py)."""
    return two_factor_client_for(admin_user)


@pytest.fixture
def verified_psychologist(db: None) -> User:
    """A psychologist whose licence an admin has verified."""
    return PsychologistProfileFactory().user


@pytest.fixture
def portal_client(verified_psychologist: User) -> Client:
    return two_factor_client_for(verified_psychologist)


def link_patient(patient: User, psychologist: User, categories: Sequence[str] | None = None) -> CareLink:
    """Share `patient`'s data with `psychologist` through the real service (consent event included): every
    category unless `categories` names some."""
    chosen = SharingCategory.values if categories is None else categories
    return care_link_create(patient=patient, code=psychologist.psychologist_profile.code, categories=chosen)


@pytest.fixture
def log_console() -> Iterator[io.StringIO]:
    """What the handler settings.LOGGING names "console" (the process's own log) writes during the test.

    pytest's caplog sees records through a handler of its own; this is the product's handler, filters included.
    """
    handler = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)
