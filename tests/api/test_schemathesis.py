"""Property-based fuzzing of the whole API against its own OpenAPI schema (schemathesis, in-process WSGI).

Every operation is called with generated valid and invalid input, as a patient and as a psychologist
(each call with a fresh device token, so that /auth/logout/ cannot lock the rest out). Each response
must be no server error and match what the schema documents: status code, content type, body, headers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, settings
from pytest_django.fixtures import Settings as SettingsWrapper
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from tests.api.conftest import token_for
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

# Not negative_data_rejection: the WSGI client (werkzeug) leaves an empty field out of a multipart body, so
# a PATCH /me/ "with timezone=''" arrives without it and is rightly accepted, which that check counts as
# accepting invalid input. (Empty values that do arrive are refused as the schema says: ApiInputSerializer,
# tests/api/test_input_as_documented.py; run with that check, nothing else fails.) Not positive_data_acceptance:
# schema-valid input is still refused for what a schema cannot say (a wrong password, an unknown id, an image
# that is no image).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Enough to reach every documented error path of ~25 operations in well under a minute on two cores.
FUZZ = settings(
    max_examples=12,
    deadline=None,
    database=None,  # no example database: failures are reproduced from the printed curl command
    # The same cases on every run, so that CI is not flaky; runs with 60 random examples per operation
    # found nothing more when this was written.
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Called in-process, the WSGI handler would close the database connection after each request.

    Django's own test client unhooks close_old_connections the same way: the test's transaction lives on
    that connection (PostgreSQL closes it, being outside autocommit; in-memory SQLite never does).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttling(settings: SettingsWrapper) -> None:
    # Fuzzing calls the auth, upload and export endpoints far more often than anyone would.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    settings.PHOTO_UPLOAD_RATE = "1000000/min"  # the per-person photo limit of every channel


# Loaded at collection, in-process: the schema view needs no database. (schemathesis.pytest.from_fixture,
# the lazy loader, does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())


@pytest.fixture
def patient(db: None) -> User:
    return UserFactory(consents=["processing"])


@pytest.fixture
def psychologist(db: None, patient: User) -> User:
    user = PsychologistProfileFactory().user
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    link_patient(patient, user)
    return user


@schema.parametrize()
@FUZZ
def test_api_as_a_patient(case: schemathesis.Case, patient: User) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {token_for(patient)}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_as_a_psychologist(case: schemathesis.Case, psychologist: User) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {token_for(psychologist, otp=True)}"}, checks=CHECKS)
