"""Withdrawing the processing consent pauses every sharing link: the psychologist sees nothing and hears
nothing of the patient until the consent is given again. The link itself stays (sharing is its own consent,
ended by revoking it). docs/privacy.md, "Sharing with a psychologist"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import CareLink, ConsentKind, User
from accounts.selectors import (
    care_link_list_visible,
    care_link_patient_list,
    consent_current_document,
    consent_is_withdrawn,
)
from accounts.services import consent_grant, consent_withdraw
from emotions.models import BurnoutFlag, PhotoAssessment
from emotions.services import burnout_flag_evaluate
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

PROCESSING = ConsentKind.PROCESSING


def _negative_photos(patient: User, count: int = 5) -> None:
    now = timezone.now()
    PhotoAssessment.objects.bulk_create(
        PhotoAssessment(
            user=patient,
            captured_at=now - timedelta(hours=index + 1),
            status="done",
            label="sad",
            valence="negative",
            negativity=0.9,
            faces_found=1,
        )
        for index in range(count)
    )


def _api_with_otp(psychologist: User) -> APIClient:
    from knox.models import AuthToken

    from burnout_site.api.authentication import OTP_TOKEN_PREFIX

    _instance, token = AuthToken.objects.create(psychologist, prefix=OTP_TOKEN_PREFIX)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


@pytest.fixture
def shared() -> tuple[User, User, CareLink]:
    patient = UserFactory(first_name="Pauline", consents=[PROCESSING])
    psychologist = PsychologistProfileFactory(user__email="doc@example.com").user
    link = link_patient(patient, psychologist)
    _negative_photos(patient)
    return patient, psychologist, link


def test_after_withdrawal_the_portal_and_the_api_show_nothing_and_the_link_stays(
    shared: tuple[User, User, CareLink],
) -> None:
    patient, psychologist, link = shared
    portal = two_factor_client_for(psychologist)
    api = _api_with_otp(psychologist)
    detail = reverse("portal:patient_detail", args=[patient.pk])
    assert portal.get(detail).status_code == 200
    assert "Pauline" in portal.get(reverse("portal:patients")).content.decode()
    assert api.get(f"/api/v1/patients/{patient.pk}/dynamics/").status_code == 200
    assert patient.pk in [row["id"] for row in api.get("/api/v1/patients/").json()["results"]]

    consent_withdraw(user=patient, kind=PROCESSING)

    assert portal.get(detail).status_code == 404
    assert "Pauline" not in portal.get(reverse("portal:patients")).content.decode()
    assert api.get(f"/api/v1/patients/{patient.pk}/dynamics/").status_code == 404
    assert patient.pk not in [row["id"] for row in api.get("/api/v1/patients/").json()["results"]]
    link.refresh_from_db()
    assert link.status == CareLink.Status.ACTIVE  # paused, not ended

    consent_grant(user=patient, document=consent_current_document(kind=PROCESSING))

    assert portal.get(detail).status_code == 200
    assert api.get(f"/api/v1/patients/{patient.pk}/dynamics/").status_code == 200


def test_no_burnout_alert_while_the_consent_is_withdrawn(
    shared: tuple[User, User, CareLink], django_capture_on_commit_callbacks: Callable
) -> None:
    patient, _psychologist, _link = shared
    consent_withdraw(user=patient, kind=PROCESSING)

    with django_capture_on_commit_callbacks(execute=True):
        raised = burnout_flag_evaluate(user=patient)

    assert [flag.rule for flag in raised] == [BurnoutFlag.Rule.NEGATIVE_SHARE]  # their own page still shows it
    assert mail.outbox == []


def test_the_patient_is_told_what_withdrawal_means_for_sharing(shared: tuple[User, User, CareLink]) -> None:
    patient, _psychologist, _link = shared
    client = Client()
    client.force_login(patient)

    response = client.post(reverse("accounts:consent_withdraw", args=[PROCESSING]), follow=True)

    page = response.content.decode()
    assert "The psychologists you share your data with no longer see it and get no alerts about you" in page
    assert "revoke it on the “My psychologist” page." in page


def test_the_rule_in_sql_agrees_with_the_rule_in_python() -> None:
    """care_link_list_visible (SQL, for the portal's sorted list) and consent_is_withdrawn (Python) on every history."""
    document = consent_current_document(kind=PROCESSING)
    psychologist = PsychologistProfileFactory().user
    at = timezone.now() - timedelta(days=1)
    histories: dict[str, list[bool]] = {
        "never decided": [],
        "granted": [True],
        "withdrawn": [True, False],
        "granted again": [True, False, True],
        "withdrawn twice": [True, False, True, False],
    }
    links = {}
    for name, decisions in histories.items():
        patient = UserFactory()
        links[name] = link_patient(patient, psychologist)
        for step, granted in enumerate(decisions):
            patient.consent_events.create(document=document, granted=granted, at=at + timedelta(minutes=step))
    # Two decisions at the same moment: the later row (higher id) is the latest, in both.
    tie = UserFactory()
    links["same moment, withdrawn last"] = link_patient(tie, psychologist)
    tie.consent_events.create(document=document, granted=True, at=at)
    tie.consent_events.create(document=document, granted=False, at=at)

    visible = set(care_link_list_visible().values_list("pk", flat=True))
    for name, link in links.items():
        expected = not consent_is_withdrawn(user=link.patient, kind=PROCESSING)
        assert (link.pk in visible) == expected, name
    assert {name for name, link in links.items() if link.pk not in visible} == {
        "withdrawn",
        "withdrawn twice",
        "same moment, withdrawn last",
    }
    assert set(care_link_patient_list(psychologist=psychologist).values_list("pk", flat=True)) == {
        links[name].patient_id for name in ("never decided", "granted", "granted again")
    }
