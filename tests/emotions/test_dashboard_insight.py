"""Dashboard additions: mood beside the negative share, the year heatmap, CBI history, thresholds, data tables."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from accounts.models import User
from emotions import selectors
from emotions.dashboard import heatmap_weeks as _heatmap_weeks
from emotions.models import PhotoAssessment, QuestionnaireResponse
from emotions.services import self_report_create

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def history(user: User) -> User:
    for day, valence in ((9, "negative"), (10, "positive")):
        PhotoAssessment.objects.create(
            user=user,
            captured_at=datetime(2026, 3, day, 9, tzinfo=UTC),
            status="done",
            valence=valence,
            label="sad" if valence == "negative" else "happy",
            negativity=0.9 if valence == "negative" else 0.1,
        )
    self_report_create(user=user, mood=2, source="web", at=datetime(2026, 3, 9, 10, tzinfo=UTC))
    self_report_create(user=user, mood=3, source="web", at=datetime(2026, 3, 9, 11, tzinfo=UTC))
    QuestionnaireResponse.objects.create(user=user, answers={}, score=62.5, at=datetime(2026, 3, 8, tzinfo=UTC))
    return user


@time_machine.travel(NOW, tick=False)
def test_chart_data_has_mood_thresholds_and_cbi(client_logged_in: Client, history: User) -> None:
    response = client_logged_in.get(reverse("emotions:dashboard"))
    page = response.content.decode()
    data = json.loads(page.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert data["mood"][-2:] == [2.5, None]
    assert data["thresholds"] == {"negative_percent": 60, "cbi": 50}
    assert data["cbi"] == {"days": ["2026-03-08"], "scores": [62.5]}
    # The data tables behind the charts: mood beside the share, the CBI history, the heatmap days.
    assert "<td>2.5</td>" in page
    assert ("Burnout questionnaire scores" in page and "<td>62</td>" in page) or "<td>63</td>" in page
    assert "The last year, day by day" in page and 'class="heat-5"' in page and 'class="heat-1"' in page
    assert "vendor/chartjs-plugin-annotation/chartjs-plugin-annotation.min.js" in page


def test_annotation_plugin_is_served_from_node_modules() -> None:
    assert finders.find("vendor/chartjs-plugin-annotation/chartjs-plugin-annotation.min.js")


@time_machine.travel(NOW, tick=False)
def test_heatmap_is_seven_weekday_rows(history: User) -> None:
    rows = _heatmap_weeks(selectors.assessment_daily_negative_share(user=history, days=365))
    assert len(rows) == 7 and len({len(row) for row in rows}) == 1
    cells = [cell for row in rows for cell in row if cell]
    assert len(cells) == 365
    # 2026-03-10 is a Tuesday: the last column has Monday and Tuesday, the rest is padding.
    assert rows[1][-1]["bucket"].day.isoformat() == "2026-03-10" and rows[2][-1] is None


@time_machine.travel(NOW, tick=False)
def test_weeks_by_default_from_90_days_and_a_switch_back_to_days(client_logged_in: Client, history: User) -> None:
    url = reverse("emotions:dashboard")
    page = client_logged_in.get(url, {"days": 90}).content.decode()
    data = json.loads(page.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    # 90 days are charted as 13 whole weeks, the last ending today (Tuesday 10 March): 10 December to 10 March.
    assert data["weekly"] is True and len(data["daily"]["days"]) == 13
    assert data["daily"]["days"][0] == "2025-12-10" and data["daily"]["days"][-1] == "2026-03-04"
    # The last seven days: the negative photo of the 9th and the positive one of the 10th; mood 2.5 on the 9th.
    assert data["daily"]["totals"][-1] == 2 and data["daily"]["negative_share"][-1] == 50.0
    assert data["mood"][-1] == 2.5 and data["mood"][0] is None  # no rating: a gap, not a line
    assert "Share of negative emotions per week" in page and '<th scope="row">2026-03-04 – 2026-03-10</th>' in page
    daily = client_logged_in.get(url, {"days": 90, "bucket": "day"}).content.decode()
    assert "Share of negative emotions per day" in daily and '"weekly": false' in daily


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("days", "weeks"), [(30, 5), (90, 13), (365, 53)])
def test_every_week_on_the_chart_is_seven_days(client_logged_in: Client, history: User, days: int, weeks: int) -> None:
    page = client_logged_in.get(reverse("emotions:dashboard"), {"days": days, "bucket": "week"}).content.decode()
    data = json.loads(page.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    starts = [date.fromisoformat(day) for day in data["daily"]["days"]]
    assert len(starts) == weeks and starts[-1] == date(2026, 3, 4)  # the last point: the last seven days
    assert all((later - earlier).days == 7 for earlier, later in pairwise(starts))


@time_machine.travel(NOW, tick=False)
def test_the_questionnaire_chart_follows_the_period(client_logged_in: Client, history: User) -> None:
    QuestionnaireResponse.objects.create(user=history, answers={}, score=20.0, at=datetime(2025, 12, 1, tzinfo=UTC))
    url = reverse("emotions:dashboard")
    page = client_logged_in.get(url, {"days": 30}).content.decode()
    data = json.loads(page.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert data["cbi"]["scores"] == [62.5]
    page = client_logged_in.get(url, {"days": 365}).content.decode()
    data = json.loads(page.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert data["cbi"]["scores"] == [20.0, 62.5]


@time_machine.travel(NOW, tick=False)
def test_the_calendar_has_months_weekdays_a_legend_and_a_mood_colouring(
    client_logged_in: Client, history: User
) -> None:
    page = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    calendar = page.split('<section class="card heatmap-card">')[1].split("</section>")[0]
    assert '<th scope="col"><span>Mar</span></th>' in calendar and '<th scope="col"><span>Jan</span></th>' in calendar
    assert '<th scope="row">Mon</th>' in calendar and '<th scope="row">Wed</th>' in calendar
    assert "Fewer negative" in calendar and "More negative" in calendar and "no rating" in calendar
    # 9 March: a negative photo (level 5) and a mean mood of 2.5 (rounded to 2).
    assert 'class="heat-5" data-mood="2"' in calendar
    assert 'id="heatmap-by-mood"' in calendar and "<script" not in calendar
    ru = client_logged_in.get(reverse("emotions:dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<th scope="col"><span>Мар</span></th>' in ru and '<th scope="row">Пн</th>' in ru  # noqa: RUF001


@time_machine.travel(NOW, tick=False)
def test_every_figure_follows_the_whole_weeks_of_the_chart(client_logged_in: Client, history: User) -> None:
    # 10 December is 90 days before 10 March: outside a 90-day period, inside its 13 whole weeks (91 days).
    PhotoAssessment.objects.create(
        user=history,
        captured_at=datetime(2025, 12, 10, 9, tzinfo=UTC),
        status="done",
        valence="negative",
        label="sad",
        negativity=0.9,
    )
    page = client_logged_in.get(reverse("emotions:dashboard"), {"days": 90}).content.decode()
    data = json.loads(page.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert sum(data["daily"]["totals"]) == 3 and "3 photos analysed in this period." in page
    assert (
        "In whole weeks: the last 13 weeks, from 10 Dec 2025; each point is seven days, the last one ending today."
        in page
    )
    page = client_logged_in.get(reverse("emotions:dashboard"), {"days": 90, "bucket": "day"}).content.decode()
    assert "2 photos analysed in this period." in page and "In whole weeks" not in page
