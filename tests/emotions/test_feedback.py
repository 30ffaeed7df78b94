""" "Was this right?": one answer per reading, changeable, refused clearly, on the result page and the dashboard."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import ConsentKind, User
from accounts.services import user_erase_confirmed
from accounts.services.export import _export_sections
from emotions.models import AssessmentFeedback, PhotoAssessment
from emotions.selectors import assessment_feedback_agreement_get, pilot_report_build
from emotions.services import FeedbackRejected, assessment_feedback_set, assessment_feedback_withdraw
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import PsychologistProfileFactory, UserFactory, grant_consent

pytestmark = pytest.mark.django_db

UNKNOWN_EN = "Unknown emotion “joy”. Choose one of: angry, disgust, fear, happy, sad, surprise, neutral."
UNKNOWN_RU = "Неизвестная эмоция «joy». Выберите одну из: angry, disgust, fear, happy, sad, surprise, neutral."
NOT_FOUND_EN = "No such photo among yours."
NOT_FOUND_RU = "Среди ваших фотографий такой нет."
PENDING_EN = "This photo is still being analysed: you can say whether the reading was right once it is ready."
PENDING_RU = "Эта фотография ещё анализируется: сказать, верна ли оценка, можно, когда она будет готова."
NOT_ANALYSED_EN = "This photo has no reading to check: it could not be analysed."
NOT_ANALYSED_RU = "У этой фотографии нет оценки для проверки: её не удалось проанализировать."  # noqa: RUF001


def done(user: User, label: str = "happy", **extra: Any) -> PhotoAssessment:
    return PhotoAssessment.objects.create(
        user=user,
        status=PhotoAssessment.Status.DONE,
        label=label,
        valence="positive",
        negativity=0.1,
        probabilities={label: 0.9},
        model_version="test",
        **extra,
    )


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the services ---------------------------------------------------------------------------------------------


def test_right_wrong_change_and_withdraw(user: User) -> None:
    assessment = done(user, "happy")

    right = assessment_feedback_set(user=user, assessment_id=assessment.pk, label="happy")
    assert (right.label, right.model_label, right.agrees, right.user) == ("happy", "happy", True, user)

    changed = assessment_feedback_set(user=user, assessment_id=assessment.pk, label="sad", source="telegram")
    assert changed.pk == right.pk and not changed.agrees and changed.source == "telegram"
    assert AssessmentFeedback.objects.count() == 1

    assert assessment_feedback_withdraw(user=user, assessment_id=assessment.pk) is True
    assert assessment_feedback_withdraw(user=user, assessment_id=assessment.pk) is False
    assert not AssessmentFeedback.objects.exists()


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (PhotoAssessment.Status.PENDING, "pending", PENDING_EN),
        (PhotoAssessment.Status.NO_FACE, "not_analysed", NOT_ANALYSED_EN),
        (PhotoAssessment.Status.FAILED, "not_analysed", NOT_ANALYSED_EN),
    ],
)
def test_a_photo_without_a_reading_is_refused(user: User, status: str, code: str, message: str) -> None:
    assessment = PhotoAssessment.objects.create(user=user, status=status)
    with pytest.raises(FeedbackRejected) as refused:
        assessment_feedback_set(user=user, assessment_id=assessment.pk, label="happy")
    assert (refused.value.code, refused.value.message, refused.value.status) == (code, message, 409)
    assert not AssessmentFeedback.objects.exists()


def test_someone_elses_photo_is_the_same_404_as_a_missing_one(user: User) -> None:
    theirs = done(UserFactory())
    for assessment_id in (theirs.pk, 987654):
        with pytest.raises(FeedbackRejected) as refused:
            assessment_feedback_set(user=user, assessment_id=assessment_id, label="happy")
        assert (refused.value.status, refused.value.message) == (404, NOT_FOUND_EN)
        with pytest.raises(FeedbackRejected):
            assessment_feedback_withdraw(user=user, assessment_id=assessment_id)
    assessment_feedback_set(user=theirs.user, assessment_id=theirs.pk, label="sad")
    with pytest.raises(FeedbackRejected):
        assessment_feedback_withdraw(user=user, assessment_id=theirs.pk)
    assert AssessmentFeedback.objects.get().label == "sad"  # theirs is untouched


@pytest.mark.parametrize("label", ["joy", "", None, 3, "HAPPY"])
def test_an_unknown_emotion_is_refused_naming_the_seven(user: User, label: object) -> None:
    assessment = done(user)
    assessment_feedback_set(user=user, assessment_id=assessment.pk, label="fear")
    with pytest.raises(FeedbackRejected) as refused:
        assessment_feedback_set(user=user, assessment_id=assessment.pk, label=label)
    assert refused.value.status == 400 and refused.value.field == "label"
    assert "Choose one of: angry, disgust, fear, happy, sad, surprise, neutral." in refused.value.message
    assert AssessmentFeedback.objects.get().label == "fear"  # nothing lost


def test_agreement_counts_only_the_persons_own_answers(user: User) -> None:
    for label, given in (("happy", "happy"), ("sad", "sad"), ("neutral", "sad")):
        assessment_feedback_set(user=user, assessment_id=done(user, label).pk, label=given)
    other = UserFactory()
    assessment_feedback_set(user=other, assessment_id=done(other).pk, label="happy")
    agreement = assessment_feedback_agreement_get(user=user)
    assert (agreement.agreed, agreement.checked) == (2, 3)


def test_a_rescoring_keeps_the_reading_the_person_judged(user: User) -> None:
    assessment = done(user, "happy")
    assessment_feedback_set(user=user, assessment_id=assessment.pk, label="happy")
    PhotoAssessment.objects.filter(pk=assessment.pk).update(label="neutral")  # a new model version
    assert AssessmentFeedback.objects.get().agrees is True


# --- export and erasure -----------------------------------------------------------------------------------------


def test_feedback_is_exported_and_erased_with_the_account(user: User) -> None:
    assessment = done(user, "happy")
    assessment_feedback_set(user=user, assessment_id=assessment.pk, label="sad")
    other = UserFactory()
    assessment_feedback_set(user=other, assessment_id=done(other).pk, label="happy")

    [row] = _export_sections(user)["assessment_feedback"]
    assert (row["assessment_id"], row["label"], row["model_label"], row["agrees"]) == (
        assessment.pk,
        "sad",
        "happy",
        False,
    )

    user_erase_confirmed(user=user, channel="web")
    assert list(AssessmentFeedback.objects.values_list("user", flat=True)) == [other.pk]


# --- the pages ----------------------------------------------------------------------------------------------------


def _feedback_url(assessment: PhotoAssessment) -> str:
    return reverse("emotions:assessment_feedback", args=[assessment.pk])


def test_result_page_buttons_set_change_and_withdraw(client_logged_in: Client, user: User) -> None:
    assessment = done(user, "happy")
    page = client_logged_in.get(reverse("emotions:assessment_detail", args=[assessment.pk]))
    html = _text(page)
    assert "Was this right?" in html and 'name="csrfmiddlewaretoken"' in html
    assert 'name="label" value="happy"' in html and "Not right: choose the emotion" in html
    # The six other emotions are offered behind "Not right", the reading's own one is "Right".
    assert html.count('name="label" value="') == 7

    back = reverse("emotions:assessment_detail", args=[assessment.pk])
    response = client_logged_in.post(_feedback_url(assessment), {"label": "sad", "next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    html = _text(response)
    assert "Thank you. You said the photo shows: Sad." in html and "You said the photo shows: Sad." in html
    assert "Withdraw my answer" in html

    response = client_logged_in.post(_feedback_url(assessment), {"label": "happy", "next": back}, follow=True)
    assert "Thank you. You said the reading was right." in _text(response)
    assert AssessmentFeedback.objects.get().agrees

    response = client_logged_in.post(_feedback_url(assessment), {"withdraw": "1", "next": back}, follow=True)
    assert "Your answer about this reading has been withdrawn." in _text(response)
    assert not AssessmentFeedback.objects.exists()


def test_pending_and_failed_pages_have_no_buttons(client_logged_in: Client, user: User) -> None:
    for status in (PhotoAssessment.Status.PENDING, PhotoAssessment.Status.NO_FACE):
        assessment = PhotoAssessment.objects.create(user=user, status=status)
        html = _text(client_logged_in.get(reverse("emotions:assessment_detail", args=[assessment.pk])))
        assert "Was this right?" not in html


@pytest.mark.parametrize(
    ("make", "data", "status", "english", "russian"),
    [
        ("mine", {"label": "joy"}, 400, UNKNOWN_EN, UNKNOWN_RU),
        ("mine", {}, 400, "Unknown emotion “”.", "Неизвестная эмоция «»."),
        ("theirs", {"label": "sad"}, 404, NOT_FOUND_EN, NOT_FOUND_RU),
        ("failed", {"label": "sad"}, 409, NOT_ANALYSED_EN, NOT_ANALYSED_RU),
        ("pending", {"label": "sad"}, 409, PENDING_EN, PENDING_RU),
    ],
)
def test_bad_posts_answer_4xx_with_the_message_and_lose_nothing(
    user: User, make: str, data: dict[str, str], status: int, english: str, russian: str
) -> None:
    mine = done(user, "happy")
    assessment_feedback_set(user=user, assessment_id=mine.pk, label="fear")
    target = {
        "mine": mine,
        "theirs": done(UserFactory()),
        "failed": PhotoAssessment.objects.create(user=user, status=PhotoAssessment.Status.FAILED),
        "pending": PhotoAssessment.objects.create(user=user, status=PhotoAssessment.Status.PENDING),
    }[make]
    for language, message in (("en", english), ("ru", russian)):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user)
        response = client.post(_feedback_url(target), data)
        assert response.status_code == status
        assert message in _text(response)
    assert list(AssessmentFeedback.objects.values_list("assessment", "label")) == [(mine.pk, "fear")]


def test_the_form_needs_its_csrf_token_and_a_login(user: User) -> None:
    assessment = done(user)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(_feedback_url(assessment), {"label": "sad"}).status_code == 403
    anonymous = Client().post(_feedback_url(assessment), {"label": "sad"})
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert Client().get(_feedback_url(assessment)).status_code in (302, 405)
    assert not AssessmentFeedback.objects.exists()


def test_a_next_outside_the_site_is_not_followed(client_logged_in: Client, user: User) -> None:
    assessment = done(user)
    response = client_logged_in.post(_feedback_url(assessment), {"label": "sad", "next": "https://evil.example/"})
    assert response["Location"] == reverse("emotions:assessment_detail", args=[assessment.pk])


def test_dashboard_list_has_the_buttons_and_the_agreement_figure(client_logged_in: Client, user: User) -> None:
    first, second = done(user, "happy"), done(user, "sad")
    PhotoAssessment.objects.create(user=user, status=PhotoAssessment.Status.NO_FACE)
    html = _text(client_logged_in.get(reverse("emotions:dashboard")))
    assert "You have not checked any reading yet." in html
    assert html.count('class="feedback feedback-compact"') == 2  # the finished two, not the one without a face

    assessment_feedback_set(user=user, assessment_id=first.pk, label="happy")
    assessment_feedback_set(user=user, assessment_id=second.pk, label="angry")
    html = _text(client_logged_in.get(reverse("emotions:dashboard")))
    assert "You agreed with 1 of 2 readings you checked." in html

    russian = Client(HTTP_ACCEPT_LANGUAGE="ru")
    russian.force_login(user)
    agreed = "Вы согласились с 1 из 2 проверенных вами оценок."  # noqa: RUF001
    assert agreed in _text(russian.get(reverse("emotions:dashboard")))


def test_the_portal_list_has_no_buttons(user: User) -> None:
    done(user)
    psychologist = PsychologistProfileFactory().user
    link_patient(user, psychologist)
    html = _text(two_factor_client_for(psychologist).get(reverse("portal:patient_detail", args=[user.pk])))
    assert "Latest photos" in html and "Was this right?" not in html


# --- the pilot report ---------------------------------------------------------------------------------------------


def test_pilot_report_agreement_counts_research_consent_only() -> None:
    consenting = UserFactory(consents=[ConsentKind.PROCESSING])
    grant_consent(consenting, ConsentKind.RESEARCH)
    outsider = UserFactory(consents=[ConsentKind.PROCESSING])
    for model_label, given in (("happy", "happy"), ("happy", "neutral"), ("sad", "sad"), ("angry", "sad")):
        assessment_feedback_set(user=consenting, assessment_id=done(consenting, model_label).pk, label=given)
    assessment_feedback_set(user=outsider, assessment_id=done(outsider, "fear").pk, label="surprise")

    feedback = pilot_report_build()["feedback"]
    assert feedback["overall"] == {"checked": 4, "agreed": 2, "agreement": 0.5}
    assert feedback["confusion"]["sad"]["angry"] == 1 and feedback["confusion"]["neutral"]["happy"] == 1
    assert feedback["confusion"]["surprise"]["fear"] == 0  # the outsider is not counted
    happy, sad = feedback["per_class"]["happy"], feedback["per_class"]["sad"]
    assert (happy["read"], happy["agreed"], happy["agreement"], happy["recall"]) == (2, 1, 0.5, 1.0)
    assert (sad["labelled"], sad["recall"], sad["agreement"]) == (2, 0.5, 1.0)
    assert feedback["per_class"]["disgust"]["agreement"] is None


def test_pilot_report_command_prints_the_agreement_in_every_format() -> None:
    consenting = UserFactory(consents=[ConsentKind.PROCESSING])
    grant_consent(consenting, ConsentKind.RESEARCH)
    assessment_feedback_set(user=consenting, assessment_id=done(consenting, "happy").pk, label="neutral")
    assessment_feedback_set(user=consenting, assessment_id=done(consenting, "sad").pk, label="sad")

    out = io.StringIO()
    call_command("pilot_report", stdout=out)
    text = out.getvalue()
    assert "Readings checked: 2. Called right: 1 (agreement 0.500)." in text
    assert "| sad | 1 | 1 | 1.000 | 1 | 1.000 |" in text
    assert "| neutral | 0 | 0 | 0 | 1 | 0 | 0 | 0 |" in text  # said neutral, read happy
    out = io.StringIO()
    call_command("pilot_report", "--format", "csv", stdout=out)
    rows = dict(csv.reader(io.StringIO(out.getvalue())))
    assert rows["feedback_agreement"] == "0.5" and rows["feedback_confusion_neutral_read_happy"] == "1"
    out = io.StringIO()
    call_command("pilot_report", "--format", "json", "--from", "2000-01-01", "--to", "2000-01-02", stdout=out)
    assert json.loads(out.getvalue())["feedback"]["overall"] == {"checked": 0, "agreed": 0, "agreement": None}


def test_staff_read_feedback_in_the_admin_without_changing_it(admin_client: Client, user: User) -> None:
    feedback = assessment_feedback_set(user=user, assessment_id=done(user).pk, label="sad")
    assert admin_client.get(reverse("admin:emotions_assessmentfeedback_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:emotions_assessmentfeedback_change", args=[feedback.pk]))
    assert page.status_code == 200 and 'name="label"' not in page.content.decode()
