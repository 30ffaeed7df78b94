"""Detail page, status endpoint, dashboard: what a person sees, and only their own rows."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from emotions.models import PhotoAssessment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make(user: User, **fields: object) -> PhotoAssessment:
    defaults: dict[str, object] = {"status": PhotoAssessment.Status.PENDING, "captured_at": timezone.now()}
    defaults.update(fields)
    return PhotoAssessment.objects.create(user=user, **defaults)


def done(user: User, label: str = "sad", **fields: object) -> PhotoAssessment:
    probabilities = {name: 0.01 for name in ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")}
    probabilities[label] = 0.94
    negative = {"angry", "disgust", "fear", "sad"}
    return make(
        user,
        status=PhotoAssessment.Status.DONE,
        probabilities=probabilities,
        label=label,
        valence="negative" if label in negative else ("positive" if label == "happy" else "neutral"),
        negativity=sum(value for name, value in probabilities.items() if name in negative),
        faces_found=1,
        face_box=[10, 10, 100, 100],
        model_version="test",
        **fields,
    )


def dashboard_json(response: object) -> dict:
    match = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "the dashboard must pass its data through json_script"
    return json.loads(match.group(1))


def test_pending_detail_polls_its_status(client_logged_in: Client, user: User) -> None:
    assessment = make(user)
    response = client_logged_in.get(reverse("emotions:assessment_detail", args=[assessment.pk]))
    body = response.content.decode()
    status_url = reverse("emotions:assessment_status", args=[assessment.pk])
    assert response.status_code == 200
    assert f'data-poll-url="{status_url}"' in body
    assert "js/assessment.js" in body
    assert '<meta http-equiv="refresh" content="2">' in body  # inside <noscript>
    assert "We are analysing your photo." in body
    assert "<script>" not in body  # no inline scripts

    status = client_logged_in.get(status_url)
    assert status.json() == {"id": assessment.pk, "status": "pending", "pending": True}


def test_done_detail_shows_label_valence_and_probabilities(client_logged_in: Client, user: User) -> None:
    assessment = done(user, label="sad")
    body = client_logged_in.get(reverse("emotions:assessment_detail", args=[assessment.pk])).content.decode()
    assert "Top emotion: <strong>Sad</strong> (Negative)" in body
    # Renamed on purpose (issue 14): "negative" is the charts' share of readings, this is the photo's tone.
    assert "Negative tone of this photo: <strong>97%</strong>" in body
    for name in ("Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise", "Neutral"):
        assert f'<th scope="row">{name}</th>' in body
    assert "94%" in body
    assert "data-poll-url" not in body


def test_no_face_detail_shows_the_retake_message(client_logged_in: Client, user: User) -> None:
    assessment = make(user, status="no_face", error_code="no_face", error="stored text")
    body = client_logged_in.get(reverse("emotions:assessment_detail", args=[assessment.pk])).content.decode()
    assert "We could not find a face in this photo." in body
    assert "no sunglasses" in body
    assert "Try another photo" in body


def test_failed_detail_shows_the_stored_message_for_unknown_codes(client_logged_in: Client, user: User) -> None:
    assessment = make(user, status="failed", error_code="", error="Something odd happened.")
    body = client_logged_in.get(reverse("emotions:assessment_detail", args=[assessment.pk])).content.decode()
    assert "Something odd happened." in body


def test_another_users_assessment_is_404(client_logged_in: Client) -> None:
    someone_else = UserFactory()
    theirs = done(someone_else)
    for name in ("emotions:assessment_detail", "emotions:assessment_status"):
        assert client_logged_in.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client_logged_in.get(reverse("emotions:assessment_detail", args=[999999])).status_code == 404


def test_dashboard_empty_state(client_logged_in: Client) -> None:
    response = client_logged_in.get(reverse("emotions:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "No photos yet" in body
    assert f'href="{reverse("emotions:upload")}"' in body
    assert "Add your first photo" in body
    assert "dashboard-data" not in body
    assert "chart.umd.min.js" not in body


def test_dashboard_does_not_show_other_peoples_rows(client_logged_in: Client) -> None:
    done(UserFactory())
    body = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    assert "No photos yet" in body


@pytest.mark.parametrize("days", [30, 90, 365])
def test_dashboard_with_demo_data(client: Client, days: int) -> None:
    call_command("seed_demo", "--password", "demo-password-123", stdout=io.StringIO())
    demo = User.objects.get(username="demo")
    client.force_login(demo)

    # Daily points asked for: from 90 days up the charts default to weeks (test_dashboard_weekly_by_default).
    response = client.get(reverse("emotions:dashboard"), {"days": days, "bucket": "day"})
    body = response.content.decode()
    data = dashboard_json(response)

    assert response.status_code == 200
    assert "chart.umd.min.js" in body and "js/dashboard.js" in body
    assert 'aria-current="page"' in body
    daily = data["daily"]
    assert len(daily["days"]) == len(daily["negative_share"]) == len(daily["totals"]) == days
    assert len(daily["rolling_share"]) == days and daily["rolling_days"] == 7
    assert daily["days"][-1] == timezone.localdate().isoformat()
    assert daily["days"][0] == (timezone.localdate() - timedelta(days=days - 1)).isoformat()
    shares = [share for share in daily["negative_share"] if share is not None]
    assert shares and all(0 <= share <= 100 for share in shares)
    # seed_demo makes 90 days of 1–4 photos; the chart counts the readings that are not unsure (issue 14:
    # unsure readings are counted apart), so a day whose every photo is unsure has no data.
    in_period = PhotoAssessment.objects.counted().filter(
        user=demo, captured_at__date__gte=timezone.localdate() - timedelta(days=days - 1)
    )
    days_with_data = {timezone.localtime(at).date() for at in in_period.values_list("captured_at", flat=True)}
    assert sum(1 for total in daily["totals"] if total) == len(days_with_data) > min(days, 90) * 0.8
    in_period = in_period.count()
    assert sum(daily["totals"]) == in_period
    assert data["mix"]["labels"] == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    assert sum(data["mix"]["counts"]) == in_period
    # The accessible tables behind the charts: negative share (with mood), year heatmap, CBI history, mix.
    # (The summary's and the insight's figures are in details elements of their own.)
    assert body.count("Show the data as a table") == 4
    # Negative share, mood (a chart of its own: one y-axis per chart), CBI history, mix.
    assert body.count("<canvas") == 4


def test_dashboard_period_falls_back_to_30_days(client_logged_in: Client, user: User) -> None:
    done(user)
    for raw in ("7", "abc", ""):
        data = dashboard_json(client_logged_in.get(reverse("emotions:dashboard"), {"days": raw}))
        assert len(data["daily"]["days"]) == 30


def test_dashboard_lists_latest_with_status(client_logged_in: Client, user: User) -> None:
    done(user, label="happy")
    make(user, status="no_face", error_code="no_face")
    make(user)
    body = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    for text in ("Being analysed", "No face found", "Done", "Happy"):
        assert text in body
    assert "1 could not be analysed." in body
