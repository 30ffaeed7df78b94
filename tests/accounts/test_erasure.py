"""Delete my account: password-confirmed, and afterwards nothing in any table refers to the person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import ForeignKey, OneToOneField
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_q.models import OrmQ, Task
from django_q.signing import SignedPackage
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import AuditEvent, CareLink, ConsentKind, DataExport, User
from accounts.selectors import consent_current_document
from accounts.services import consent_grant, data_export_request
from emotions.models import PhotoAssessment
from emotions.services import ANALYZE_TASK, assessment_create, photo_validate
from tests.conftest import link_patient, two_factor_client_for
from tests.emotions import images
from tests.factories import DEFAULT_PASSWORD, PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

USERNAME = "erase-me-qx7"
EMAIL = "erase-me-qx7@example.org"


def _user_columns_refer_to(user_id: int) -> list[str]:
    """Every FK / one-to-one column, in every installed model, that points at this user id."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            points_at_users = isinstance(field, ForeignKey | OneToOneField) and field.related_model is User
            if points_at_users and model._default_manager.filter(**{field.attname: user_id}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def _text_mentions(*needles: str) -> list[str]:
    """Every column of every table whose text contains one of the needles (case-insensitive)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "
                        f"WHERE LOWER(CAST({name} AS TEXT)) LIKE %s",
                        [f"%{needle.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{table}.{column.name} contains {needle!r}")
    return found


def _sessions_of(user_id: int) -> list[str]:
    return [s.session_key for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user_id)]


@pytest.fixture
def full_patient(
    django_capture_on_commit_callbacks: Callable, settings: SettingsWrapper
) -> tuple[User, Client, User, list[int]]:
    """A patient with data everywhere: consents, assessments (retained photo, queued task), sharing, audit, export."""
    settings.PHOTO_RETENTION_DAYS = 30
    person = UserFactory(username=USERNAME, email=EMAIL, first_name="Erasmus", consents=[ConsentKind.PROCESSING])
    consent_grant(user=person, document=consent_current_document(kind=ConsentKind.RESEARCH), channel="telegram")
    with django_capture_on_commit_callbacks(execute=True):
        done = assessment_create(user=person, photo=photo_validate(data=images.face_jpeg()))
    with django_capture_on_commit_callbacks(execute=False):
        pending = assessment_create(user=person, photo=photo_validate(data=images.face_jpeg()))
    # The ORM broker's queue entry for the pending analysis, as a real enqueue writes it.
    OrmQ.objects.create(
        key="burnout", payload=SignedPackage.dumps({"id": "x" * 32, "func": ANALYZE_TASK, "args": (pending.pk,)})
    )
    assert Task.objects.filter(func=ANALYZE_TASK).exists()  # the sync run recorded the first analysis

    psychologist = PsychologistProfileFactory().user
    link_patient(person, psychologist)
    two_factor_client_for(psychologist).get(reverse("portal:patient_detail", args=[person.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        data_export_request(user=person)
    LogEntry.objects.create(
        user=UserFactory(is_staff=True),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=USERNAME,
        action_flag=CHANGE,
        change_message="[]",
    )
    client = Client()
    client.force_login(person)
    return person, client, psychologist, [done.pk, pending.pk]


def test_deleting_leaves_nothing_that_refers_to_the_person(
    full_patient: tuple[User, Client, User, list[int]],
    django_capture_on_commit_callbacks: Callable,
    new_media_files: Callable,
) -> None:
    person, client, psychologist, assessment_ids = full_patient
    user_id = person.pk
    assert new_media_files()  # the retained photos and the export archive
    assert _user_columns_refer_to(user_id) and _text_mentions(USERNAME, EMAIL) and _sessions_of(user_id)
    other_session = Client()
    other_session.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account and all your data have been deleted." in response.content.decode()
    assert not User.objects.filter(pk=user_id).exists()
    assert _user_columns_refer_to(user_id) == []
    assert _text_mentions(USERNAME, EMAIL, "Erasmus") == []
    assert _sessions_of(user_id) == []
    assert new_media_files() == set()
    assert not PhotoAssessment.objects.filter(pk__in=assessment_ids).exists()
    queued = [entry.task.get("args", ())[0] for entry in OrmQ.objects.all()]
    recorded = [task.args[0] for task in Task.objects.filter(func=ANALYZE_TASK) if task.args]
    assert not set(assessment_ids) & set(queued + recorded)
    # The psychologist's record of their reads stays, without any link to the person.
    reads = AuditEvent.objects.filter(actor=psychologist, action="portal_detail_view")
    assert reads.count() == 1 and reads.get().subject_user is None and reads.get().detail == {}
    assert AuditEvent.objects.filter(action="account_erased", actor=None, subject_user=None).count() == 1
    assert not CareLink.objects.filter(psychologist=psychologist).exists()


def test_a_psychologist_can_be_erased_too(new_media_files: Callable) -> None:
    profile = PsychologistProfileFactory(user__username=USERNAME, user__email=EMAIL)
    psychologist = profile.user
    patient = UserFactory()
    link_patient(patient, psychologist)
    two_factor_client_for(psychologist).get(reverse("portal:patients"))
    assert TOTPDevice.objects.filter(user=psychologist).exists()
    client = Client()
    client.force_login(psychologist)

    client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD})

    assert _user_columns_refer_to(psychologist.pk) == []
    assert _text_mentions(USERNAME, EMAIL) == []
    # The patient still sees that someone (a deleted account) viewed their data.
    page = Client()
    page.force_login(patient)
    assert "A deleted account" in page.get(reverse("accounts:privacy")).content.decode()


def test_wrong_password_deletes_nothing(client_logged_in: Client, user: User) -> None:
    response = client_logged_in.post(reverse("accounts:delete"), {"password": "not-my-password"})

    assert response.status_code == 400
    assert "The password is not correct. Your account was not deleted." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_missing_password_is_a_400_with_a_message(client_logged_in: Client) -> None:
    response = client_logged_in.post(reverse("accounts:delete"), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_delete_page_explains_what_goes(client_logged_in: Client) -> None:
    body = client_logged_in.get(reverse("accounts:delete")).content.decode()
    assert "It cannot be undone." in body and 'type="password"' in body


def test_erasure_audit_line_has_no_personal_detail(client_logged_in: Client, user: User) -> None:
    client_logged_in.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD})
    event = AuditEvent.objects.get(action="account_erased")
    # The channel it came from, and nothing about whose account it was.
    assert event.detail == {"channel": "web"} and event.actor is None and event.subject_user is None
    assert timezone.now() - event.at < timedelta(minutes=1)
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert not DataExport.objects.exists()
