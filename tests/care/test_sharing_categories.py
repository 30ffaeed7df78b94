"""Sharing by category: every category × every portal page and API endpoint a psychologist uses, and alerts.

For each category the link shares either only that category (`shared`) or every other one (`not shared`): the
category's data shows exactly in the first case, whatever else is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import CareLink, SharingCategory, User
from emotions.models import BurnoutFlag, PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.services import burnout_flag_evaluate
from tests.api.conftest import client_for
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CATEGORIES = SharingCategory.values
CASES = [(category, shared) for category in CATEGORIES for shared in (True, False)]
CASE_IDS = [f"{category}-{'shared' if shared else 'not-shared'}" for category, shared in CASES]


def _everything(patient: User) -> None:
    """Data of every category: photos (readings: three counted, one unsure), mood ratings, a questionnaire
    score and an open flag."""
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
        for index in range(3)
    )
    # Unsure (confidence under CONFIDENCE_UNSURE_BELOW_PERCENT): counted apart, and a reading like the others.
    PhotoAssessment.objects.create(
        user=patient,
        captured_at=now - timedelta(minutes=30),
        status="done",
        label="happy",
        valence="positive",
        negativity=0.1,
        confidence=0.2,
        faces_found=1,
    )
    SelfReport.objects.create(user=patient, mood=2, note="a hard week", at=now - timedelta(hours=2))
    QuestionnaireResponse.objects.create(user=patient, answers={}, score=75, at=now - timedelta(days=1))
    BurnoutFlag.objects.create(user=patient, rule=BurnoutFlag.Rule.CBI, value=75)


@pytest.fixture
def psychologist(verified_psychologist: User) -> User:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=verified_psychologist, name="phone", confirmed=True)
    return verified_psychologist


@pytest.fixture
def share(psychologist: User) -> Callable[[str, bool], User]:
    def make(category: str, shared: bool) -> User:
        patient = UserFactory(consents=["processing"], first_name="Anna")
        _everything(patient)
        chosen = [category] if shared else [other for other in CATEGORIES if other != category]
        link_patient(patient, psychologist, categories=chosen)
        return patient

    return make


@pytest.mark.parametrize(("category", "shared"), CASES, ids=CASE_IDS)
def test_portal_list(psychologist: User, share: Callable[[str, bool], User], category: str, shared: bool) -> None:
    patient = share(category, shared)
    response = two_factor_client_for(psychologist).get(reverse("portal:patients"))
    assert response.status_code == 200  # a patient sharing anything is listed
    [row] = response.context["rows"]
    assert row.patient_id == patient.pk
    body = response.content.decode()
    seen = {
        "readings": row.recent_total == 3
        and row.recent_unsure == 1
        and row.last_assessment_at is not None
        and row.recent_share == 1.0
        and "unsure, not counted" in body,
        "mood": None,  # the list shows no mood
        "questionnaire": row.latest_cbi == 75,
        "flags": row.flagged and "Needs attention" in body,
    }[category]
    hidden = {
        "readings": row.recent_total is None
        and row.recent_unsure is None
        and row.last_assessment_at is None
        and row.recent_share is None
        and "unsure, not counted" not in body,
        "mood": None,
        "questionnaire": row.latest_cbi is None,
        "flags": not row.flagged and not row.flag_rules and "Needs attention" not in body,
    }[category]
    if seen is not None:
        assert seen if shared else hidden


@pytest.mark.parametrize(("category", "shared"), CASES, ids=CASE_IDS)
def test_portal_patient_page(
    psychologist: User, share: Callable[[str, bool], User], category: str, shared: bool
) -> None:
    patient = share(category, shared)
    response = two_factor_client_for(psychologist).get(reverse("portal:patient_detail", args=[patient.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    markers = {
        "readings": [
            "Share of negative emotions per day",
            "Mix of emotions",
            "Latest photos",
            "1 unsure reading not counted.",
        ],
        "mood": ['<th scope="col">Own mood (1–5)</th>'],
        "questionnaire": ["Score (0–100)", "Latest burnout questionnaire score: 75 of 100"],
        "flags": ["Burnout signals", "High burnout questionnaire score, since"],
    }[category]
    for marker in markers:
        assert (marker in body) is shared, marker
    if not shared:
        assert "Not shared with you:" in body and str(SharingCategory(category).label) in body


@pytest.mark.parametrize(("category", "shared"), CASES, ids=CASE_IDS)
def test_api_patient_list(psychologist: User, share: Callable[[str, bool], User], category: str, shared: bool) -> None:
    share(category, shared)
    response = client_for(psychologist, otp=True).get("/api/v1/patients/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (category in row["categories"]) is shared
    if category == "readings":
        values = [row[field] for field in ("last_assessment_at", "recent_total", "recent_unsure", "recent_share")]
        assert values[1:] == [3, 1, 1.0] if shared else values == [None, None, None, None]
        if not shared:
            assert row["previous_share"] is None and row["share_change"] is None
    elif category == "questionnaire":
        assert row["latest_cbi"] == (75 if shared else None)
    elif category == "flags":
        assert row["flagged"] is shared


@pytest.mark.parametrize(("category", "shared"), CASES, ids=CASE_IDS)
def test_api_patient_dynamics(
    psychologist: User, share: Callable[[str, bool], User], category: str, shared: bool
) -> None:
    patient = share(category, shared)
    response = client_for(psychologist, otp=True).get(f"/api/v1/patients/{patient.pk}/dynamics/")
    if shared and category in {"questionnaire", "flags"}:
        # The endpoint holds readings and mood only: with neither shared the patient is not found here.
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "No such patient shares data with you."
        return
    assert response.status_code == 200
    buckets = response.json()["buckets"]
    today = buckets[-1]
    if category == "readings":
        if shared:
            assert (today["count"], today["unsure"], today["class_mix"]["sad"]) == (3, 1, 3)
        else:
            assert all(
                b["count"] is None and b["unsure"] is None and b["class_mix"] == {} and b["negative_share"] is None
                for b in buckets
            )
    elif category == "mood":
        assert (today["mean_mood"] == 2.0) if shared else all(b["mean_mood"] is None for b in buckets)


@pytest.mark.parametrize("shared", [True, False], ids=["flags-shared", "flags-not-shared"])
def test_alerts_follow_the_flags_category(
    psychologist: User, shared: bool, django_capture_on_commit_callbacks: Callable
) -> None:
    patient = UserFactory(consents=["processing"])
    others = [category for category in CATEGORIES if category != "flags"]
    link_patient(patient, psychologist, categories=["flags"] if shared else others)
    QuestionnaireResponse.objects.create(user=patient, answers={}, score=100)

    with django_capture_on_commit_callbacks(execute=True):
        assert len(burnout_flag_evaluate(user=patient)) == 1  # the flag is the patient's, whatever is shared

    assert len(mail.outbox) == (1 if shared else 0)


def test_sorting_never_orders_by_what_is_not_shared(psychologist: User) -> None:
    # The most negative patient does not share readings: sorting by the share puts them last, not first.
    hidden = UserFactory(consents=["processing"], first_name="Hidden")
    _everything(hidden)
    link_patient(hidden, psychologist, categories=["mood"])
    open_one = UserFactory(consents=["processing"], first_name="Open")
    PhotoAssessment.objects.create(
        user=open_one, captured_at=timezone.now(), status="done", label="happy", valence="positive", faces_found=1
    )
    link_patient(open_one, psychologist, categories=["readings"])

    for sort in ("share", "last", "flag"):
        rows = two_factor_client_for(psychologist).get(reverse("portal:patients"), {"sort": sort}).context["rows"]
        assert [row.name for row in rows] == ["Open", "Hidden"], sort


def test_an_existing_link_gets_what_its_consent_named(psychologist: User) -> None:
    # What the data migration does to links made before categories: readings and flags, with a review pending.
    from importlib import import_module

    from django.apps import apps as django_apps

    migration = import_module("accounts.migrations.0010_sharing_categories_data")
    patient = UserFactory(consents=["processing"])
    link = link_patient(patient, psychologist, categories=["mood"])
    CareLink.objects.filter(pk=link.pk).update(shares_mood=False)

    migration.forwards(django_apps, None)

    link.refresh_from_db()
    assert link.categories == ("readings", "flags") and link.categories_review_pending
