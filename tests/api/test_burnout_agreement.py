"""One answer for every burnout rule: the flags, the portal's "Needs attention" and the API's `flagged` agree.

The rules are evaluated in one place (emotions.burnout); the portal and the API show the open flags. Before,
the portal computed its own SQL copy of the photo rules and ignored the questionnaire rule: the `cbi` case
below is the one where the copies disagreed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from emotions.burnout import burnout_rule_states
from emotions.models import CBI_ITEM_KEYS, BurnoutFlag, PhotoAssessment
from emotions.selectors import portal_patient_row_list
from emotions.services import burnout_flag_evaluate, questionnaire_cbi_create
from tests.conftest import link_patient, photo_history, two_factor_client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _photos(patient: User, *, negative: int, other: int, days_ago: float) -> None:
    at = timezone.now() - timedelta(days=days_ago)
    PhotoAssessment.objects.bulk_create(
        PhotoAssessment(
            user=patient,
            captured_at=at,
            status="done",
            label="sad" if index < negative else "happy",
            valence="negative" if index < negative else "positive",
            negativity=0.9 if index < negative else 0.1,
            faces_found=1,
        )
        for index in range(negative + other)
    )


def _cbi(patient: User, answer: str) -> None:
    questionnaire_cbi_create(
        user=patient, answers=dict.fromkeys(CBI_ITEM_KEYS, answer), at=timezone.now() - timedelta(hours=1)
    )


def _nothing(patient: User) -> None:
    _photos(patient, negative=1, other=5, days_ago=1)
    _cbi(patient, "seldom")


def _negative_share(patient: User) -> None:
    _photos(patient, negative=4, other=1, days_ago=1)  # 80 % of 5, and no earlier window to rise from


def _rise(patient: User) -> None:
    _photos(patient, negative=2, other=3, days_ago=1)  # 40 % of 5: under the share threshold
    _photos(patient, negative=0, other=5, days_ago=20)  # 0 % before: +40 points


def _baseline_rise(patient: User) -> None:
    # Usually calm (30 photos over 30 days, none negative), then 40 % for four weeks: no rise between the
    # last two fortnights, under the share threshold, but 34 points above this person's own baseline.
    photo_history(patient, now=timezone.now(), days_ago=range(30, 60), per_day=1, negative_per_day=0)
    _photos(patient, negative=2, other=3, days_ago=20)
    _photos(patient, negative=2, other=3, days_ago=1)


def _cbi_high(patient: User) -> None:
    _photos(patient, negative=0, other=6, days_ago=1)  # the photos say nothing
    _cbi(patient, "often")  # 75 of 100


@pytest.mark.parametrize(
    ("arrange", "rules"),
    [
        (_nothing, set()),
        (_negative_share, {BurnoutFlag.Rule.NEGATIVE_SHARE}),
        (_rise, {BurnoutFlag.Rule.RISE}),
        (_baseline_rise, {BurnoutFlag.Rule.BASELINE_RISE}),
        (_cbi_high, {BurnoutFlag.Rule.CBI}),
    ],
    ids=["none", "negative_share", "rise", "baseline_rise", "cbi"],
)
def test_flags_portal_and_api_agree_for_every_rule(
    psychologist_api: APIClient, two_factor_psychologist: User, arrange: object, rules: set[str]
) -> None:
    patient = UserFactory(first_name="Pat")
    link_patient(patient, two_factor_psychologist)
    arrange(patient)  # type: ignore[operator]

    burnout_flag_evaluate(user=patient)

    holding = {state.rule for state in burnout_rule_states(user=patient) if state.holds}
    open_rules = set(BurnoutFlag.objects.filter(user=patient, cleared_at=None).values_list("rule", flat=True))
    [row] = portal_patient_row_list(psychologist=two_factor_psychologist)
    [api_row] = psychologist_api.get("/api/v1/patients/").json()["results"]
    page = two_factor_client_for(two_factor_psychologist).get(reverse("portal:patients")).content.decode()

    assert holding == open_rules == rules
    assert row.flagged is api_row["flagged"] is bool(rules)
    assert len(row.flag_rules) == len(rules)
    assert ("Needs attention" in page) is bool(rules)
    assert page.count('class="flag"') == (1 if rules else 0)  # one badge, whatever the number of rules


def test_sorting_by_attention_follows_the_open_flags(
    psychologist_api: APIClient, two_factor_psychologist: User
) -> None:
    calm, questionnaire = UserFactory(first_name="Calm"), UserFactory(first_name="Quest")
    for patient in (calm, questionnaire):
        link_patient(patient, two_factor_psychologist)
    _photos(calm, negative=2, other=3, days_ago=1)  # the higher share, but no rule holds
    _cbi_high(questionnaire)
    for patient in (calm, questionnaire):
        burnout_flag_evaluate(user=patient)

    rows = portal_patient_row_list(psychologist=two_factor_psychologist, sort="flag")
    api_rows = psychologist_api.get("/api/v1/patients/", {"sort": "flag"}).json()["results"]

    assert [row.patient_id for row in rows] == [row["id"] for row in api_rows] == [questionnaire.pk, calm.pk]
