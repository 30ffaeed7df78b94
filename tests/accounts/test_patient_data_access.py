"""The one rule "may this psychologist see patients' data now?": each missing step, in order, with its message.

Pages (`portal_access_required`) and the API (`require_patient_data_access`) only translate this answer;
their own tests (tests/care/test_portal.py, tests/api/test_dynamics_and_patients.py) check the translation.
"""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import psychologist_patient_data_access
from tests.factories import PsychologistFactory, PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_patient_is_refused_as_not_a_psychologist() -> None:
    access = psychologist_patient_data_access(user=UserFactory(), otp_verified=True)
    assert access.refusal is not None and access.refusal.code == "psychologists_only"
    assert access.refusal.message == "Only psychologists can see the data of patients."


@pytest.mark.parametrize("entered", [False, True])
def test_missing_or_unverified_licence_details_are_the_same_refusal(entered: bool) -> None:
    user = PsychologistProfileFactory(verified_at=None).user if entered else PsychologistFactory()
    access = psychologist_patient_data_access(user=user, otp_verified=True)
    assert access.refusal is not None and access.refusal.code == "psychologist_not_verified"
    assert access.refusal.message.startswith("Your licence details have not been verified yet.")
    # Pages tell the two apart by the profile: the licence form, or the pending page.
    assert (access.profile is not None) is entered


def test_without_a_confirmed_authenticator_the_step_is_its_set_up() -> None:
    user = PsychologistProfileFactory().user
    TOTPDevice.objects.create(user=user, name="unconfirmed", confirmed=False)
    access = psychologist_patient_data_access(user=user, otp_verified=True)
    assert access.refusal is not None and access.refusal.code == "otp_setup_required"
    assert "Set up two-factor authentication" in access.refusal.message


def test_with_an_authenticator_the_step_is_the_code_then_access() -> None:
    profile = PsychologistProfileFactory()
    TOTPDevice.objects.create(user=profile.user, name="phone", confirmed=True)
    refused = psychologist_patient_data_access(user=profile.user, otp_verified=False)
    assert refused.refusal is not None and refused.refusal.code == "otp_required"
    assert refused.refusal.message == "Sign in again with your two-factor code to see patients' data."
    allowed = psychologist_patient_data_access(user=profile.user, otp_verified=True)
    assert allowed.refusal is None and allowed.profile == profile
