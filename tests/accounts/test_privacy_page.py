"""The privacy page: consents with grant/withdraw buttons, who viewed the data, export and erasure entries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ConsentDocument, User
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_privacy_page_lists_consents_with_buttons(client_logged_in: Client) -> None:
    body = client_logged_in.get(reverse("accounts:privacy")).content.decode()

    assert "Processing of face photos and emotion data" in body
    assert "Use of anonymised data for research" in body
    assert reverse("accounts:consent_withdraw", args=["processing"]) in body  # given: can be withdrawn
    assert reverse("accounts:consent", args=["research"]) in body  # not given: can be read and accepted
    assert reverse("accounts:export_request") in body and reverse("accounts:delete") in body


def test_a_new_version_is_offered_on_the_privacy_page(client_logged_in: Client) -> None:
    ConsentDocument.objects.create(kind="processing", version=2, text="v2", published=True)
    body = client_logged_in.get(reverse("accounts:privacy")).content.decode()
    assert "A new version needs your agreement" in body
    assert reverse("accounts:consent", args=["processing"]) in body


def test_privacy_page_shows_who_viewed_the_data_and_when(client_logged_in: Client, user: User) -> None:
    psychologist = PsychologistProfileFactory(user__first_name="Greta", user__last_name="Lind").user
    link_patient(user, psychologist)
    portal = two_factor_client_for(psychologist)
    portal.get(reverse("portal:patients"))
    portal.get(reverse("portal:patient_detail", args=[user.pk]))
    # Someone else's patient list does not show up here.
    link_patient(UserFactory(), PsychologistProfileFactory().user)

    response = client_logged_in.get(reverse("accounts:privacy"))
    body = response.content.decode()

    assert "Who viewed your data" in body
    assert body.count("Greta Lind") >= 3  # two reads + the sharing list
    assert "Saw you in their patient list" in body and "Opened your charts" in body
    # The patient page opens with the brief since the last session: its read is a line of its own.
    assert "Read your summary since the last session" in body
    [day] = response.context["read_days"]
    assert [entry.action for entry in day.entries] == ["brief_view", "portal_detail_view", "portal_list_view"]


def test_nobody_viewed_yet(client_logged_in: Client) -> None:
    assert "Nobody has viewed your data." in client_logged_in.get(reverse("accounts:privacy")).content.decode()


def test_privacy_page_needs_login(client: Client) -> None:
    response = client.get(reverse("accounts:privacy"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
