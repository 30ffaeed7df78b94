"""Factors beside a mood rating (sleep, workload, own tags): recorded on the web, the API and the bot; ranked on
the factors page in words with the days behind them, only from enough days; bad input refused, nothing stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from emotions.factor_models import FactorTag
from emotions.models import PhotoAssessment, SelfReport
from emotions.selectors.factors import factors_rank
from emotions.services import self_report_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOOD = "/mood/"
FACTORS = "/factors/"


def test_the_mood_form_records_factors(client_logged_in: Client, user: User) -> None:
    client_logged_in.post(
        MOOD, {"mood": "2", "sleep_hours": "5,5", "workload": "5", "tags": "deadline, Gym , deadline", "next": "/"}
    )
    report = SelfReport.objects.get(user=user)
    assert (report.sleep_hours, report.workload) == (Decimal("5.5"), 5)
    assert sorted(tag.name for tag in report.tags.all()) == ["Gym", "deadline"]
    client_logged_in.post(MOOD, {"mood": "4", "tags": "GYM", "next": "/"})
    assert FactorTag.objects.filter(user=user).count() == 2  # the same tag whatever its case


@pytest.mark.parametrize(
    ("language", "data", "message"),
    [
        ("en", {"sleep_hours": "30"}, "Give your sleep in hours, from 0 to 24."),
        ("ru", {"sleep_hours": "lots"}, "Укажите сон в часах, от 0 до 24."),
        ("en", {"workload": "9"}, "Select a valid choice. 9 is not one of the available choices."),
        ("en", {"tags": "x" * 41}, "A tag name may be at most 40 characters long."),
    ],
)
def test_bad_factors_refuse_the_rating_and_say_why(
    client_logged_in: Client, user: User, language: str, data: dict, message: str
) -> None:
    response = client_logged_in.post(
        MOOD, {"mood": "3", "next": "/journal/", **data}, HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    assert message in response.content.decode()
    assert not SelfReport.objects.exists() and not FactorTag.objects.exists()


def test_at_most_twenty_tags(client_logged_in: Client, user: User) -> None:
    for index in range(20):
        FactorTag.objects.create(user=user, name=f"tag {index}")
    response = client_logged_in.post(FACTORS, {"name": "one more"})
    assert response.status_code == 400
    assert "You can have at most 20 tags. Delete one on the factors page first." in response.content.decode()
    response = client_logged_in.post(FACTORS, {"name": "one more"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert "Можно завести не больше 20 меток. Сначала удалите одну на странице факторов." in response.content.decode()
    assert FactorTag.objects.filter(user=user).count() == 20


def test_tags_are_added_and_deleted_on_the_factors_page(client_logged_in: Client, user: User) -> None:
    client_logged_in.post(FACTORS, {"name": "  late   coffee "})
    tag = FactorTag.objects.get(user=user)
    assert tag.name == "late coffee"
    other = FactorTag.objects.create(user=UserFactory(), name="theirs")
    assert client_logged_in.post(f"/factors/tags/{other.pk}/delete/").status_code == 404
    client_logged_in.post(f"/factors/tags/{tag.pk}/delete/")
    assert not FactorTag.objects.filter(user=user).exists() and FactorTag.objects.filter(pk=other.pk).exists()


def _days_with(user: User, *, tagged_mood: int, other_mood: int, days: int = 12) -> None:
    now = timezone.now()
    for offset in range(days):
        tagged = offset % 2 == 0
        self_report_create(
            user=user,
            mood=tagged_mood if tagged else other_mood,
            source="web",
            at=now - timedelta(days=offset),
            tags=["deadline"] if tagged else ["walk"],
            sleep_hours=5 if tagged else 8,
        )


def test_the_ranking_says_what_goes_with_lower_mood(client_logged_in: Client, user: User) -> None:
    _days_with(user, tagged_mood=2, other_mood=4)
    ranking = factors_rank(user=user)
    assert [(e.kind, e.tag, e.days_with, e.days_without) for e in ranking.effects][:2] == [
        ("sleep", "", 6, 6),
        ("tag", "deadline", 6, 6),
    ]
    html = client_logged_in.get(FACTORS).content.decode()
    assert "On days with the tag “deadline” your mood was 2.0 lower (2.0 against 4.0)." in html
    assert "On days with short sleep (under 7 hours) your mood was 2.0 lower (2.0 against 4.0)." in html
    assert "Days behind it: 6 with, 6 without." in html
    html = client_logged_in.get(FACTORS, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "В дни с меткой «deadline» настроение было на 2,0 ниже (2,0 против 4,0)." in html  # noqa: RUF001


def test_nothing_is_claimed_from_too_few_days(client_logged_in: Client, user: User) -> None:
    _days_with(user, tagged_mood=1, other_mood=5, days=8)
    assert factors_rank(user=user).effects == []
    html = client_logged_in.get(FACTORS).content.decode()
    assert "Nothing to say yet: a factor is compared once at least 5 rated days have it and 5 do not." in html


def test_factors_are_in_the_export_and_go_with_the_account(user: User) -> None:
    from accounts.services.export import _export_sections
    from emotions.models import EmailNotifications
    from emotions.services.email_notifications import email_notifications_set

    self_report_create(user=user, mood=2, source="web", sleep_hours="6", workload=5, tags=["deadline"])
    email_notifications_set(user=user, remind_at=None, digest=(6, timezone.localtime().time().replace(microsecond=0)))
    sections = _export_sections(user)
    row = sections["self_reports"][0]
    assert (row["sleep_hours"], row["workload"], row["tags"]) == (6.0, 5, "deadline")
    assert [row["name"] for row in sections["factor_tags"]] == ["deadline"]
    assert sections["email_notifications"][0]["digest_weekday"] == 6
    user.delete()
    assert not FactorTag.objects.exists() and not EmailNotifications.objects.exists()


def test_the_photo_side_counts_only_counted_readings(user: User) -> None:
    _days_with(user, tagged_mood=3, other_mood=3)
    now = timezone.now()
    for offset in range(12):
        tagged = offset % 2 == 0
        at = now - timedelta(days=offset)
        _reading(user, at, valence="negative" if tagged else "positive", confidence=0.9)
        if not tagged:
            # Negative but unsure: kept and listed, counted in no share (emotions/confidence.py).
            _reading(user, at, valence="negative", confidence=0.2)
    [deadline] = [e for e in factors_rank(user=user).effects if e.tag == "deadline"]
    assert (deadline.negative_with, deadline.negative_without) == (1.0, 0.0)


def _reading(user: User, at: datetime, *, valence: str, confidence: float) -> PhotoAssessment:
    label = "sad" if valence == "negative" else "happy"
    return PhotoAssessment.objects.create(
        user=user,
        captured_at=at,
        status=PhotoAssessment.Status.DONE,
        label=label,
        valence=valence,
        negativity=0.8 if valence == "negative" else 0.1,
        probabilities={label: confidence},
        confidence=confidence,
    )
