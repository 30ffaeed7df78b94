"""A reading's confidence: stored with the result, shown in words, and unsure readings counted apart everywhere."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from emotions import selectors
from emotions.confidence import confidence_level, confidence_of
from emotions.ml.labels import CLASSES
from emotions.models import BurnoutFlag, PhotoAssessment, SelfReport
from emotions.selectors import assessment_period_summary, burnout_rule_states, mood_pair_list, pilot_report_build
from emotions.services import assessment_create, photo_validate
from emotions.services.assessment_data import assessment_export_rows
from tests.conftest import link_patient
from tests.emotions import images
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEGATIVE = {"angry", "disgust", "fear", "sad"}


def reading(user: User, label: str, top: float, *, at: datetime | None = None) -> PhotoAssessment:
    """A finished reading whose top emotion `label` has probability `top`, the rest spread evenly."""
    rest = (1 - top) / (len(CLASSES) - 1)
    probabilities = {name: (top if name == label else rest) for name in CLASSES}
    return PhotoAssessment.objects.create(
        user=user,
        captured_at=at or timezone.now(),
        status=PhotoAssessment.Status.DONE,
        probabilities=probabilities,
        label=label,
        valence="negative" if label in NEGATIVE else ("positive" if label == "happy" else "neutral"),
        negativity=sum(value for name, value in probabilities.items() if name in NEGATIVE),
        confidence=confidence_of(probabilities),
        faces_found=1,
        model_version="emotion-resnet-20261127-s10+int8",
    )


# --- the one function and the one rule ----------------------------------------------------------------------


def test_confidence_is_the_top_class_probability() -> None:
    assert confidence_of({"happy": 0.62, "sad": 0.30, "neutral": 0.08}) == pytest.approx(0.62)
    assert confidence_of({"happy": 1.0000002}) == 1.0  # a rounding hair past 1 stays a probability
    assert confidence_of(None) is None
    assert confidence_of({}) is None


@pytest.mark.parametrize(
    ("confidence", "level"),
    [
        (0.0, "unsure"),
        (0.3999, "unsure"),
        (0.40, "fairly_sure"),
        (0.6999, "fairly_sure"),
        (0.70, "sure"),
        (1.0, "sure"),
    ],
)
def test_levels_follow_the_default_thresholds(confidence: float, level: str) -> None:
    assert confidence_level(confidence) == level
    assert confidence_level(None) is None


def test_the_sql_rule_and_the_python_rule_agree(user: User, settings: SettingsWrapper) -> None:
    settings.CONFIDENCE_UNSURE_BELOW_PERCENT = 35
    rows = [reading(user, "happy", top) for top in (0.20, 0.3499, 0.35, 0.36, 0.5, 0.9)]
    rows.append(PhotoAssessment.objects.create(user=user, status="no_face"))
    counted = set(PhotoAssessment.objects.counted().values_list("pk", flat=True))
    unsure = set(PhotoAssessment.objects.unsure().values_list("pk", flat=True))
    for row in rows:
        row.refresh_from_db()
        assert (row.pk in unsure) == (row.confidence_level == "unsure"), row.confidence
        assert (row.pk in counted) == (row.status == "done" and row.confidence_level != "unsure"), row.confidence
    assert len(unsure) == 2 and len(counted) == 4


def test_the_analysis_stores_the_confidence_of_its_probabilities(
    user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="web")
    assessment.refresh_from_db()
    assert assessment.status == PhotoAssessment.Status.DONE, assessment.error_detail
    assert assessment.confidence == pytest.approx(max(assessment.probabilities.values()))
    assert assessment.confidence_level in {"sure", "fairly_sure", "unsure"}
    # The shipped weights carry their fitted temperature (format version 2), and the reading says so.
    assert assessment.model_version.startswith("emotion-resnet-20261127-s10-cal")
    assert assessment.confidence_calibrated is True


def test_an_unfinished_reading_has_no_confidence(user: User) -> None:
    pending = PhotoAssessment.objects.create(user=user)
    no_face = PhotoAssessment.objects.create(user=user, status="no_face", error_code="no_face")
    for row in (pending, no_face):
        assert (row.confidence, row.confidence_level, row.confidence_level_display) == (None, None, "")


def test_the_migration_back_fills_finished_rows_from_their_probabilities(user: User) -> None:
    migration = importlib.import_module("emotions.migrations.0012_confidence")
    finished = reading(user, "sad", 0.55)
    PhotoAssessment.objects.filter(pk=finished.pk).update(confidence=None)
    pending = PhotoAssessment.objects.create(user=user)

    migration.forward(apps, None)

    finished.refresh_from_db()
    pending.refresh_from_db()
    assert finished.confidence == pytest.approx(0.55)
    assert pending.confidence is None


@pytest.mark.parametrize(
    ("sure", "unsure_below"), [("30", "40"), ("101", "40"), ("70", "-1")], ids=["crossed", "over-100", "negative"]
)
def test_settings_refuse_thresholds_that_cannot_be(sure: str, unsure_below: str) -> None:
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        "PATH": os.environ.get("PATH", ""),
        "ENV_FILE": os.devnull,
        "SECRET_KEY": "x" * 50,
        "CONFIDENCE_SURE_PERCENT": sure,
        "CONFIDENCE_UNSURE_BELOW_PERCENT": unsure_below,
    }
    done = subprocess.run(
        [sys.executable, "-c", "import burnout_site.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "Need 0 <= CONFIDENCE_UNSURE_BELOW_PERCENT <= CONFIDENCE_SURE_PERCENT <= 100" in done.stderr


# --- unsure readings: kept and listed, counted apart ------------------------------------------------------------


def test_an_unsure_reading_does_not_move_a_share_and_is_still_listed(user: User) -> None:
    reading(user, "sad", 0.8)
    reading(user, "happy", 0.9)
    unsure = reading(user, "sad", 0.3)

    summary = assessment_period_summary(user=user, days=30)
    assert (summary.done, summary.counted, summary.unsure, summary.negative) == (3, 2, 1, 1)
    assert summary.negative_share == 0.5
    today = selectors.assessment_daily_negative_share(user=user, days=7)[-1]
    assert (today.total, today.negative_share) == (2, 0.5)
    mix = {item.label: item.count for item in selectors.assessment_emotion_mix(user=user, days=30)}
    assert (mix["sad"], mix["happy"]) == (1, 1)
    local_today = timezone.localdate()
    [bucket] = selectors.assessment_dynamics(user=user, first_day=local_today, last_day=local_today)
    assert (bucket.count, bucket.negative, bucket.unsure, bucket.class_mix["sad"]) == (2, 1, 1, 1)
    # Still listed, as unsure.
    assert unsure in selectors.assessment_list(user=user)
    assert unsure.is_unsure


def test_unsure_readings_cannot_trip_a_burnout_rule(user: User) -> None:
    now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    for index in range(3):
        reading(user, "sad", 0.8, at=now - timedelta(days=1, minutes=index))
    reading(user, "happy", 0.8, at=now - timedelta(days=1, minutes=9))
    # Four more negative readings, all unsure: with them the share would be 7 of 8 over more than 5 photos.
    for index in range(4):
        reading(user, "fear", 0.25, at=now - timedelta(days=2, minutes=index))

    states = {state.rule: state for state in burnout_rule_states(user=user, now=now)}
    assert states[BurnoutFlag.Rule.NEGATIVE_SHARE].value == pytest.approx(0.75)
    assert states[BurnoutFlag.Rule.NEGATIVE_SHARE].holds is False  # 4 counted readings, under the minimum of 5

    reading(user, "sad", 0.8, at=now - timedelta(days=1, minutes=20))  # a fifth counted one trips it
    states = {state.rule: state for state in burnout_rule_states(user=user, now=now)}
    assert states[BurnoutFlag.Rule.NEGATIVE_SHARE].holds is True
    assert states[BurnoutFlag.Rule.NEGATIVE_SHARE].value == pytest.approx(0.8)


def test_a_mood_rating_of_an_unsure_photo_pairs_with_the_days_counted_readings(user: User) -> None:
    at = timezone.now()
    reading(user, "happy", 0.9, at=at)
    unsure = reading(user, "sad", 0.3, at=at)
    SelfReport.objects.create(user=user, mood=4, assessment=unsure, at=at)
    [pair] = mood_pair_list(user=user)
    assert pair.linked is False
    assert pair.negativity == pytest.approx(0.1 / 6 * 4)  # the happy reading's negative tone, not the unsure one's


def test_the_pilot_report_counts_unsure_readings_apart() -> None:
    user = UserFactory(consents=["processing", "research"])
    reading(user, "happy", 0.9)
    reading(user, "sad", 0.3)
    assert pilot_report_build()["unsure"] == {"done": 2, "unsure": 1, "share": 0.5}


def test_the_export_has_the_confidence_and_its_level(user: User) -> None:
    reading(user, "neutral", 0.35)
    [row] = assessment_export_rows(user=user)
    assert row["confidence"] == pytest.approx(0.35)
    assert row["confidence_level"] == "unsure"
    assert row["confidence_calibrated"] is False
    assert row["negativity"] == pytest.approx(0.65 / 6 * 4)


# --- what a person and their psychologist see ------------------------------------------------------------------


def test_result_page_shows_the_level_and_the_negative_tone(client_logged_in: Client, user: User) -> None:
    sure = reading(user, "happy", 0.54)
    body = client_logged_in.get(reverse("emotions:assessment_detail", args=[sure.pk])).content.decode()
    assert "How sure: <strong>fairly sure</strong> (54%)" in body
    assert "Negative tone of this photo: <strong>31%</strong>" in body
    assert "this model version is not calibrated" in body
    assert "“Sure” from 70%, “unsure” below 40%, “fairly sure” between." in body
    assert "is not counted in your shares" not in body

    unsure = reading(user, "neutral", 0.3)
    body = client_logged_in.get(reverse("emotions:assessment_detail", args=[unsure.pk])).content.decode()
    assert "How sure: <strong>unsure</strong> (30%)" in body
    assert (
        "The model is unsure about this photo: it stays in your list but is not counted in your shares, charts "
        "or alerts." in body
    )


def test_result_page_in_russian(client_logged_in: Client, user: User) -> None:
    unsure = reading(user, "neutral", 0.3)
    response = client_logged_in.get(reverse("emotions:assessment_detail", args=[unsure.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    body = response.content.decode()
    assert "Уверенность: <strong>низкая</strong> (30%)" in body
    assert "Негативный оттенок снимка: <strong>47%</strong>" in body
    assert "Уверенность модели в этом снимке низкая" in body
    assert "Высокая уверенность — от 70%, низкая — ниже 40%, между ними — средняя." in body


def test_dashboard_lists_the_level_and_says_how_many_were_not_counted(client_logged_in: Client, user: User) -> None:
    reading(user, "sad", 0.8)
    reading(user, "happy", 0.9)
    reading(user, "neutral", 0.3)
    reading(user, "fear", 0.2)

    response = client_logged_in.get(reverse("emotions:dashboard"))
    body = response.content.decode()
    assert "4 photos analysed in this period." in body
    assert "Negative emotion was the top one on 50% of the 2 counted photos." in body
    assert "2 unsure readings not counted." in body
    # The list shows every reading with its level; the per-photo negative tone is not in the list.
    assert '<th scope="col">How sure</th>' in body
    assert '<span class="confidence confidence-unsure">unsure</span> (30%) · not counted' in body
    assert '<span class="confidence confidence-sure">sure</span> (90%)' in body
    assert response.context["chart_data"]["daily"]["totals"][-1] == 2

    body = client_logged_in.get(reverse("emotions:dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Негативная эмоция преобладала на 50% из 2 учтённых фотографий." in body
    assert "2 оценки с низкой уверенностью не учтены." in body  # noqa: RUF001 (Cyrillic next to digits)
    assert '<th scope="col">Уверенность</th>' in body
    assert "низкая</span> (30%) · не учитывается" in body


def test_dashboard_without_unsure_readings_keeps_its_words(client_logged_in: Client, user: User) -> None:
    reading(user, "sad", 0.8)
    body = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    assert "Negative emotion was the top one on 100% of them." in body
    assert "not counted" not in body


def test_portal_counts_unsure_readings_apart_and_lists_them(portal_client: Client, verified_psychologist: User) -> None:
    patient = UserFactory(first_name="Pat")
    link_patient(patient, verified_psychologist)
    reading(patient, "sad", 0.8)
    reading(patient, "happy", 0.9)
    reading(patient, "sad", 0.3)

    response = portal_client.get(reverse("portal:patients"))
    [row] = response.context["rows"]
    assert (row.recent_total, row.recent_unsure, row.recent_share) == (2, 1, 0.5)
    body = response.content.decode()
    assert '2 <span class="unsure-count">(+1 unsure, not counted)</span>' in body
    ru = portal_client.get(reverse("portal:patients"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "(+1 с низкой уверенностью, не учтена)" in ru  # noqa: RUF001 (Cyrillic next to digits)

    detail = portal_client.get(reverse("portal:patient_detail", args=[patient.pk])).content.decode()
    assert "1 unsure reading not counted." in detail
    assert '<span class="confidence confidence-unsure">unsure</span> (30%) · not counted' in detail
