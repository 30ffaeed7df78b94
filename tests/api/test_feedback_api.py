"""PUT/DELETE /api/v1/assessments/{id}/feedback/ and the `feedback` of an assessment's JSON."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from emotions.models import AssessmentFeedback, PhotoAssessment
from tests.api.conftest import assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = "Choose one of: angry, disgust, fear, happy, sad, surprise, neutral."


def _done(user: User, label: str = "happy") -> PhotoAssessment:
    return PhotoAssessment.objects.create(user=user, status="done", label=label, valence="positive", negativity=0.1)


def _url(assessment_id: int) -> str:
    return f"/api/v1/assessments/{assessment_id}/feedback/"


def test_put_change_show_and_delete(patient_api: APIClient, user: User) -> None:
    assessment = _done(user, "happy")
    detail = f"/api/v1/assessments/{assessment.pk}/"
    assert patient_api.get(detail).json()["feedback"] is None

    response = patient_api.put(_url(assessment.pk), {"label": "happy"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["label"], body["agrees"]) == ("happy", True) and body["at"]

    changed = patient_api.put(_url(assessment.pk), {"label": "sad"}, format="json").json()
    assert (changed["label"], changed["agrees"]) == ("sad", False)
    assert AssessmentFeedback.objects.get().source == "api"
    assert patient_api.get(detail).json()["feedback"] == changed
    [listed] = patient_api.get("/api/v1/assessments/").json()["results"]
    assert listed["feedback"] == changed

    assert patient_api.delete(_url(assessment.pk)).status_code == 204
    assert patient_api.delete(_url(assessment.pk)).status_code == 204  # withdrawing twice is no error
    assert patient_api.get(detail).json()["feedback"] is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"label": "joy"}, f"Unknown emotion “joy”. {ALLOWED}"),
        ({"label": ""}, "This field may not be blank."),
        ({"label": 3}, "Not a valid string."),
        ({}, "This field is required."),
    ],
)
def test_a_bad_label_is_a_400_and_keeps_the_answer(
    patient_api: APIClient, user: User, body: dict[str, object], message: str
) -> None:
    assessment = _done(user)
    patient_api.put(_url(assessment.pk), {"label": "fear"}, format="json")
    error = assert_error(patient_api.put(_url(assessment.pk), body, format="json"), 400, "invalid", message)
    assert error["fields"] == {"label": [message]}
    assert AssessmentFeedback.objects.get().label == "fear"


def test_the_unknown_emotion_is_said_in_russian(patient_api: APIClient, user: User) -> None:
    assessment = _done(user)
    response = patient_api.put(_url(assessment.pk), {"label": "joy"}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert_error(response, 400, "invalid", "Неизвестная эмоция «joy». Выберите одну из: " + ALLOWED.split(": ")[1])


def test_not_found_and_not_analysed_are_said_in_russian(patient_api: APIClient, user: User) -> None:
    failed = PhotoAssessment.objects.create(user=user, status="failed")
    response = patient_api.put(_url(999999), {"label": "sad"}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert_error(response, 404, "not_found", "Среди ваших фотографий такой нет.")
    response = patient_api.put(_url(failed.pk), {"label": "sad"}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    message = "У этой фотографии нет оценки для проверки: её не удалось проанализировать."  # noqa: RUF001
    assert_error(response, 409, "not_analysed", message)


def test_someone_elses_or_a_missing_assessment_is_404(patient_api: APIClient) -> None:
    theirs = _done(UserFactory())
    for assessment_id in (theirs.pk, 999999):
        assert_error(
            patient_api.put(_url(assessment_id), {"label": "sad"}, format="json"),
            404,
            "not_found",
            "No such photo among yours.",
        )
        assert_error(patient_api.delete(_url(assessment_id)), 404, "not_found", "No such photo among yours.")
    assert not AssessmentFeedback.objects.exists()


@pytest.mark.parametrize(
    ("status", "code"), [("pending", "pending"), ("no_face", "not_analysed"), ("failed", "not_analysed")]
)
def test_an_unfinished_or_failed_assessment_is_409(patient_api: APIClient, user: User, status: str, code: str) -> None:
    assessment = PhotoAssessment.objects.create(user=user, status=status)
    error = assert_error(patient_api.put(_url(assessment.pk), {"label": "sad"}, format="json"), 409, code)
    assert error["message"]
    assert not AssessmentFeedback.objects.exists()


def test_needs_a_token_and_json(api: APIClient, patient_api: APIClient, user: User) -> None:
    assessment = _done(user)
    assert_error(api.put(_url(assessment.pk), {"label": "sad"}, format="json"), 401, "not_authenticated")
    response = patient_api.put(_url(assessment.pk), "label=sad", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")
    assert_error(patient_api.post(_url(assessment.pk), {"label": "sad"}, format="json"), 405, "method_not_allowed")
    assert not AssessmentFeedback.objects.exists()


def test_the_schema_documents_the_endpoint_and_the_field(client: APIClient) -> None:
    schema = client.get("/api/schema/?format=json").json()
    operations = schema["paths"]["/api/v1/assessments/{id}/feedback/"]
    assert {"200", "400", "404", "409", "415"} <= set(operations["put"]["responses"])
    assert "not_analysed" in operations["put"]["responses"]["409"]["description"]
    assert {"204", "404"} <= set(operations["delete"]["responses"])
    components = schema["components"]["schemas"]
    request = components[
        operations["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    assert request["required"] == ["label"]
    feedback = components["AssessmentOutput"]["properties"]["feedback"]
    assert feedback.get("nullable") is True or "oneOf" in feedback or "allOf" in feedback
