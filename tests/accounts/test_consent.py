"""Consent: versioned documents, append-only events, the guard before any analysis, withdrawal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.admin import ConsentEventAdmin
from accounts.models import AuditEvent, ConsentDocument, ConsentEvent, ConsentEventImmutable, ConsentKind
from accounts.selectors import consent_current_document, consent_is_active, consent_state, consent_state_list
from accounts.services import ConsentRequired, consent_grant, consent_withdraw
from emotions.models import PhotoAssessment
from emotions.services import assessment_analyze, assessment_create, photo_validate
from tests.emotions import images
from tests.emotions.conftest import upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROCESSING = ConsentKind.PROCESSING


def _publish(kind: str, version: int, **extra: object) -> ConsentDocument:
    return ConsentDocument.objects.create(
        kind=kind, version=version, text=f"{kind} v{version}", text_ru=f"{kind} в{version}", published=True, **extra
    )


def test_version_one_of_each_document_is_published_by_the_migration() -> None:
    # Sharing is at version 2 (accounts 0008): the version that names the categories the person chooses.
    for kind in ConsentKind.values:
        document = consent_current_document(kind=kind)
        expected = 2 if kind == ConsentKind.SHARING else 1
        assert document is not None and document.version == expected and document.published
        assert document.text and document.text_ru


def test_the_sharing_document_names_exactly_the_chosen_categories() -> None:
    document = consent_current_document(kind=ConsentKind.SHARING)
    assert document is not None
    mood_only = document.text_for("en", ["mood"])
    assert "my mood ratings and the notes I add to them" in mood_only
    assert "emotion readings" not in mood_only and "questionnaire" not in mood_only and "flags" not in mood_only
    russian = document.text_for("ru", ["questionnaire", "flags"])
    assert "мои баллы по опроснику выгорания" in russian and "предупреждающие отметки" in russian
    assert "настроения" not in russian and "{categories}" not in russian
    # Read before choosing (the API's list of documents): every category is named.
    assert all(words[0] in document.text_for("en") for words in document.category_texts.values())


def test_current_document_is_the_newest_published_one_in_effect() -> None:
    _publish(PROCESSING, 2)
    ConsentDocument.objects.create(kind=PROCESSING, version=3, text="draft", published=False)
    _publish(PROCESSING, 4, effective_at=timezone.now() + timedelta(days=3))

    assert consent_current_document(kind=PROCESSING).version == 2


def test_grant_and_withdraw_are_events_and_audited() -> None:
    person = UserFactory()
    assert not consent_is_active(user=person, kind=PROCESSING)

    consent_grant(user=person, document=consent_current_document(kind=PROCESSING), channel="telegram")
    assert consent_is_active(user=person, kind=PROCESSING)
    consent_withdraw(user=person, kind=PROCESSING, channel="api")
    assert not consent_is_active(user=person, kind=PROCESSING)

    events = list(ConsentEvent.objects.filter(user=person).order_by("at", "id"))
    assert [(e.granted, e.channel) for e in events] == [(True, "telegram"), (False, "api")]
    actions = list(AuditEvent.objects.filter(subject_user=person).order_by("at", "id").values_list("action", flat=True))
    assert actions == ["consent_granted", "consent_withdrawn"]


def test_a_new_version_needs_a_new_agreement() -> None:
    person = UserFactory(consents=[PROCESSING])
    _publish(PROCESSING, 2)

    assert not consent_is_active(user=person, kind=PROCESSING)
    # The worker only asks whether the person withdrew: an upload made under version 1 may finish.
    assert consent_is_active(user=person, kind=PROCESSING, any_version=True)


def test_one_consent_state_answers_the_page_the_api_and_the_checks() -> None:
    person = UserFactory()
    never = consent_state(user=person, kind=PROCESSING)
    assert never.latest is None
    assert (never.granted, never.withdrawn, never.active, never.outdated) == (False, False, False, False)

    consent_grant(user=person, document=consent_current_document(kind=PROCESSING))
    given = consent_state(user=person, kind=PROCESSING)
    assert given.active and not given.outdated and given.current.version == 1

    _publish(PROCESSING, 2)
    outdated = consent_state(user=person, kind=PROCESSING)
    assert outdated.granted and outdated.outdated and not outdated.active and outdated.current.version == 2
    page = {status.kind: (status.active, status.outdated) for status in consent_state_list(user=person)}
    assert page[PROCESSING] == (False, True)

    consent_withdraw(user=person, kind=PROCESSING)
    withdrawn = consent_state(user=person, kind=PROCESSING)
    assert withdrawn.withdrawn and not withdrawn.granted and not withdrawn.active and not withdrawn.outdated


def test_an_outdated_document_cannot_be_accepted() -> None:
    person = UserFactory()
    old = consent_current_document(kind=PROCESSING)
    _publish(PROCESSING, 2)

    with pytest.raises(Exception, match="no longer current"):
        consent_grant(user=person, document=old)


def test_events_are_append_only() -> None:
    event = consent_grant(user=UserFactory(), document=consent_current_document(kind=PROCESSING))
    event.granted = False
    with pytest.raises(ConsentEventImmutable):
        event.save()
    with pytest.raises(ConsentEventImmutable):
        event.delete()
    admin = ConsentEventAdmin(ConsentEvent, site)
    request = RequestFactory().get("/")
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, event)
    assert not admin.has_delete_permission(request, event)


# --- the guard before analysis ---------------------------------------------------------------------------


def test_assessment_create_refuses_without_consent(new_media_files: Callable) -> None:
    person = UserFactory()
    with pytest.raises(ConsentRequired) as refused:
        assessment_create(user=person, photo=photo_validate(data=images.face_jpeg()), source="api")

    assert refused.value.document == consent_current_document(kind=PROCESSING)
    assert "accept the current consent to processing" in refused.value.message
    assert not PhotoAssessment.objects.exists()
    assert new_media_files() == set()


def test_assessment_create_refuses_after_a_new_version_until_it_is_accepted() -> None:
    person = UserFactory(consents=[PROCESSING])
    new = _publish(PROCESSING, 2)

    with pytest.raises(ConsentRequired) as refused:
        assessment_create(user=person, photo=photo_validate(data=images.face_jpeg()))
    assert refused.value.document == new

    consent_grant(user=person, document=new)
    assert assessment_create(user=person, photo=photo_validate(data=images.face_jpeg())).pk


def test_upload_page_asks_for_consent_first(client: Client) -> None:
    person = UserFactory()
    client.force_login(person)

    response = client.get(reverse("emotions:upload"))
    assert response.status_code == 302
    consent_url = response["Location"]
    assert consent_url.startswith(reverse("accounts:consent", args=["processing"]))

    page = client.get(consent_url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Processing of face photos and emotion data" in body
    assert "I agree" in body
    document = consent_current_document(kind=PROCESSING)
    assert document.text.split("\n")[0][:40] in body

    accepted = client.post(consent_url, {"document": document.pk, "next": reverse("emotions:upload")})
    assert accepted.status_code == 302 and accepted["Location"] == reverse("emotions:upload")
    assert consent_is_active(user=person, kind=PROCESSING)
    assert client.get(reverse("emotions:upload")).status_code == 200


def test_consent_page_shows_the_russian_text_to_a_russian_reader(client: Client) -> None:
    client.force_login(UserFactory())
    body = client.get(reverse("accounts:consent", args=["processing"]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Я соглашаюсь" in body


def test_upload_post_without_consent_is_refused_with_a_message(client: Client, new_media_files: Callable) -> None:
    client.force_login(UserFactory())
    response = client.post(reverse("emotions:upload"), {"photo": upload("me.jpg", images.face_jpeg())})

    assert response.status_code == 403
    assert "accept the current consent to processing" in response.content.decode()
    assert not PhotoAssessment.objects.exists()
    assert new_media_files() == set()


def test_upload_page_when_no_consent_document_is_published_answers_like_the_api(
    client: Client, new_media_files: Callable
) -> None:
    # The status comes from the refusal's code (consent_unavailable, 503), as for POST /api/v1/photos/.
    ConsentDocument.objects.filter(kind=PROCESSING).update(published=False)
    client.force_login(UserFactory())
    response = client.post(reverse("emotions:upload"), {"photo": upload("me.jpg", images.face_jpeg())})

    assert response.status_code == 503
    assert "This consent cannot be given right now. Please try again later." in response.content.decode()
    assert not PhotoAssessment.objects.exists()
    assert new_media_files() == set()


def test_accepting_twice_is_a_clear_conflict(client_logged_in: Client) -> None:
    document = consent_current_document(kind=PROCESSING)
    response = client_logged_in.post(reverse("accounts:consent", args=["processing"]), {"document": document.pk})
    assert response.status_code == 409
    assert "You have already given this consent." in response.content.decode()


def test_accepting_a_stale_page_is_a_clear_conflict(client: Client) -> None:
    client.force_login(UserFactory())
    old = consent_current_document(kind=PROCESSING)
    _publish(PROCESSING, 2)
    response = client.post(reverse("accounts:consent", args=["processing"]), {"document": old.pk})
    assert response.status_code == 409
    assert "no longer current" in response.content.decode()


@pytest.mark.parametrize("document", ["", "abc", "999999"])
def test_accepting_a_bogus_document_is_a_400(client: Client, document: str) -> None:
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:consent", args=["processing"]), {"document": document})
    assert response.status_code == 400
    assert "Please accept the document shown." in response.content.decode()


def test_sharing_and_unknown_kinds_are_not_granted_on_the_privacy_pages(client_logged_in: Client) -> None:
    assert client_logged_in.get(reverse("accounts:consent", args=["sharing"])).status_code == 404
    assert client_logged_in.get(reverse("accounts:consent", args=["marketing"])).status_code == 404


def test_withdrawing_what_was_never_given_is_a_clear_conflict(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:consent_withdraw", args=["research"]))
    assert response.status_code == 409
    assert "You have not given this consent" in response.content.decode()


# --- withdrawal stops the analysis ------------------------------------------------------------------------


def test_withdrawal_fails_pending_analyses_at_once_and_offers_erasure(
    client_logged_in: Client, user: object, django_capture_on_commit_callbacks: Callable, new_media_files: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        pending = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))
    assert new_media_files()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_logged_in.post(reverse("accounts:consent_withdraw", args=["processing"]), follow=True)

    pending.refresh_from_db()
    assert pending.status == PhotoAssessment.Status.FAILED
    assert pending.error_code == "consent_withdrawn"
    assert "withdrew your consent" in pending.user_message()
    assert not pending.photo
    assert new_media_files() == set()
    body = response.content.decode()
    assert "no more photos will be analysed" in body
    assert reverse("accounts:delete") in body and reverse("accounts:export_request") in body


def test_worker_does_not_analyse_a_row_whose_owner_withdrew(
    user: object, django_capture_on_commit_callbacks: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))
    # A withdrawal recorded behind the signal's back (another process, an older worker).
    ConsentEvent.objects.create(
        user=user, document=consent_current_document(kind=PROCESSING), granted=False, channel="api"
    )
    monkeypatch.setattr("emotions.services.assessments._run_model", lambda name: pytest.fail("the model must not run"))

    with django_capture_on_commit_callbacks(execute=True):
        result = assessment_analyze(assessment_id=assessment.pk)

    assert result.status == PhotoAssessment.Status.FAILED
    assert result.error_code == "consent_withdrawn"
    assert result.error  # the message the bot and the API relay
    assert not result.photo
