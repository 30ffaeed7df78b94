"""Fixtures shared by every app's tests: users of each role and clients logged in as them."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, PsychologistFactory, UserFactory


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
