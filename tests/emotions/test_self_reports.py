"""Mood self-reports and the CBI questionnaire: services, web pages, dynamics, export and erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import _export_sections
from emotions import selectors
from emotions.models import CBI_ITEM_KEYS, PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.services import (
    QuestionnaireRejected,
    SelfReportRejected,
    questionnaire_cbi_create,
    questionnaire_cbi_score,
    self_report_create,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_YOURS = "No such photo among yours: a mood can only answer one of your own photos."


def _done(user: User, at: datetime, negativity: float = 0.8) -> PhotoAssessment:
    valence = "negative" if negativity >= 0.5 else "positive"
    label = "sad" if valence == "negative" else "happy"
    return PhotoAssessment.objects.create(
        user=user, captured_at=at, status="done", label=label, valence=valence, negativity=negativity
    )


def test_self_report_answers_own_assessment(user: User) -> None:
    photo = _done(user, datetime(2026, 3, 2, 9, tzinfo=UTC))
    report = self_report_create(user=user, mood=2, note="  long day ", assessment=photo, source="web")
    assert (report.mood, report.note, report.assessment, report.source) == (2, "long day", photo, "web")
    by_id = self_report_create(user=user, mood=4, assessment=photo.pk, source="api")
    assert by_id.assessment_id == photo.pk


def test_self_report_refuses_someone_elses_assessment(user: User) -> None:
    other = _done(UserFactory(), datetime(2026, 3, 2, 9, tzinfo=UTC))
    with pytest.raises(SelfReportRejected) as exc:
        self_report_create(user=user, mood=3, assessment=other, source="web")
    assert exc.value.code == "assessment_not_found" and exc.value.message == NOT_YOURS
    assert not SelfReport.objects.exists()


@pytest.mark.parametrize("mood", [0, 6])
def test_self_report_refuses_mood_out_of_range(user: User, mood: int) -> None:
    with pytest.raises(SelfReportRejected) as exc:
        self_report_create(user=user, mood=mood, source="web")
    assert exc.value.field == "mood"
    assert exc.value.message in {
        "Ensure this value is greater than or equal to 1.",
        "Ensure this value is less than or equal to 5.",
    }


def test_dynamics_mean_mood_is_computed_per_day_and_week(user: User) -> None:
    _done(user, datetime(2026, 3, 2, 9, tzinfo=UTC))
    for day, mood in ((2, 2), (2, 3), (4, 5)):
        self_report_create(user=user, mood=mood, source="web", at=datetime(2026, 3, day, 12, tzinfo=UTC))
    self_report_create(user=UserFactory(), mood=1, source="web", at=datetime(2026, 3, 2, 12, tzinfo=UTC))
    days = selectors.assessment_dynamics(user=user, first_day=date(2026, 3, 2), last_day=date(2026, 3, 4))
    assert [bucket.mean_mood for bucket in days] == [2.5, None, 5.0]
    weeks = selectors.assessment_dynamics(
        user=user, first_day=date(2026, 3, 2), last_day=date(2026, 3, 8), bucket="week"
    )
    assert [bucket.mean_mood for bucket in weeks] == [pytest.approx(10 / 3)]


def test_web_mood_form_on_dashboard(client_logged_in: Client, user: User) -> None:
    page = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    assert "How do you feel? 1–5" in page
    response = client_logged_in.post(
        reverse("emotions:self_report_new"), {"mood": "4", "note": "ok", "next": "/dashboard/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert "Thank you. Your mood has been saved." in response.content.decode()
    assert SelfReport.objects.get(user=user).mood == 4


def test_web_mood_form_on_assessment_page(client_logged_in: Client, user: User) -> None:
    photo = _done(user, datetime(2026, 3, 2, 9, tzinfo=UTC))
    url = reverse("emotions:assessment_detail", args=[photo.pk])
    assert "How do you feel? 1–5" in client_logged_in.get(url).content.decode()
    response = client_logged_in.post(
        reverse("emotions:self_report_new"), {"mood": "1", "assessment": photo.pk, "next": url}, follow=True
    )
    assert "You rated your mood 1 of 5 for this photo." in response.content.decode()
    assert SelfReport.objects.get(user=user).assessment == photo


def test_web_mood_form_errors(client_logged_in: Client, user: User) -> None:
    other = _done(UserFactory(), datetime(2026, 3, 2, 9, tzinfo=UTC))
    response = client_logged_in.post(
        reverse("emotions:self_report_new"),
        {"mood": "3", "assessment": other.pk, "next": "https://evil.example/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("emotions:dashboard")
    assert NOT_YOURS in response.content.decode()
    response = client_logged_in.post(reverse("emotions:self_report_new"), {}, follow=True)
    assert "Please choose how you feel, from 1 to 5." in response.content.decode()
    assert not SelfReport.objects.exists()


ANSWERS = {
    "tired": "always",
    "physically_exhausted": "often",
    "emotionally_exhausted": "sometimes",
    "cant_take_it": "seldom",
    "worn_out": "never",
    "weak_ill": "often",
}


def test_cbi_score_is_the_mean_of_item_points() -> None:
    # (100 + 75 + 50 + 25 + 0 + 75) / 6
    assert questionnaire_cbi_score(answers=ANSWERS) == pytest.approx(325 / 6)
    assert questionnaire_cbi_score(answers=dict.fromkeys(CBI_ITEM_KEYS, "always")) == 100


@pytest.mark.parametrize(
    "answers",
    [{}, {**ANSWERS, "tired": "daily"}, {**ANSWERS, "extra": "often"}],
)
def test_cbi_refuses_incomplete_or_unknown_answers(user: User, answers: dict) -> None:
    with pytest.raises(QuestionnaireRejected) as exc:
        questionnaire_cbi_create(user=user, answers=answers)
    assert exc.value.message == "Please answer every question with one of the offered answers."


def test_cbi_page_saves_and_keeps_history(client_logged_in: Client, user: User) -> None:
    url = reverse("emotions:questionnaire_cbi")
    page = client_logged_in.get(url).content.decode()
    assert "A questionnaire score is not a diagnosis." in page
    assert "How often are you emotionally exhausted?" in page
    for _round in range(2):
        response = client_logged_in.post(url, ANSWERS, follow=True)
    assert "Thank you. Your score is 54 out of 100." in response.content.decode()
    assert QuestionnaireResponse.objects.filter(user=user).count() == 2


def test_cbi_page_missing_answer(client_logged_in: Client) -> None:
    response = client_logged_in.post(reverse("emotions:questionnaire_cbi"), {**ANSWERS, "tired": ""})
    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_cbi_banner_weekly(client_logged_in: Client, user: User) -> None:
    banner = "Answer the questionnaire"
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        assert banner in client_logged_in.get(reverse("emotions:dashboard")).content.decode()
        questionnaire_cbi_create(user=user, answers=ANSWERS)
    with time_machine.travel(datetime(2026, 3, 7, 12, tzinfo=UTC), tick=False):
        assert banner not in client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    with time_machine.travel(datetime(2026, 3, 8, 12, tzinfo=UTC), tick=False):
        page = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    assert banner in page and "It has been a week or more" in page


def test_export_and_erasure_cover_self_reports_and_questionnaires(user: User) -> None:
    from accounts.personal_data import personal_data_sections

    self_report_create(user=user, mood=2, note="tired", source="web")
    questionnaire_cbi_create(user=user, answers=ANSWERS)
    sections = _export_sections(user)
    assert sections["self_reports"][0]["note"] == "tired"
    assert sections["questionnaires"][0]["score"] == pytest.approx(325 / 6)
    for section in personal_data_sections():
        section.erase(user=user)
    assert not SelfReport.objects.filter(user=user).exists()
    assert not QuestionnaireResponse.objects.filter(user=user).exists()
