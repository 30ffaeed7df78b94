"""Each read of a patient's data by a psychologist records its audit line inside the read (selectors.clinician)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from accounts.models import AuditEvent, User
from emotions import selectors
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

READS = AuditEvent.objects.filter(action__in=AuditEvent.CLINICIAN_READS)


def _patients(psychologist: User, count: int) -> list[User]:
    patients = [UserFactory() for _ in range(count)]
    for patient in patients:
        link_patient(patient, psychologist)
    return patients


def test_the_list_read_records_each_patient_listed(verified_psychologist: User) -> None:
    patients = _patients(verified_psychologist, 3)
    link_patient(UserFactory(), PsychologistProfileFactory().user)  # someone else's patient

    rows = selectors.portal_patient_list_read(psychologist=verified_psychologist, sort="name")

    assert {row.patient_id for row in rows} == {patient.pk for patient in patients}
    events = READS.filter(actor=verified_psychologist)
    assert sorted(events.values_list("subject_user_id", flat=True)) == sorted(patient.pk for patient in patients)
    assert set(events.values_list("action", flat=True)) == {AuditEvent.Action.PORTAL_LIST_VIEW}
    assert READS.count() == 3


def test_the_list_read_records_only_the_page_shown(verified_psychologist: User) -> None:
    _patients(verified_psychologist, 3)

    shown = selectors.portal_patient_list_read(
        psychologist=verified_psychologist,
        sort="name",
        action=AuditEvent.Action.API_READ,
        detail={"what": "patient_list"},
        page=lambda rows: rows[:2],
    )

    assert len(shown) == 2
    events = READS.filter(actor=verified_psychologist)
    assert sorted(events.values_list("subject_user_id", flat=True)) == sorted(row.patient_id for row in shown)
    assert {(event.action, event.detail["what"]) for event in events} == {(AuditEvent.Action.API_READ, "patient_list")}


def test_the_detail_read_records_the_opened_charts(verified_psychologist: User) -> None:
    [patient] = _patients(verified_psychologist, 1)

    read = selectors.patient_detail_read(
        psychologist=verified_psychologist, patient_id=patient.pk, days=90, build=lambda person, categories: {}
    )

    assert read is not None and read[0].patient == patient and read[0].link.patient == patient
    event = READS.get()
    assert (event.actor, event.subject_user, event.action) == (
        verified_psychologist,
        patient,
        AuditEvent.Action.PORTAL_DETAIL_VIEW,
    )
    # The categories the patient shared at the time of the read (all, here) are recorded with it.
    assert event.detail == {"days": 90, "categories": ["readings", "mood", "questionnaire", "flags"]}


def test_the_dynamics_read_records_the_period(verified_psychologist: User) -> None:
    [patient] = _patients(verified_psychologist, 1)
    found = selectors.patient_get_of_psychologist(psychologist=verified_psychologist, patient_id=patient.pk)
    assert found == patient and not READS.exists()  # finding who the patient is reads none of their data

    share = selectors.patient_share_get(
        psychologist=verified_psychologist, patient_id=patient.pk, read="patient_dynamics"
    )
    assert share is not None and not READS.exists()
    buckets = selectors.patient_dynamics_read(
        psychologist=verified_psychologist, share=share, first_day=date(2026, 3, 2), last_day=date(2026, 3, 4)
    )

    assert len(buckets) == 3
    event = READS.get()
    assert (event.actor, event.subject_user, event.action) == (
        verified_psychologist,
        patient,
        AuditEvent.Action.API_READ,
    )
    assert event.detail == {"what": "dynamics", "from": "2026-03-02", "to": "2026-03-04"}


def test_someone_elses_patient_is_not_found_and_nothing_is_recorded(verified_psychologist: User) -> None:
    stranger = UserFactory()
    link_patient(stranger, PsychologistProfileFactory().user)

    assert (
        selectors.patient_detail_read(
            psychologist=verified_psychologist, patient_id=stranger.pk, days=30, build=lambda person, categories: {}
        )
        is None
    )
    assert selectors.patient_get_of_psychologist(psychologist=verified_psychologist, patient_id=stranger.pk) is None
    assert not READS.exists()


def test_pages_and_api_read_patients_only_through_the_audited_reads() -> None:
    # The unaudited selectors behind the audited reads are not called by any entry point.
    root = Path(__file__).resolve().parents[2] / "emotions"
    entry_points = [root / "views.py", *sorted((root / "apis").glob("*.py"))]
    assert len(entry_points) > 2
    for path in entry_points:
        module = str(path.relative_to(root))
        source = path.read_text()
        assert "portal_patient_row_list(" not in source, module
        assert "audit_record" not in source, module
