"""A patient with a generated history around a session, shared with a verified psychologist (hand-computed figures
are in tests/clinician/test_brief.py); the report tests write no files but share the media folder rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from accounts.models import CareLink, User
from emotions.models import BurnoutFlag, PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.services import assessment_feedback_set
from tests.api.conftest import client_for
from tests.conftest import link_patient, photo_history
from tests.emotions.conftest import media_root, new_media_files
from tests.factories import UserFactory

__all__ = ["media_root", "new_media_files"]

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def days_ago(days: int, hour: int = 10) -> datetime:
    return (NOW - timedelta(days=days)).replace(hour=hour)


@pytest.fixture
def patient(db: None) -> User:
    return UserFactory(consents=["processing"], first_name="Mira")


@pytest.fixture
def link(patient: User, verified_psychologist: User) -> CareLink:
    return link_patient(patient, verified_psychologist)


@pytest.fixture
def history(patient: User) -> User:
    """Around a session on 2026-03-11, the brief's span being 03-11..03-20 (10 days), "before" 03-01..03-10.

    Span: 20 counted readings on 03-16..03-20, 10 negative (50 %), and 1 unsure; moods 2, 3, 4 on 03-13 and
    03-14 (3.0), one with a note; CBI 75 on 03-12. Before: 12 readings on 03-06..03-08, 3 negative (25 %),
    mood 5, CBI 50 on 03-05. Flags: `rise` raised on 03-17; `negative_share` raised 02-28, cleared 03-11.
    Days with data in the span: 03-12, 13, 14, 16..20 = 8 of 10.
    """
    photo_history(patient, now=NOW, days_ago=range(5), per_day=4, negative_per_day=2)
    photo_history(patient, now=NOW, days_ago=range(12, 15), per_day=4, negative_per_day=1)
    PhotoAssessment.objects.create(
        user=patient, captured_at=days_ago(2), status="done", label="sad", valence="negative", confidence=0.2
    )
    for mood, when, note in ((2, days_ago(7), "A hard week at work"), (3, days_ago(7, 18), ""), (4, days_ago(6), "")):
        SelfReport.objects.create(user=patient, mood=mood, at=when, note=note)
    SelfReport.objects.create(user=patient, mood=5, at=days_ago(12), note="Before: not in the brief")
    cbi = QuestionnaireResponse.Instrument.CBI_PERSONAL
    QuestionnaireResponse.objects.create(user=patient, instrument=cbi, answers={}, score=50, at=days_ago(15))
    QuestionnaireResponse.objects.create(user=patient, instrument=cbi, answers={}, score=75, at=days_ago(8))
    BurnoutFlag.objects.create(user=patient, rule=BurnoutFlag.Rule.RISE, raised_at=days_ago(3), value=0.25)
    BurnoutFlag.objects.create(
        user=patient, rule=BurnoutFlag.Rule.NEGATIVE_SHARE, raised_at=days_ago(20), cleared_at=days_ago(9), value=0.6
    )
    first, second = PhotoAssessment.objects.filter(user=patient, label="sad").order_by("id")[:2]
    assessment_feedback_set(user=patient, assessment_id=first.pk, label="sad")
    assessment_feedback_set(user=patient, assessment_id=second.pk, label="happy")
    return patient


@pytest.fixture
def psychologist_api(verified_psychologist: User) -> APIClient:
    """The verified psychologist's API client: a device token issued after a two-factor code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=verified_psychologist, name="phone", confirmed=True)
    return client_for(verified_psychologist, otp=True)
