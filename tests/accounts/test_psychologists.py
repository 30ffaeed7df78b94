"""Psychologists: licence details, admin verification, two-factor authentication with a real TOTP code."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, PsychologistProfile, User
from accounts.services import psychologist_profile_save
from tests.accounts.totp import totp_code, wrong_code
from tests.conftest import two_factor_client_for
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

LICENCE = {"licence_number": "PSY-123", "issuing_body": "Berlin Chamber of Psychotherapists", "country": "Germany"}


def test_licence_form_saves_and_shows_the_pending_page(psychologist_client: Client, psychologist: User) -> None:
    response = psychologist_client.post(reverse("accounts:psychologist_profile"), LICENCE, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:psychologist_pending")
    body = response.content.decode()
    assert "Pending verification" in body and "PSY-123" in body
    profile = PsychologistProfile.objects.get(user=psychologist)
    assert not profile.is_verified and len(profile.code) == 8


def test_licence_form_reports_missing_fields(psychologist_client: Client) -> None:
    response = psychologist_client.post(reverse("accounts:psychologist_profile"), {"licence_number": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_patients_have_no_licence_form(client_logged_in: Client) -> None:
    assert client_logged_in.get(reverse("accounts:psychologist_profile")).status_code == 404
    assert client_logged_in.get(reverse("accounts:psychologist_pending")).status_code == 404


def test_changing_the_licence_after_verification_needs_a_new_one() -> None:
    profile = PsychologistProfileFactory()
    assert profile.is_verified
    psychologist_profile_save(user=profile.user, **{**LICENCE, "licence_number": "NEW-1"})
    profile.refresh_from_db()
    assert not profile.is_verified


def test_admin_action_verifies_and_is_audited() -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    profile = PsychologistProfileFactory(verified_at=None)
    client = two_factor_client_for(admin)

    response = client.post(
        reverse("admin:accounts_psychologistprofile_changelist"),
        {"action": "verify_psychologists", "_selected_action": [profile.pk]},
        follow=True,
    )

    assert "1 psychologist verified." in response.content.decode()
    profile.refresh_from_db()
    assert profile.is_verified and profile.verified_by == admin
    assert AuditEvent.objects.filter(actor=admin, subject_user=profile.user, action="psychologist_verified").exists()


def test_pending_page_sends_a_verified_psychologist_on(client: Client) -> None:
    profile = PsychologistProfileFactory()
    client.force_login(profile.user)
    assert client.get(reverse("accounts:psychologist_pending"))["Location"] == reverse("portal:patients")


def test_two_factor_setup_with_a_code_from_the_key_opens_the_portal(client: Client) -> None:
    profile = PsychologistProfileFactory()
    client.force_login(profile.user)

    page = client.get(reverse("portal:patients"), follow=True)
    body = page.content.decode()
    assert page.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    assert "<svg" in body and "otpauth://totp/" in body
    device = TOTPDevice.objects.get(user=profile.user, confirmed=False)
    assert page.context["secret"] in body

    response = client.post(
        reverse("accounts:otp_setup"), {"token": totp_code(device), "next": reverse("portal:patients")}
    )

    # Set-up now passes through the recovery codes, shown once, whose "continue" leads on to the portal.
    codes_page = f"{reverse('accounts:otp_recovery_codes')}?next=%2Fportal%2F"
    assert response.status_code == 302 and response["Location"] == codes_page
    codes = client.get(codes_page)
    assert codes.status_code == 200 and len(codes.context["codes"]) == 10
    assert f'href="{reverse("portal:patients")}"' in codes.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("portal:patients")).status_code == 200
    assert AuditEvent.objects.filter(actor=profile.user, action="otp_device_confirmed").exists()


def test_two_factor_setup_refuses_a_wrong_code(client: Client) -> None:
    profile = PsychologistProfileFactory()
    client.force_login(profile.user)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=profile.user)
    wrong = wrong_code(device)

    response = client.post(reverse("accounts:otp_setup"), {"token": wrong})

    assert response.status_code == 400
    assert "This code is not correct." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_malformed_code_is_refused_with_a_message(client: Client) -> None:
    profile = PsychologistProfileFactory()
    client.force_login(profile.user)
    response = client.post(reverse("accounts:otp_setup"), {"token": "abc"})
    assert response.status_code == 400
    assert "Enter the 6 digits your authenticator app shows." in response.content.decode()


def test_login_then_code_opens_the_portal(client: Client, password: str) -> None:
    profile = PsychologistProfileFactory()
    device = TOTPDevice.objects.create(user=profile.user, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": profile.user.username, "password": password})
    assert get_user(client).pk == profile.user.pk

    asked = client.get(reverse("portal:patients"))
    assert asked["Location"].startswith(reverse("accounts:otp_verify"))
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "000000" if totp_code(device) != "000000" else "1"})
    assert wrong.status_code == 400
    assert "This code is not correct." in wrong.content.decode() or "Enter the 6 digits" in wrong.content.decode()


def test_verify_with_the_right_code(client: Client) -> None:
    profile = PsychologistProfileFactory()
    device = TOTPDevice.objects.create(user=profile.user, name="phone", confirmed=True)
    client.force_login(profile.user)

    response = client.post(
        reverse("accounts:otp_verify"), {"token": totp_code(device), "next": reverse("portal:patients")}
    )

    assert response.status_code == 302 and response["Location"] == reverse("portal:patients")
    assert client.get(reverse("portal:patients")).status_code == 200


def test_login_sends_psychologists_to_the_portal(client: Client, password: str) -> None:
    profile = PsychologistProfileFactory()
    response = client.post(reverse("accounts:login"), {"username": profile.user.username, "password": password})
    assert response["Location"] == reverse("portal:patients")


def test_navigation_follows_the_role(client_logged_in: Client, psychologist_client: Client) -> None:
    patient_nav = client_logged_in.get(reverse("accounts:privacy")).content.decode()
    assert reverse("care:index") in patient_nav and reverse("portal:patients") not in patient_nav
    psychologist_nav = psychologist_client.get(reverse("accounts:privacy")).content.decode()
    assert reverse("portal:patients") in psychologist_nav and reverse("care:index") not in psychologist_nav
