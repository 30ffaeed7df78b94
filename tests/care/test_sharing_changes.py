"""Choosing and changing the shared categories: API (POST, PATCH), the web pages, the invitation to review.

Every refusal is asserted with its message, in English and Russian, and loses nothing stored.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent, CareLink, ConsentEvent, ConsentKind, User
from accounts.selectors import consent_current_document
from tests.api.conftest import client_for
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

LINKS = "/api/v1/care-links/"
EMPTY = {
    "en": "Choose at least one kind of data to share.",
    "ru": "Выберите хотя бы один вид данных, которым хотите поделиться.",
}
UNKNOWN = {
    "en": "Unknown kind of data: photos. Choose from: readings, mood, questionnaire, flags.",
    "ru": "Неизвестный вид данных: photos. Выберите из: readings, mood, questionnaire, flags.",
}


def _document() -> int:
    document = consent_current_document(kind=ConsentKind.SHARING)
    assert document is not None
    return document.pk


@pytest.fixture
def patient_api(user: User) -> APIClient:
    return client_for(user)


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(("categories", "messages"), [([], EMPTY), (["readings", "photos"], UNKNOWN)])
def test_api_refuses_no_or_unknown_categories(
    patient_api: APIClient, language: str, categories: list[str], messages: dict[str, str]
) -> None:
    profile = PsychologistProfileFactory()
    payload = {"code": profile.code, "document": _document(), "categories": categories}

    response = patient_api.post(LINKS, payload, format="json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"categories": [messages[language]]}
    assert not CareLink.objects.exists() and not ConsentEvent.objects.filter(document__kind="sharing").exists()


def test_api_patch_changes_the_categories_with_a_new_consent_event(patient_api: APIClient, user: User) -> None:
    link = link_patient(user, PsychologistProfileFactory().user, categories=["readings"])

    response = patient_api.patch(
        f"{LINKS}{link.pk}/", {"document": _document(), "categories": ["flags", "mood"]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["categories"] == ["mood", "flags"]
    link.refresh_from_db()
    assert link.categories == ("mood", "flags")
    events = ConsentEvent.objects.filter(care_link=link, granted=True).order_by("at", "id")
    assert [event.categories for event in events] == [["readings"], ["mood", "flags"]]
    assert events.last().channel == "api"
    change = AuditEvent.objects.get(subject_user=user, action=AuditEvent.Action.CARE_LINK_CHANGED)
    assert change.detail == {"categories": ["mood", "flags"]}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(("categories", "messages"), [([], EMPTY), (["photos"], UNKNOWN)])
def test_api_patch_refuses_bad_categories_and_keeps_the_link(
    patient_api: APIClient, user: User, language: str, categories: list[str], messages: dict[str, str]
) -> None:
    link = link_patient(user, PsychologistProfileFactory().user, categories=["readings"])

    response = patient_api.patch(
        f"{LINKS}{link.pk}/",
        {"document": _document(), "categories": categories},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"categories": [messages[language]]}
    link.refresh_from_db()
    assert link.categories == ("readings",)
    assert ConsentEvent.objects.filter(care_link=link).count() == 1


def test_api_patch_someone_elses_ended_or_outdated(patient_api: APIClient, user: User) -> None:
    theirs = link_patient(UserFactory(), PsychologistProfileFactory().user)
    body = {"document": _document(), "categories": ["mood"]}
    response = patient_api.patch(f"{LINKS}{theirs.pk}/", body, format="json")
    assert response.status_code == 404 and response.json()["error"]["message"] == "No such sharing link."

    mine = link_patient(user, PsychologistProfileFactory().user, categories=["readings"])
    stale = patient_api.patch(f"{LINKS}{mine.pk}/", {**body, "document": _document() + 1000}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "outdated"

    patient_api.post(f"{LINKS}{mine.pk}/revoke/")
    ended = patient_api.patch(f"{LINKS}{mine.pk}/", body, format="json")
    assert ended.status_code == 409
    assert ended.json()["error"]["message"] == "This sharing has already ended."
    mine.refresh_from_db()
    assert mine.categories == ("readings",)


def test_api_patch_invalid_shape(patient_api: APIClient, user: User) -> None:
    link = link_patient(user, PsychologistProfileFactory().user, categories=["readings"])
    response = patient_api.patch(f"{LINKS}{link.pk}/", {"categories": "readings"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "document": ["This field is required."],
        "categories": ['Expected a list of items but got type "str".'],
    }


# --- the web pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
def test_web_invite_without_a_category_is_refused(client_logged_in: Client, user: User, language: str) -> None:
    profile = PsychologistProfileFactory()
    url = reverse("care:invite", args=[profile.code])

    chosen = client_logged_in.get(url, {"step": "review"}, HTTP_ACCEPT_LANGUAGE=language)
    posted = client_logged_in.post(url, {}, HTTP_ACCEPT_LANGUAGE=language)

    for response in (chosen, posted):
        assert response.status_code == 400
        assert EMPTY[language] in html.unescape(response.content.decode())
    assert not CareLink.objects.exists()


def test_web_invite_refuses_an_unknown_category(client_logged_in: Client) -> None:
    profile = PsychologistProfileFactory()
    response = client_logged_in.post(reverse("care:invite", args=[profile.code]), {"categories": ["photos"]})
    assert response.status_code == 400
    assert "Select a valid choice. photos is not one of the available choices." in response.content.decode()
    assert not CareLink.objects.exists()


def test_web_change_shows_the_current_choice_and_saves_a_new_one(client_logged_in: Client, user: User) -> None:
    link = link_patient(user, PsychologistProfileFactory().user, categories=["readings", "flags"])
    url = reverse("care:change", args=[link.pk])

    page = html.unescape(client_logged_in.get(url).content.decode())
    assert 'value="readings" id="id_categories_0" checked' in page
    assert "my emotion readings" in page and "my mood ratings" not in page

    saved = client_logged_in.post(url, {"categories": ["mood"]})

    assert saved.status_code == 302
    link.refresh_from_db()
    assert link.categories == ("mood",)
    assert ConsentEvent.objects.filter(care_link=link, granted=True).first().categories == ["mood"]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_web_change_without_a_category_keeps_the_link(client_logged_in: Client, user: User, language: str) -> None:
    link = link_patient(user, PsychologistProfileFactory().user, categories=["readings"])

    response = client_logged_in.post(reverse("care:change", args=[link.pk]), {}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert EMPTY[language] in html.unescape(response.content.decode())
    link.refresh_from_db()
    assert link.categories == ("readings",)


def test_web_change_of_someone_elses_or_an_ended_link_is_404(client_logged_in: Client, user: User) -> None:
    theirs = link_patient(UserFactory(), PsychologistProfileFactory().user)
    assert client_logged_in.get(reverse("care:change", args=[theirs.pk])).status_code == 404
    mine = link_patient(user, PsychologistProfileFactory().user)
    client_logged_in.post(reverse("care:revoke", args=[mine.pk]))
    assert client_logged_in.post(reverse("care:change", args=[mine.pk]), {"categories": ["mood"]}).status_code == 404


def test_an_existing_link_invites_the_patient_to_review_until_confirmed(client_logged_in: Client, user: User) -> None:
    link = link_patient(user, PsychologistProfileFactory(user__first_name="Vera").user, categories=["readings"])
    CareLink.objects.filter(pk=link.pk).update(shares_flags=True, categories_review_pending=True)

    page = html.unescape(client_logged_in.get(reverse("care:index")).content.decode())
    assert "Please review what you share with Vera." in page

    # Confirming the same categories is the review: the notice goes, the consent is recorded again.
    client_logged_in.post(reverse("care:change", args=[link.pk]), {"categories": ["readings", "flags"]})

    link.refresh_from_db()
    assert not link.categories_review_pending and link.categories == ("readings", "flags")
    assert "Please review" not in client_logged_in.get(reverse("care:index")).content.decode()
