"""`confidence` and `confidence_level` on assessments; unsure readings counted apart in dynamics and patients."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from emotions.confidence import confidence_of
from emotions.ml.labels import CLASSES
from emotions.models import PhotoAssessment
from tests.api.conftest import assert_error
from tests.conftest import link_patient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"


def _reading(user: User, label: str, top: float, **fields: object) -> PhotoAssessment:
    rest = (1 - top) / (len(CLASSES) - 1)
    probabilities = {name: (top if name == label else rest) for name in CLASSES}
    values: dict[str, object] = {
        "status": "done",
        "captured_at": timezone.now(),
        "probabilities": probabilities,
        "label": label,
        "valence": "negative" if label in {"angry", "disgust", "fear", "sad"} else "positive",
        "negativity": 0.5,
        "confidence": confidence_of(probabilities),
        "faces_found": 1,
        "model_version": "emotion-resnet-20261127-s10+int8",
        **fields,
    }
    return PhotoAssessment.objects.create(user=user, **values)


def test_detail_has_the_confidence_and_its_level(patient_api: APIClient, user: User) -> None:
    assessment = _reading(user, "happy", 0.95)
    body = patient_api.get(f"{ASSESSMENTS}{assessment.pk}/").json()
    assert body["confidence"] == pytest.approx(0.95)
    assert (body["confidence_level"], body["confidence_level_display"]) == ("sure", "sure")
    assert body["confidence_calibrated"] is False

    body = patient_api.get(f"{ASSESSMENTS}{assessment.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    # The code is stable whatever the language; the words follow the request's.
    assert (body["confidence_level"], body["confidence_level_display"]) == ("sure", "высокая")


def test_a_calibrated_model_version_says_so(patient_api: APIClient, user: User) -> None:
    assessment = _reading(user, "happy", 0.55, model_version="emotion-resnet-20261215-cal+int8")
    body = patient_api.get(f"{ASSESSMENTS}{assessment.pk}/").json()
    assert (body["confidence_level"], body["confidence_calibrated"]) == ("fairly_sure", True)


def test_pending_reading_has_no_confidence(patient_api: APIClient, user: User) -> None:
    pending = PhotoAssessment.objects.create(user=user)
    body = patient_api.get(f"{ASSESSMENTS}{pending.pk}/").json()
    assert (body["confidence"], body["confidence_level"], body["confidence_level_display"]) == (None, None, "")


def test_the_list_keeps_unsure_readings(patient_api: APIClient, user: User) -> None:
    unsure = _reading(user, "sad", 0.3)
    body = patient_api.get(ASSESSMENTS).json()
    [item] = body["results"]
    assert (item["id"], item["confidence_level"]) == (unsure.pk, "unsure")
    assert item["confidence"] == pytest.approx(0.3)


def test_another_persons_assessment_stays_404(patient_api: APIClient) -> None:
    theirs = _reading(UserFactory(), "sad", 0.3)
    assert_error(patient_api.get(f"{ASSESSMENTS}{theirs.pk}/"), 404, "not_found", "No such assessment.")


def test_dynamics_count_unsure_readings_apart(patient_api: APIClient, user: User) -> None:
    _reading(user, "sad", 0.8)
    _reading(user, "happy", 0.8)
    _reading(user, "sad", 0.2)
    today = timezone.localdate().isoformat()
    [bucket] = patient_api.get("/api/v1/dynamics/", {"from": today, "to": today}).json()["buckets"]
    assert (bucket["count"], bucket["negative"], bucket["negative_share"], bucket["unsure"]) == (2, 1, 0.5, 1)
    assert bucket["class_mix"]["sad"] == 1


def test_patient_list_counts_unsure_readings_apart(
    psychologist_api: APIClient, two_factor_psychologist: User, user: User
) -> None:
    link_patient(user, two_factor_psychologist)
    _reading(user, "sad", 0.8)
    _reading(user, "sad", 0.2)
    [row] = psychologist_api.get("/api/v1/patients/").json()["results"]
    assert (row["recent_total"], row["recent_unsure"], row["recent_share"]) == (1, 1, 1.0)


def test_schema_describes_confidence_and_negative_tone(client: Client) -> None:
    schema = client.get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["AssessmentOutput"]["properties"]
    assert "negative tone" in fields["negativity"]["description"]
    assert "top emotion's probability" in fields["confidence"]["description"]
    assert schema["components"]["schemas"]["ConfidenceLevelEnum"]["enum"] == ["sure", "fairly_sure", "unsure"]
    assert fields["confidence_level"]["nullable"] is True
