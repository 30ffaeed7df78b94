"""Only what the patient shares: the brief, the PDF and the CSV leave out each category not shared; a patient who
no longer shares (link revoked, sharing consent withdrawn) is a 404 for all three and is not in the CSV."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.models import AuditEvent, CareLink, ConsentKind, User
from accounts.services import consent_withdraw
from tests.conftest import link_patient
from tests.factories import UserFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _pdf_text(response: object) -> str:
    assert response.status_code == 200
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def mood_only(history: User, verified_psychologist: User) -> User:
    link_patient(history, verified_psychologist, categories=["mood"])
    return history


@time_machine.travel(NOW, tick=False)
def test_a_mood_only_link_shows_mood_and_nothing_else(
    mood_only: User, portal_client: Client, psychologist_api: APIClient
) -> None:
    history = mood_only

    brief = psychologist_api.get(f"/api/v1/patients/{history.pk}/brief/").json()
    assert brief["categories"] == ["mood"]
    assert (brief["readings"], brief["share_now"], brief["cbi_now"]) == (0, None, None)
    # No session: the last 14 days (03-07..03-20) hold the ratings 5, 2, 3 and 4.
    assert brief["mood_now"] == pytest.approx(3.5)
    text = " ".join(brief["sentences"])
    assert "Mood: 3.5 of 5" in text
    assert "Negative share" not in text and "questionnaire" not in text and "Signals" not in text

    page = portal_client.get(f"/portal/patients/{history.pk}/").content.decode()
    assert "Mood: 3.5 of 5" in page and "Negative share:" not in page

    pdf = _pdf_text(portal_client.get(f"/portal/patients/{history.pk}/report.pdf?days=30"))
    assert "Mood: 3.5 of 5" in pdf
    for hidden in ("Negative share", "Burnout questionnaire", "Burnout signals", "Rise in negative photos"):
        assert hidden not in pdf

    rows = list(csv.reader(io.StringIO(portal_client.get("/portal/patients.csv").content.decode("utf-8-sig"))))
    assert rows[1][0] == str(history.pk)
    # The last mood rating (03-14) is within PORTAL_QUIET_AFTER_DAYS (7): not quiet.
    assert rows[1][2:] == ["not shared"] * 9 + ["no"]


@pytest.fixture
def other(verified_psychologist: User) -> User:
    other = UserFactory(first_name="=HYPERLINK(1)")
    link_patient(other, verified_psychologist)
    return other


@time_machine.travel(NOW, tick=False)
def test_the_csv_is_the_list_as_shown_and_each_patient_sees_the_export(
    history: User, link: CareLink, other: User, portal_client: Client
) -> None:
    response = portal_client.get("/portal/patients.csv?sort=name")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="patients-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Patient id", "Name", "Last photo (UTC)"]
    # Sorted by name as the page is; a name that would run as a formula is kept as text.
    assert [row[1] for row in rows[1:]] == ["'=HYPERLINK(1)", "Mira"]
    # The portal's window (PORTAL_WINDOW_DAYS = 14 × 24 h, from 03-06 noon) holds 28 counted readings, 12 negative
    # (43 %), and the unsure one; the window before holds the 4 of 03-06 morning, 1 negative (25 %): +18 points.
    # CBI 75; the `rise` flag is open and not acknowledged; photos today, so not quiet.
    mira = rows[2]
    assert mira[3:] == ["28", "1", "43", "18", "75", "yes", "Rise in negative photos", "no", "no"]
    assert rows[1][-1] == "yes"  # the other patient never sent anything: quiet
    events = AuditEvent.objects.filter(action=AuditEvent.Action.PORTAL_LIST_EXPORT)
    assert sorted(events.values_list("subject_user_id", flat=True)) == sorted([history.pk, other.pk])
    assert {event.detail["sort"] for event in events} == {"name"}
    own = Client()
    own.force_login(history)
    assert "Exported their patient list with you in it" in own.get("/accounts/privacy/").content.decode()


@pytest.fixture
def withdrawn(history: User, link: CareLink) -> User:
    # The consent withdrawn now (outside the travelled time): sharing pauses with it.
    consent_withdraw(user=history, kind=ConsentKind.PROCESSING)
    return history


@time_machine.travel(NOW, tick=False)
def test_after_the_consent_is_withdrawn_everything_is_404(
    withdrawn: User, portal_client: Client, psychologist_api: APIClient
) -> None:
    history = withdrawn

    assert portal_client.get(f"/portal/patients/{history.pk}/report.pdf").status_code == 404
    assert psychologist_api.get(f"/api/v1/patients/{history.pk}/brief/").status_code == 404
    assert psychologist_api.get(f"/api/v1/patients/{history.pk}/report.pdf").status_code == 404
    rows = list(csv.reader(io.StringIO(portal_client.get("/portal/patients.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only
    assert not AuditEvent.objects.filter(action__in=AuditEvent.CLINICIAN_READS, subject_user=history).exists()
