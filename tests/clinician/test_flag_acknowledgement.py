"""Flags a psychologist can act on: acknowledge with a note only they see (the patient sees that it was seen), the
list puts unacknowledged signals first, a patient with no data for PORTAL_QUIET_AFTER_DAYS is marked quiet."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from emotions.models import BurnoutFlag, FlagAcknowledgement
from emotions.selectors import portal_patient_row_list
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Ask about the new project at work"


@pytest.fixture
def flagged(verified_psychologist: User) -> tuple[User, BurnoutFlag]:
    patient = UserFactory(consents=["processing"], first_name="Olga")
    link_patient(patient, verified_psychologist)
    return patient, BurnoutFlag.objects.create(user=patient, rule=BurnoutFlag.Rule.RISE, value=0.3)


def _ack(client: Client, patient: User, flag: BurnoutFlag, note: str = NOTE, **headers: str) -> object:
    return client.post(f"/portal/patients/{patient.pk}/flags/{flag.pk}/acknowledge/", {"note": note}, **headers)


def test_the_note_is_the_psychologists_own_and_the_patient_sees_only_that_it_was_seen(
    flagged: tuple[User, BurnoutFlag], portal_client: Client
) -> None:
    patient, flag = flagged
    colleague = PsychologistProfileFactory().user
    link_patient(patient, colleague)

    assert _ack(portal_client, patient, flag).status_code == 302

    assert FlagAcknowledgement.objects.get().note == NOTE
    assert escape(NOTE) in portal_client.get(f"/portal/patients/{patient.pk}/").content.decode()
    assert escape(NOTE) not in two_factor_client_for(colleague).get(f"/portal/patients/{patient.pk}/").content.decode()
    own = Client()
    own.force_login(patient)
    dashboard = own.get("/dashboard/").content.decode()
    assert "Your psychologist saw the signal “Rise in negative photos” on" in dashboard
    assert NOTE not in dashboard


def test_unacknowledged_signals_come_first(
    flagged: tuple[User, BurnoutFlag], verified_psychologist: User, portal_client: Client
) -> None:
    later = UserFactory(consents=["processing"], first_name="Boris")
    link_patient(later, verified_psychologist)
    BurnoutFlag.objects.create(user=later, rule=BurnoutFlag.Rule.CBI, value=80)
    names = [row.name for row in portal_patient_row_list(psychologist=verified_psychologist, sort="flag")]
    assert names == ["Boris", "Olga"]  # both unacknowledged: by share, then name

    _ack(portal_client, later, BurnoutFlag.objects.get(user=later))

    rows = portal_patient_row_list(psychologist=verified_psychologist, sort="flag")
    assert [(row.name, row.unacknowledged) for row in rows] == [("Olga", True), ("Boris", False)]
    assert "(acknowledged)" in portal_client.get("/portal/").content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Keep the note to 280 characters."), ("ru", "Заметка должна быть не длиннее 280 символов.")],
)
def test_a_long_note_is_refused_with_the_reason(
    flagged: tuple[User, BurnoutFlag], portal_client: Client, language: str, message: str
) -> None:
    patient, flag = flagged

    response = _ack(portal_client, patient, flag, note="x" * 281, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not FlagAcknowledgement.objects.exists()


def test_a_cleared_flag_or_one_not_shared_is_refused(
    flagged: tuple[User, BurnoutFlag], verified_psychologist: User, portal_client: Client
) -> None:
    patient, flag = flagged
    flag.cleared_at = timezone.now()
    flag.save()
    response = _ack(portal_client, patient, flag)
    assert response.status_code == 409
    assert "This signal has already cleared" in response.content.decode()

    no_flags = UserFactory(consents=["processing"])
    link_patient(no_flags, verified_psychologist, categories=["readings"])
    hidden = BurnoutFlag.objects.create(user=no_flags, rule=BurnoutFlag.Rule.RISE)
    assert _ack(portal_client, no_flags, hidden).status_code == 404
    # Another patient's flag under this patient's id: not found either.
    assert _ack(portal_client, patient, hidden).status_code == 404
    assert not FlagAcknowledgement.objects.exists()


def test_a_patient_without_data_for_days_is_quiet(
    flagged: tuple[User, BurnoutFlag], portal_client: Client, settings: object
) -> None:
    settings.PORTAL_QUIET_AFTER_DAYS = 3
    body = portal_client.get("/portal/").content.decode()
    assert "Quiet: no data for 3 days" in body
