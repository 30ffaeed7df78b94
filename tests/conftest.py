"""Fixtures shared by every app's tests: users of each role and clients logged in as them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, PsychologistFactory, UserFactory


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


@pytest.fixture
def password() -> str:
    """The password every factory user has, for tests that log in through the form."""
    return DEFAULT_PASSWORD


@pytest.fixture
def user(db: None) -> User:
    """A patient."""
    return UserFactory()


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
