"""A psychologist's own thresholds for one patient: within the documented bounds, applied to their view of the patient
page only; the flags (and so the list, the alerts and the patient's dashboard) keep the defaults."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.utils.html import escape

from accounts.models import CareLink, User
from emotions.burnout import burnout_rule_states
from emotions.models import FlagThreshold, QuestionnaireResponse
from emotions.selectors.burnout import own_rule_states
from tests.conftest import link_patient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def cbi_40(patient: User) -> User:
    QuestionnaireResponse.objects.create(
        user=patient, instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL, answers={}, score=40, at=NOON
    )
    return patient


@time_machine.travel(NOON, tick=False)
def test_own_thresholds_change_only_the_psychologists_view(cbi_40: User, link: CareLink, portal_client: Client) -> None:
    page = f"/portal/patients/{cbi_40.pk}/"
    assert "By your thresholds, no rule holds now." in portal_client.get(page).content.decode()

    response = portal_client.post(f"{page}thresholds/", {"cbi_score": "35", "negative_percent": "", "rise_percent": ""})

    assert response.status_code == 302
    assert FlagThreshold.objects.get(link=link).cbi_score == 35
    _own, states = own_rule_states(link=link)
    assert {state.rule for state in states if state.holds} == {"cbi"}
    body = portal_client.get(page).content.decode()
    assert "By your thresholds, these rules hold now: High burnout questionnaire score" in body
    # The rules by the defaults (what raises flags, alerts and the patient's dashboard) are unchanged: 40 < 50.
    assert not any(state.holds for state in burnout_rule_states(user=cbi_40))


@pytest.mark.parametrize(
    ("field", "value", "language", "message"),
    [
        ("cbi_score", "95", "en", "Give a whole number from 25 to 90, or leave it empty for the default."),
        ("negative_percent", "10", "en", "Give a whole number from 30 to 90, or leave it empty for the default."),
        (
            "rise_percent",
            "many",
            "ru",
            "Укажите целое число от 5 до 50 или оставьте поле пустым.",
        ),
    ],
)
def test_out_of_bounds_is_refused_with_the_reason(
    link: CareLink, portal_client: Client, field: str, value: str, language: str, message: str
) -> None:
    response = portal_client.post(
        f"/portal/patients/{link.patient_id}/thresholds/", {field: value}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not FlagThreshold.objects.exists()


def test_without_flags_shared_thresholds_are_404(verified_psychologist: User, portal_client: Client) -> None:
    patient = UserFactory(consents=["processing"])
    link_patient(patient, verified_psychologist, categories=["readings"])

    assert portal_client.post(f"/portal/patients/{patient.pk}/thresholds/", {"cbi_score": "40"}).status_code == 404
    assert "Your own thresholds" not in portal_client.get(f"/portal/patients/{patient.pk}/").content.decode()
