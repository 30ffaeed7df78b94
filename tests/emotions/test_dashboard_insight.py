"""Dashboard additions: mood beside the negative share, the year heatmap, CBI history, thresholds, data tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime

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
