"""The dashboard's "What goes with your harder days": the rhythms and the factors that go with a lower mood, over
the selected period, in words with the days behind them (English and Russian), linking to the whole story."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from emotions.models import PhotoAssessment
from emotions.services import self_report_create

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboard/"


def _card(html: str) -> str:
    return html.split('<section class="card harder-days"')[1].split("</section>")[0]


def _four_weeks(user: User) -> None:
    """Mondays rated 2 and Fridays 3, both after short sleep; other days 4 after eight hours; a photo a day."""
    today = timezone.localdate()
    for offset in range(1, 29):
        day = today - timedelta(days=offset)
        at = datetime(day.year, day.month, day.day, 20, tzinfo=timezone.get_current_timezone())
        mood = {0: 2, 4: 3}.get(day.weekday(), 4)
        self_report_create(user=user, mood=mood, source="web", at=at, sleep_hours=5 if mood < 4 else 8)
        PhotoAssessment.objects.create(
            user=user, captured_at=at, status="done", label="happy", valence="positive", negativity=0.1
        )


def test_the_card_names_the_hardest_day_and_the_factor_with_the_days_behind_them(
    client_logged_in: Client, user: User
) -> None:
    _four_weeks(user)
    card = _card(client_logged_in.get(DASHBOARD, {"days": 30}).content.decode())
    assert "What goes with your harder days" in card
    assert "Hardest day of the week by your mood: Monday." in card and "Days behind it: 4 of 28." in card
    assert "On days with short sleep (under 7 hours) your mood was 1.5 lower (2.5 against 4.0)." in card
    assert "Days behind it: 8 with, 20 without." in card
    assert 'href="/journal/?period=30"' in card and 'href="/factors/"' in card

    card = _card(client_logged_in.get(DASHBOARD, {"days": 30}, HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    assert "Что сопровождает ваши тяжёлые дни" in card
    assert "Самый тяжёлый день недели по настроению: понедельник." in card
    assert "В дни с коротким сном (меньше 7 часов) настроение было на 1,5 ниже (2,5 против 4,0)." in card  # noqa: RUF001


def test_the_card_follows_the_period_and_says_when_nothing_stands_out(client_logged_in: Client, user: User) -> None:
    _four_weeks(user)
    # Move the history back two months: the last 30 days then hold only today's photo.
    for row in PhotoAssessment.objects.filter(user=user):
        row.captured_at -= timedelta(days=56)  # eight weeks: the weekdays stay the same
        row.save(update_fields=["captured_at"])
    for report in user.self_reports.all():
        report.at -= timedelta(days=56)
        report.save(update_fields=["at"])
    PhotoAssessment.objects.create(
        user=user, captured_at=timezone.now(), status="done", label="happy", valence="positive", negativity=0.1
    )
    card = _card(client_logged_in.get(DASHBOARD, {"days": 30}).content.decode())
    assert "Nothing stands out in this period yet." in card and "Monday" not in card
    card = _card(client_logged_in.get(DASHBOARD, {"days": 90}).content.decode())
    assert "Hardest day of the week by your mood: Monday." in card
    card = _card(client_logged_in.get(DASHBOARD, {"days": 30}, HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    assert "В этом периоде пока ничего не выделяется." in card  # noqa: RUF001


def test_someone_who_only_rates_their_mood_sees_the_card_too(client_logged_in: Client, user: User) -> None:
    today = timezone.localdate()
    for offset in range(1, 29):
        day = today - timedelta(days=offset)
        at = datetime(day.year, day.month, day.day, 20, tzinfo=timezone.get_current_timezone())
        self_report_create(user=user, mood=2 if day.weekday() == 0 else 4, source="web", at=at)
    card = _card(client_logged_in.get(DASHBOARD, {"days": 30}).content.decode())
    assert "Hardest day of the week by your mood: Monday." in card


def test_a_new_person_gets_no_card(client_logged_in: Client) -> None:
    assert 'class="card harder-days"' not in client_logged_in.get(DASHBOARD).content.decode()
