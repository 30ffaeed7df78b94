"""Session dates (portal form and API) and the brief on the patient page: refusals with their message in English
and Russian, nothing stored on bad input, a 404 for a patient who does not share with this psychologist."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.models import AuditEvent, CareLink, User
from accounts.services import care_link_revoke
from emotions.models import CareSession
from tests.api.conftest import assert_error
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory, UserFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


@time_machine.travel(NOW, tick=False)
def test_the_api_records_and_lists_session_dates(link: CareLink, psychologist_api: APIClient) -> None:
    url = f"/api/v1/patients/{link.patient_id}/sessions/"
    for day in ("2026-03-04", "2026-03-11"):
        assert psychologist_api.post(url, {"date": day}, format="json").status_code == 201

    listed = psychologist_api.get(url)
    assert [row["date"] for row in listed.json()] == ["2026-03-11", "2026-03-04"]

    brief = psychologist_api.get(f"/api/v1/patients/{link.patient_id}/brief/").json()
    assert (brief["first_day"], brief["since_session"]) == ("2026-03-11", True)
    assert brief["sentences"][0] == "Since the last session on 11 Mar 2026 (10 days)."


@pytest.mark.parametrize(
    ("body", "language", "code", "message"),
    [
        ({"date": "2026-03-21"}, "en", "invalid", "A session date cannot be in the future."),
        ({"date": "2026-03-21"}, "ru", "invalid", "Дата встречи не может быть в будущем."),
        ({"date": "2020-01-01"}, "en", "invalid", "A session date cannot be more than three years ago."),
        ({"date": "2026-03-11"}, "en", "already_saved", "This session date is already recorded."),
        ({"date": "2026-03-11"}, "ru", "already_saved", "Эта дата встречи уже записана."),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_a_refused_session_date_says_why_and_stores_nothing(
    link: CareLink, psychologist_api: APIClient, body: dict, language: str, code: str, message: str
) -> None:
    CareSession.objects.create(link=link, on="2026-03-11")
    url = f"/api/v1/patients/{link.patient_id}/sessions/"

    response = psychologist_api.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE=language)

    assert_error(response, 400, code, message)
    assert CareSession.objects.count() == 1


def test_a_date_that_is_not_a_date_is_a_field_error(link: CareLink, psychologist_api: APIClient) -> None:
    response = psychologist_api.post(f"/api/v1/patients/{link.patient_id}/sessions/", {"date": "soon"}, format="json")

    assert response.status_code == 400
    assert "date" in response.json()["error"]["fields"]
    assert not CareSession.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_portal_form_records_a_session_and_the_page_opens_with_the_brief(
    history: User, link: CareLink, portal_client: Client
) -> None:
    page = f"/portal/patients/{history.pk}/"
    response = portal_client.post(f"{page}sessions/", {"date": "2026-03-11"})
    assert response.status_code == 302

    html = portal_client.get(page).content.decode()
    assert "Since the last session on 11 Mar 2026 (10 days)." in html
    assert escape("A hard week at work") in html
    assert html.index('id="brief"') < html.index("chart")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.BRIEF_VIEW, subject_user=history).count() == 1


@pytest.mark.parametrize(
    ("date", "language", "status", "message"),
    [
        ("2026-03-21", "en", 400, "A session date cannot be in the future."),
        ("2026-03-21", "ru", 400, "Дата встречи не может быть в будущем."),
        ("", "en", 400, "Give the session's date."),
        ("", "ru", 400, "Укажите дату встречи."),
        ("21/03", "en", 400, "Give the date as YYYY-MM-DD."),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_the_portal_form_refuses_bad_dates_with_the_reason(
    link: CareLink, portal_client: Client, date: str, language: str, status: int, message: str
) -> None:
    response = portal_client.post(
        f"/portal/patients/{link.patient_id}/sessions/", {"date": date}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == status
    assert escape(message) in response.content.decode()
    assert not CareSession.objects.exists()


@pytest.fixture
def not_shared(verified_psychologist: User) -> list[int]:
    """Patient ids this psychologist may not read: someone else's patient, a revoked link, nobody."""
    elsewhere = UserFactory()
    link_patient(elsewhere, PsychologistProfileFactory().user)
    revoked = UserFactory()
    care_link_revoke(link=link_patient(revoked, verified_psychologist), patient=revoked)
    return [elsewhere.pk, revoked.pk, 999_999]


def test_without_an_active_link_everything_is_404(
    not_shared: list[int], portal_client: Client, psychologist_api: APIClient
) -> None:
    for patient_id in not_shared:
        assert portal_client.get(f"/portal/patients/{patient_id}/").status_code == 404
        assert portal_client.get(f"/portal/patients/{patient_id}/report.pdf").status_code == 404
        assert portal_client.post(f"/portal/patients/{patient_id}/sessions/", {"date": "2026-01-01"}).status_code == 404
        for path in ("brief/", "report.pdf", "sessions/"):
            response = psychologist_api.get(f"/api/v1/patients/{patient_id}/{path}")
            assert_error(response, 404, "not_found", "No such patient shares data with you.")
    assert not AuditEvent.objects.filter(action__in=AuditEvent.CLINICIAN_READS).exists()
    assert not CareSession.objects.exists()
