"""/consents/, /psychologists/{code}/ and /care-links/: consent per purpose, sharing with one psychologist."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent, CareLink, ConsentDocument, ConsentEvent, ConsentKind, User
from accounts.selectors import consent_current_document, consent_is_active
from emotions.models import PhotoAssessment
from tests.api.conftest import assert_error, client_for
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

CONSENTS = "/api/v1/consents/"
LINKS = "/api/v1/care-links/"


def _doc(kind: str) -> ConsentDocument:
    document = consent_current_document(kind=kind)
    assert document is not None
    return document


def test_consent_list_shows_documents_and_decisions(patient_api: APIClient) -> None:
    body = {item["kind"]: item for item in patient_api.get(CONSENTS).json()}

    assert set(body) == {"processing", "sharing", "research"}
    processing = body["processing"]
    assert processing["active"] is True and processing["granted"] is True
    assert processing["document"]["id"] == _doc(ConsentKind.PROCESSING).pk
    assert processing["document"]["text"]
    assert processing["decided_version"] == _doc(ConsentKind.PROCESSING).version
    assert body["research"]["active"] is False and body["research"]["granted"] is None


def test_consent_text_in_russian(patient_api: APIClient) -> None:
    document = _doc(ConsentKind.PROCESSING)
    body = patient_api.get(CONSENTS, HTTP_ACCEPT_LANGUAGE="ru").json()
    text = next(item for item in body if item["kind"] == "processing")["document"]["text"]
    assert text == document.text_for("ru")


def test_grant_and_withdraw(user: User) -> None:
    client = client_for(user)
    research = _doc(ConsentKind.RESEARCH)

    granted = client.post(CONSENTS, {"document": research.pk, "granted": True}, format="json")
    assert granted.status_code == 201
    assert granted.json()["granted"] is True and granted.json()["kind"] == "research"
    assert consent_is_active(user=user, kind=ConsentKind.RESEARCH)
    assert ConsentEvent.objects.filter(user=user, document=research).latest("at").channel == "api"

    again = client.post(CONSENTS, {"document": research.pk, "granted": True}, format="json")
    assert_error(again, 409, "already_granted", "You have already given this consent.")

    withdrawn = client.post(CONSENTS, {"document": research.pk, "granted": False}, format="json")
    assert withdrawn.status_code == 201
    assert not consent_is_active(user=user, kind=ConsentKind.RESEARCH)
    nothing = client.post(CONSENTS, {"document": research.pk, "granted": False}, format="json")
    assert_error(nothing, 409, "not_granted")


def test_withdrawing_processing_stops_pending_analyses(user: User) -> None:
    pending = PhotoAssessment.objects.create(user=user)
    response = client_for(user).post(CONSENTS, {"document": _doc("processing").pk, "granted": False}, format="json")
    assert response.status_code == 201
    pending.refresh_from_db()
    assert pending.status == "failed" and pending.error_code == "consent_withdrawn"


def test_grant_of_an_outdated_version(user: User) -> None:
    old = _doc(ConsentKind.RESEARCH)
    ConsentDocument.objects.create(kind=ConsentKind.RESEARCH, version=old.version + 1, text="v2", published=True)
    response = client_for(user).post(CONSENTS, {"document": old.pk, "granted": True}, format="json")
    assert_error(response, 409, "outdated")


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"document": ["This field is required."], "granted": ["This field is required."]}),
        ({"document": 999999, "granted": True}, {"document": ['Invalid pk "999999" - object does not exist.']}),
        (
            {"document": "x", "granted": "maybe"},
            {"document": ["Incorrect type. Expected pk value, received str."], "granted": ["Must be a valid boolean."]},
        ),
    ],
)
def test_consent_invalid_input(patient_api: APIClient, payload: dict, fields: dict) -> None:
    error = assert_error(patient_api.post(CONSENTS, payload, format="json"), 400, "invalid")
    assert error["fields"] == fields


def test_sharing_consent_is_not_given_here(patient_api: APIClient) -> None:
    response = patient_api.post(CONSENTS, {"document": _doc("sharing").pk, "granted": True}, format="json")
    error = assert_error(response, 400, "invalid")
    assert error["fields"]["document"] == [
        "Sharing is agreed with one psychologist at a time: start it with their code instead."
    ]


def test_unpublished_document_is_unknown(patient_api: APIClient) -> None:
    draft = ConsentDocument.objects.create(kind=ConsentKind.RESEARCH, version=99, text="draft", published=False)
    error = assert_error(patient_api.post(CONSENTS, {"document": draft.pk, "granted": True}), 400, "invalid")
    assert "document" in error["fields"]


def test_consents_need_a_login(api: APIClient) -> None:
    assert_error(api.get(CONSENTS), 401, "not_authenticated")
    assert_error(api.post(CONSENTS, {}), 401, "not_authenticated")


# --- sharing -------------------------------------------------------------------------------------------------


def test_lookup_then_share_then_revoke(patient_api: APIClient, user: User) -> None:
    profile = PsychologistProfileFactory(user__first_name="Vera")
    code = profile.code

    found = patient_api.get(f"/api/v1/psychologists/{code.lower()}/")
    assert found.json() == {"id": profile.user.pk, "name": "Vera"}

    created = patient_api.post(
        LINKS, {"code": code, "document": _doc("sharing").pk, "categories": ["readings"]}, format="json"
    )
    assert created.status_code == 201
    link = CareLink.objects.get(patient=user)
    assert created.json()["id"] == link.pk and created.json()["status"] == "active"
    assert created.json()["categories"] == ["readings"] and created.json()["review_pending"] is False
    assert ConsentEvent.objects.get(care_link=link).channel == "api"

    listed = patient_api.get(LINKS).json()
    assert [item["id"] for item in listed["results"]] == [link.pk]
    assert listed["results"][0]["psychologist"]["name"] == "Vera"

    again = patient_api.post(
        LINKS, {"code": code, "document": _doc("sharing").pk, "categories": ["readings"]}, format="json"
    )
    assert_error(again, 409, "already_linked")

    revoked = patient_api.post(f"{LINKS}{link.pk}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert revoked.json()["ended_by"] == "patient"
    assert_error(patient_api.post(f"{LINKS}{link.pk}/revoke/"), 409, "not_active", "This sharing has already ended.")
    assert AuditEvent.objects.filter(subject_user=user, action=AuditEvent.Action.CARE_LINK_REVOKED).exists()


def test_share_with_an_unknown_code(patient_api: APIClient) -> None:
    pending = PsychologistProfileFactory(verified_at=None)
    for code in ("NOPE2345", pending.code):
        response = patient_api.post(
            LINKS, {"code": code, "document": _doc("sharing").pk, "categories": ["readings"]}, format="json"
        )
        error = assert_error(response, 400, "unknown_code")
        assert error["fields"] == {"code": ["No verified psychologist has this code. Please check it and try again."]}
        assert_error(patient_api.get(f"/api/v1/psychologists/{code}/"), 404, "not_found")
    assert not CareLink.objects.exists()


def test_share_with_an_outdated_document(patient_api: APIClient) -> None:
    profile = PsychologistProfileFactory()
    old = _doc("sharing")
    ConsentDocument.objects.create(kind="sharing", version=old.version + 1, text="v2", published=True)
    response = patient_api.post(
        LINKS, {"code": profile.code, "document": old.pk, "categories": ["readings"]}, format="json"
    )
    assert_error(response, 409, "outdated")
    assert not CareLink.objects.exists()


def test_share_invalid_input(patient_api: APIClient) -> None:
    error = assert_error(patient_api.post(LINKS, {}, format="json"), 400, "invalid")
    assert error["fields"] == {
        "code": ["This field is required."],
        "document": ["This field is required."],
        "categories": ["This field is required."],
    }


def test_psychologists_do_not_share(verified_psychologist: User) -> None:
    client = client_for(verified_psychologist)
    response = client.post(LINKS, {"code": "X", "document": _doc("sharing").pk}, format="json")
    assert_error(response, 403, "not_patient", "Only patient accounts can share their data with a psychologist.")
    assert_error(client.get("/api/v1/psychologists/ABC/"), 403, "not_patient")


def test_revoking_someone_elses_link_is_404(patient_api: APIClient) -> None:
    theirs = link_patient(UserFactory(), PsychologistProfileFactory().user)
    assert_error(patient_api.post(f"{LINKS}{theirs.pk}/revoke/"), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.is_active


def test_sharing_needs_a_login(api: APIClient) -> None:
    assert_error(api.get(LINKS), 401, "not_authenticated")
    assert_error(api.post(LINKS, {}), 401, "not_authenticated")
    assert_error(api.post(f"{LINKS}1/revoke/"), 401, "not_authenticated")
    assert_error(api.get("/api/v1/psychologists/ABC/"), 401, "not_authenticated")
