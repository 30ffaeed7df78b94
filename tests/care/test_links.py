"""Sharing: a patient enters a verified psychologist's code, reads the consent naming them, confirms; revokes."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, CareLink, ConsentEvent, ConsentKind
from accounts.services import care_link_create
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_code_leads_to_the_sharing_consent_naming_the_psychologist(client_logged_in: Client) -> None:
    profile = PsychologistProfileFactory(user__first_name="Maria", user__last_name="Weber")

    entered = client_logged_in.post(reverse("care:index"), {"code": f" {profile.code.lower()} "})
    assert entered.status_code == 302
    assert entered["Location"] == reverse("care:invite", args=[profile.code])

    page = client_logged_in.get(entered["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Share your data with Maria Weber" in body
    assert profile.licence_number in body
    # The categories come first (none chosen for the person); the consent text names exactly the chosen ones.
    assert 'name="categories"' in body and "checked" not in body
    assert "I agree to share my data with Maria Weber" not in body

    chosen = client_logged_in.get(entered["Location"], {"step": "review", "categories": ["flags", "readings"]})
    body = html.unescape(chosen.content.decode())
    assert chosen.status_code == 200
    assert "I agree to share my data with Maria Weber" in body
    assert "I agree to share the following data with the psychologist named above" in body
    assert "my emotion readings: the charts of the share of negative emotions" in body
    assert "the burnout warning flags computed from my data" in body
    assert "mood ratings" not in body.split("document-text")[1]
    assert "questionnaire scores" not in body.split("document-text")[1]


def test_confirming_opens_the_link_and_records_the_sharing_consent(client_logged_in: Client, user: object) -> None:
    profile = PsychologistProfileFactory()

    response = client_logged_in.post(reverse("care:invite", args=[profile.code]), {"categories": ["mood", "flags"]})

    assert response.status_code == 302
    link = CareLink.objects.get(patient=user, psychologist=profile.user)
    assert link.status == CareLink.Status.ACTIVE
    assert link.categories == ("mood", "flags") and not link.categories_review_pending
    event = ConsentEvent.objects.get(user=user, document__kind=ConsentKind.SHARING)
    assert event.granted and event.care_link == link and event.channel == "web"
    assert event.categories == ["mood", "flags"]
    assert AuditEvent.objects.filter(subject_user=user, action="care_link_created").exists()


def test_double_confirmation_is_a_clear_conflict(client_logged_in: Client, user: object) -> None:
    profile = PsychologistProfileFactory()
    client_logged_in.post(reverse("care:invite", args=[profile.code]), {"categories": ["readings"]})

    again = client_logged_in.post(reverse("care:invite", args=[profile.code]), {"categories": ["readings"]})

    assert again.status_code == 409
    assert "You already share your data with this psychologist." in again.content.decode()
    assert CareLink.objects.filter(patient=user).count() == 1


@pytest.mark.parametrize("code", ["NOSUCH22", "", "   "])
def test_unknown_code_is_refused_with_a_message(client_logged_in: Client, code: str) -> None:
    response = client_logged_in.post(reverse("care:index"), {"code": code})
    assert response.status_code == 400
    body = response.content.decode()
    assert "No verified psychologist has this code." in body or "This field is required." in body


def test_unknown_invite_link_is_a_404_with_a_message(client_logged_in: Client) -> None:
    response = client_logged_in.get(reverse("care:invite", args=["NOSUCH22"]))
    assert response.status_code == 404
    assert "No verified psychologist has this code." in response.content.decode()


def test_an_unverified_psychologist_cannot_be_chosen(client_logged_in: Client) -> None:
    pending = PsychologistProfileFactory(verified_at=None)
    response = client_logged_in.post(reverse("care:invite", args=[pending.code]))
    assert response.status_code == 404
    assert "No verified psychologist has this code." in response.content.decode()
    assert not CareLink.objects.exists()


def test_only_patients_can_share(psychologist_client: Client) -> None:
    profile = PsychologistProfileFactory()
    response = psychologist_client.post(reverse("care:invite", args=[profile.code]))
    assert response.status_code == 403
    assert "Only patient accounts can share their data with a psychologist." in response.content.decode()


def test_invite_link_needs_login(client: Client) -> None:
    profile = PsychologistProfileFactory()
    response = client.get(reverse("care:invite", args=[profile.code]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_revoking_ends_access_at_once(client_logged_in: Client, user: object) -> None:
    profile = PsychologistProfileFactory()
    link = link_patient(user, profile.user)
    portal = two_factor_client_for(profile.user)
    detail = reverse("portal:patient_detail", args=[user.pk])
    assert portal.get(detail).status_code == 200

    response = client_logged_in.post(reverse("care:revoke", args=[link.pk]), follow=True)

    assert "can no longer see your data" in response.content.decode()
    link.refresh_from_db()
    assert link.status == CareLink.Status.REVOKED and link.ended_by == "patient" and link.revoked_at
    assert portal.get(detail).status_code == 404
    withdrawal = ConsentEvent.objects.filter(user=user, care_link=link).order_by("-at", "-id").first()
    assert withdrawal.granted is False


def test_revoking_twice_is_a_clear_conflict(client_logged_in: Client, user: object) -> None:
    link = link_patient(user, PsychologistProfileFactory().user)
    client_logged_in.post(reverse("care:revoke", args=[link.pk]))

    again = client_logged_in.post(reverse("care:revoke", args=[link.pk]))

    assert again.status_code == 409
    assert "This sharing has already ended." in again.content.decode()


def test_revoking_someone_elses_link_is_a_404(client_logged_in: Client) -> None:
    other = link_patient(UserFactory(), PsychologistProfileFactory().user)
    assert client_logged_in.post(reverse("care:revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_sharing_again_after_revoking_opens_a_new_link(user: object) -> None:
    profile = PsychologistProfileFactory()
    first = link_patient(user, profile.user)
    first.status = CareLink.Status.REVOKED
    first.save()

    second = care_link_create(patient=user, code=profile.code, categories=["readings"])

    assert second.pk != first.pk and second.is_active


def test_the_psychologist_can_end_the_link(user: object) -> None:
    profile = PsychologistProfileFactory()
    link_patient(user, profile.user)
    portal = two_factor_client_for(profile.user)

    response = portal.post(reverse("portal:end_link", args=[user.pk]), follow=True)

    assert "You no longer have access to this person's data." in html.unescape(response.content.decode())
    link = CareLink.objects.get(patient=user)
    assert link.status == CareLink.Status.ENDED and link.ended_by == "psychologist"
    assert portal.get(reverse("portal:patient_detail", args=[user.pk])).status_code == 404
    # Ending again: the link is no longer active, so the patient is not found.
    assert portal.post(reverse("portal:end_link", args=[user.pk])).status_code == 404


def test_care_page_lists_links_with_a_stop_button(client_logged_in: Client, user: object) -> None:
    profile = PsychologistProfileFactory(user__first_name="Ilse")
    link = link_patient(user, profile.user)
    body = client_logged_in.get(reverse("care:index")).content.decode()
    assert "Ilse" in body and reverse("care:revoke", args=[link.pk]) in body and "Stop sharing" in body
