"""The dashboard's "Where you stand": this week against the four weeks before, on generated histories.

Every expected figure below is computed by hand from the history the test builds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from emotions.models import PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.selectors import Baseline, Direction, week_summary_get

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)  # a Tuesday; this week is 4-10 March


def _photo(user: User, days_ago: int, *, negative: bool, confidence: float = 0.9, hour: int = 9) -> None:
    PhotoAssessment.objects.create(
        user=user,
        captured_at=(NOW - timedelta(days=days_ago)).replace(hour=hour),
        status="done",
        valence="negative" if negative else "positive",
        label="sad" if negative else "happy",
        negativity=0.9 if negative else 0.1,
        confidence=confidence,
    )


def _mood(user: User, days_ago: int, mood: int) -> None:
    SelfReport.objects.create(user=user, at=NOW - timedelta(days=days_ago), mood=mood)


def _cbi(user: User, days_ago: int, score: float) -> None:
    QuestionnaireResponse.objects.create(user=user, at=NOW - timedelta(days=days_ago), answers=[], score=score)


@pytest.fixture
def history(user: User) -> User:
    # This week (days 0-6): two photos a day, one negative on days 0-3 -> 4 of 14 = 28.6 %.
    for day in range(7):
        _photo(user, day, negative=day <= 3, hour=8)
        _photo(user, day, negative=False, hour=10)
    _photo(user, 1, negative=True, confidence=0.2)  # unsure: in no figure
    # The four weeks before (days 7-34): one photo a day, negative on odd days -> 14 of 28 = 50 %.
    for day in range(7, 35):
        _photo(user, day, negative=day % 2 == 1)
    _photo(user, 35, negative=True)  # five weeks ago: outside both
    for day, mood in ((0, 4), (2, 4), (5, 5), (8, 3), (12, 3), (20, 2), (33, 2), (40, 1)):
        _mood(user, day, mood)
    for day, score in ((40, 10.0), (30, 40.0), (20, 50.0), (2, 62.5)):
        _cbi(user, day, score)
    return user


def test_this_week_against_the_four_weeks_before(history: User) -> None:
    summary = week_summary_get(user=history, now=NOW)
    assert summary.first_day == date(2026, 3, 4) and summary.previous_first_day == date(2026, 2, 4)
    negative = summary.negative
    assert (negative.current_count, negative.previous_count) == (14, 28)
    assert negative.current == pytest.approx(4 / 14) and negative.previous == pytest.approx(0.5)
    assert negative.direction is Direction.BETTER  # 21 points fewer, beyond the 10-point "steady" band
    mood = summary.mood
    assert (mood.current_count, mood.previous_count) == (3, 4)
    assert mood.current == pytest.approx(13 / 3) and mood.previous == pytest.approx(2.5)
    assert mood.direction is Direction.BETTER
    cbi = summary.cbi
    # The latest answer (62.5) against the mean of those in the 28 days before it: 40 and 50 (not 10).
    assert (cbi.current, cbi.previous, cbi.previous_count) == (62.5, 45.0, 2)
    assert cbi.direction is Direction.WORSE
    assert summary.cbi_latest_at == NOW - timedelta(days=2)
    # The baseline: the 90 days before the recent 14, i.e. days 14-35 here: 22 readings (days 14-34 and
    # day 35), negative on the 10 odd days 15-33 and on day 35 -> 11 of 22.
    assert summary.baseline_share == pytest.approx(0.5) and summary.baseline_direction is Direction.BETTER


def test_against_a_given_baseline(history: User) -> None:
    baseline = Baseline(start=NOW, end=NOW, readings=100, days=60, share=0.3)
    summary = week_summary_get(user=history, now=NOW, baseline=baseline)
    assert summary.baseline_share == 0.3
    assert summary.baseline_direction is Direction.STEADY  # 28.6 % against a usual 30 %
    none = Baseline(start=NOW, end=NOW, readings=3, days=1, share=None)
    assert week_summary_get(user=history, now=NOW, baseline=none).baseline_direction is Direction.UNKNOWN


def test_steady_and_worse(user: User) -> None:
    # 3 of 10 this week, 8 of 28 before (28.6 %): 1.4 points apart -> steady.
    for index in range(10):
        _photo(user, index % 7, negative=index < 3, hour=8 + index)
    for day in range(7, 35):
        _photo(user, day, negative=day < 15)
    for day, mood in ((0, 2), (1, 2), (10, 4), (11, 4)):
        _mood(user, day, mood)
    for day, score in ((10, 50.0), (3, 52.0)):
        _cbi(user, day, score)
    summary = week_summary_get(user=user, now=NOW)
    assert summary.negative.current == pytest.approx(0.3) and summary.negative.previous == pytest.approx(8 / 28)
    assert summary.negative.direction is Direction.STEADY
    assert summary.mood.direction is Direction.WORSE  # 2.0 against 4.0
    assert summary.cbi.direction is Direction.STEADY  # 52 against 50


def test_too_little_to_compare(user: User) -> None:
    _photo(user, 0, negative=True)
    _mood(user, 0, 3)
    summary = week_summary_get(user=user, now=NOW)
    assert summary.negative.direction is Direction.UNKNOWN and summary.negative.current == 1.0
    assert summary.mood.direction is Direction.UNKNOWN
    assert summary.cbi.current is None and summary.cbi.direction is Direction.UNKNOWN


def test_weeks_follow_the_persons_time_zone(user: User) -> None:
    user.timezone = "Asia/Tokyo"  # UTC+9: 4 March 20:00 UTC is already 5 March there
    user.save(update_fields=["timezone"])
    boundary = datetime(2026, 3, 3, 20, tzinfo=UTC)  # 4 March 05:00 in Tokyo: this week
    PhotoAssessment.objects.create(
        user=user, captured_at=boundary, status="done", valence="negative", label="sad", negativity=0.9
    )
    summary = week_summary_get(user=user, now=NOW)
    assert summary.negative.current_count == 1 and summary.negative.previous_count == 0


def test_a_constant_number_of_queries(history: User, django_assert_num_queries: object) -> None:
    with django_assert_num_queries(5):  # photos, moods, latest CBI, CBI before it, baseline
        week_summary_get(user=history, now=NOW)


# --- what the person reads ---------------------------------------------------------------------------------


def _card(page: str) -> str:
    return page.split('<section class="card standing"')[1].split("</section>")[0]


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_opens_with_where_you_stand(client_logged_in: Client, history: User) -> None:
    page = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    card = _card(page)
    assert "Where you stand this week" in card
    assert 'Negative photos:</strong> <span class="direction direction-better">better</span>' in card
    assert (
        "Fewer of your photos looked negative this week than in the four weeks before. That is less than your usual."
        in card
    )
    assert "This week: 29% of 14 counted photos looked negative." in card
    assert "The four weeks before: 50% of 28 counted photos looked negative." in card
    assert "Your usual: 50%." in card
    assert "You rated your mood higher this week than in the four weeks before." in card
    assert "This week: 4.3 out of 5 on average, from 3 ratings." in card
    assert "Your latest burnout questionnaire score is higher than in the four weeks before it." in card
    assert 'Burnout questionnaire:</strong> <span class="direction direction-worse">worse</span>' in card
    assert "The four weeks before it: 45 on average, from 2 answers." in card
    # The state first: the card, then the main chart, then the mood form.
    assert (
        page.index("Where you stand this week")
        < page.index('id="negative-share-chart"')
        < page.index('class="card mood-form"')
    )


@time_machine.travel(NOW, tick=False)
def test_where_you_stand_in_russian(client_logged_in: Client, history: User) -> None:
    page = client_logged_in.get(reverse("emotions:dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    card = _card(page)
    assert "Где вы сейчас: эта неделя" in card
    assert 'Негативные фото:</strong> <span class="direction direction-better">лучше</span>' in card
    assert (
        "На этой неделе меньше ваших фото выглядели негативными, чем за четыре недели до неё. "  # noqa: RUF001
        "Это меньше, чем обычно для вас." in card
    )
    assert "Эта неделя: 29% из 14 учтённых фото выглядели негативными." in card
    assert "Вы оценивали настроение на этой неделе выше, чем за четыре недели до неё." in card
    assert 'Опросник выгорания:</strong> <span class="direction direction-worse">хуже</span>' in card


@time_machine.travel(NOW, tick=False)
def test_too_little_to_compare_in_words(client_logged_in: Client, user: User) -> None:
    _photo(user, 0, negative=True)
    card = _card(client_logged_in.get(reverse("emotions:dashboard")).content.decode())
    assert "Too few photos this week or in the four weeks before to compare." in card
    assert "Too few mood ratings to compare: rate your mood a few times a week." in card
    assert "You have not answered the burnout questionnaire yet." in card
    assert "not enough data" in card
