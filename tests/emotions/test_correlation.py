"""Photo negativity against self-reported mood: pairs, statistics (checked by hand), dashboard and pilot_report."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import ConsentEvent, ConsentKind, User
from accounts.selectors import consent_current_document
from emotions import selectors, statistics
from emotions.models import PhotoAssessment
from emotions.services import self_report_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def _photo(user: User, day: int, negativity: float | None, status: str = "done") -> PhotoAssessment:
    if status != "done":
        return PhotoAssessment.objects.create(user=user, captured_at=_at(day), status=status)
    valence = "negative" if negativity >= 0.5 else "positive"
    return PhotoAssessment.objects.create(
        user=user, captured_at=_at(day, 9), status="done", negativity=negativity, valence=valence
    )


def _report(user: User, day: int, mood: int, photo: PhotoAssessment | None = None) -> None:
    self_report_create(user=user, mood=mood, assessment=photo, source="web", at=_at(day, 20))


# --- statistics, by hand -----------------------------------------------------------------------------------


def test_spearman_by_hand() -> None:
    # Ranks differ by d = 0, -1, 1, -1, 1: rho = 1 - 6 * 4 / (5 * 24) = 0.8.
    result = statistics.spearman([1, 2, 3, 4, 5], [1, 3, 2, 5, 4])
    assert result.n == 5 and result.rho == pytest.approx(0.8) and result.reason is None
    half = 1.959963984540054 / math.sqrt(2)
    assert result.ci_low == pytest.approx(math.tanh(math.atanh(0.8) - half))
    assert result.ci_high == pytest.approx(math.tanh(math.atanh(0.8) + half))
    assert result.ci_low == pytest.approx(-0.2796, abs=1e-4) and result.ci_high == pytest.approx(0.9862, abs=1e-4)


def test_spearman_edge_cases() -> None:
    assert statistics.spearman([], []) == statistics.Correlation(0, None, None, None, "no_pairs")
    assert statistics.spearman([0.1, 0.2], [1, 2]).reason == "too_few_pairs"
    assert statistics.spearman([0.1, 0.5, 0.9], [3, 3, 3]).reason == "constant_mood"
    assert statistics.spearman([0.5, 0.5, 0.5], [1, 2, 3]).reason == "constant_negativity"
    perfect = statistics.spearman([0.1, 0.2, 0.3, 0.4], [5, 4, 3, 2])
    assert (perfect.rho, perfect.ci_low, perfect.ci_high) == (-1.0, -1.0, -1.0)
    three = statistics.spearman([0.1, 0.2, 0.3], [1, 3, 2])
    assert three.rho == pytest.approx(0.5) and three.ci_low is None


def test_agreement_by_hand() -> None:
    # Observed 3/4; expected 0.5 * 0.25 + 0.5 * 0.75 = 0.5; kappa = (0.75 - 0.5) / 0.5.
    result = statistics.binary_agreement([(True, True), (True, False), (False, False), (False, False)])
    assert (result.n, result.accuracy, result.kappa) == (4, 0.75, 0.5)
    assert statistics.binary_agreement([]).reason == "no_pairs"
    assert statistics.binary_agreement([(True, True), (True, True)]).reason == "one_class_only"


# --- pairs and the cohort ----------------------------------------------------------------------------------


@pytest.fixture
def cohort() -> tuple[User, User]:
    a = UserFactory(consents=["processing", "research"])
    _report(a, 2, 1, _photo(a, 2, 0.9))  # linked: (0.9, 1), photo negative
    _report(a, 3, 5, _photo(a, 3, 0.2))  # linked: (0.2, 5)
    _photo(a, 4, 0.6)
    _photo(a, 4, 0.4)
    _report(a, 4, 3)  # same day: mean 0.5, half negative -> not negative; mood 3 left out of agreement
    _photo(a, 5, 0.1)
    _photo(a, 5, None, status="no_face")
    _report(a, 5, 4)  # same day: (0.1, 4)
    _report(a, 6, 2)  # no photo that day: no pair

    b = UserFactory(consents=["processing", "research"])
    _report(b, 3, 2, _photo(b, 3, 0.7))
    _report(b, 10, 2, _photo(b, 10, 0.3))
    _report(b, 11, 2, _photo(b, 11, 0.8))  # constant mood: rho undefined

    no_research = UserFactory(consents=["processing"])
    withdrawn = UserFactory(consents=["processing", "research"])
    ConsentEvent.objects.create(
        user=withdrawn, document=consent_current_document(kind=ConsentKind.RESEARCH), granted=False, channel="web"
    )
    for person in (no_research, withdrawn):
        for day in (2, 3, 4):
            _report(person, day, 5, _photo(person, day, 0.9))
    return a, b


def test_pairs_link_or_fall_back_to_the_same_day(cohort: tuple[User, User]) -> None:
    a, _b = cohort
    pairs = selectors.mood_pair_list(user=a)
    assert [(p.negativity, p.mood, p.photo_negative, p.linked) for p in pairs] == [
        (0.9, 1, True, True),
        (0.2, 5, False, True),
        (pytest.approx(0.5), 3, False, False),
        (0.1, 4, False, False),
    ]
    # Ranks x = 4, 2, 3, 1 and y = 1, 4, 2, 3: d² = 9 + 4 + 1 + 4 = 18, rho = 1 - 6 * 18 / (4 * 15) = -0.8.
    result = selectors.mood_correlation_compute(user=a)
    assert result.n == 4 and result.rho == pytest.approx(-0.8)
    assert result.ci_low == pytest.approx(math.tanh(math.atanh(-0.8) - 1.959963984540054))


def test_pilot_report_figures(cohort: tuple[User, User]) -> None:
    report = selectors.pilot_report_build()
    assert report["users"] == 2
    pooled = report["correlation"]["pooled"]
    # x ranks 7,2,4,1,5,3,6 and y ranks 1,7,5,6,3,3,3 (ties averaged): Σdxdy = -23, Σdx² = 28, Σdy² = 26.
    assert pooled["n"] == 7 and pooled["rho"] == pytest.approx(-23 / math.sqrt(28 * 26))
    assert report["correlation"]["per_user_median"] == pytest.approx(-0.8)
    assert report["correlation"]["users_with_rho"] == 1
    # 6 pairs without mood 3, 5 agree; expected 0.5 * 4/6 + 0.5 * 2/6 = 0.5; kappa = (5/6 - 0.5) / 0.5.
    agreement = report["agreement"]
    assert agreement["n"] == 6 and agreement["accuracy"] == pytest.approx(5 / 6)
    assert agreement["kappa"] == pytest.approx(2 / 3)
    assert report["assessments_per_user"] == {"mean": 4.5, "median": 4.5, "min": 3, "max": 6}
    assert report["no_face"] == {"finished": 9, "no_face": 1, "share": pytest.approx(1 / 9)}
    assert report["retention"] == [
        {"week": date(2026, 3, 2), "active": 2, "retained": None, "retention": None},
        {"week": date(2026, 3, 9), "active": 1, "retained": 1, "retention": 0.5},
    ]


def test_pilot_report_period_and_empty(cohort: tuple[User, User]) -> None:
    report = selectors.pilot_report_build(first_day=date(2026, 3, 9), last_day=date(2026, 3, 31))
    assert report["correlation"]["pooled"] == {
        "n": 2,
        "rho": None,
        "ci_low": None,
        "ci_high": None,
        "reason": "too_few_pairs",
    }
    assert selectors.mood_correlation_compute(user=cohort[1]).reason == "constant_mood"
    assert report["correlation"]["per_user_median"] is None
    assert report["assessments_per_user"]["min"] == 0
    empty = selectors.pilot_report_build(first_day=date(2025, 1, 1), last_day=date(2025, 1, 31))
    assert empty["correlation"]["pooled"]["reason"] == "no_pairs" and empty["agreement"]["reason"] == "no_pairs"
    assert empty["retention"] == [] and empty["no_face"]["share"] is None


def test_pilot_report_command_formats(cohort: tuple[User, User]) -> None:
    out = io.StringIO()
    call_command("pilot_report", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["users"] == 2
    out = io.StringIO()
    call_command("pilot_report", "--format", "csv", "--from", "2026-03-01", "--to", "2026-03-31", stdout=out)
    rows = dict(csv.reader(io.StringIO(out.getvalue())))
    assert rows["users"] == "2" and rows["agreement_n"] == "6" and rows["week_2026-03-09_retention"] == "0.5"
    out = io.StringIO()
    call_command("pilot_report", stdout=out)
    text = out.getvalue()
    assert "# Pilot report" in text and "Cohen's kappa: 0.667" in text and "| 2026-03-09 | 1 | 1 | 0.500 |" in text


def test_pilot_report_command_errors() -> None:
    with pytest.raises(CommandError, match=r"--to must not be before --from\."):
        call_command("pilot_report", "--from", "2026-03-05", "--to", "2026-03-01")
    with pytest.raises(CommandError, match="Not a date"):
        call_command("pilot_report", "--from", "yesterday")


# --- the dashboard -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pairs", "shown"), [(9, False), (10, True)])
@time_machine.travel(datetime(2026, 3, 25, 12, tzinfo=UTC), tick=False)  # the pairs are in the 30-day period
def test_dashboard_shows_the_correlation_from_ten_pairs(
    client_logged_in: Client, user: User, pairs: int, shown: bool
) -> None:
    for day in range(1, pairs + 1):
        negativity = day / 20
        _report(user, day, 5 - (day - 1) // 2 if day < 10 else 1, _photo(user, day, negativity))
    page = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    assert ("Photos and your own mood" in page) is shown
    if shown:
        assert "On days your photos looked more negative, you usually rated your mood lower" in page
        assert "from 10 ratings." in page


@time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False)
def test_the_insight_follows_the_period_in_plain_words(client_logged_in: Client, user: User) -> None:
    # Ten March pairs: outside the 30-day period of 1 May, inside the 90-day one.
    for day in range(1, 11):
        _report(user, day, 5 - (day - 1) // 2 if day < 10 else 1, _photo(user, day, day / 20))
    url = reverse("emotions:dashboard")
    assert "Photos and your own mood" not in client_logged_in.get(url, {"days": 30}).content.decode()
    page = client_logged_in.get(url, {"days": 90}).content.decode()
    assert (
        "On days your photos looked more negative, you usually rated your mood lower too. The link is strong." in page
    )
    # The figures stay, behind "The numbers"; no jargon in the sentence itself.
    sentence = page.split('<section class="card correlation">')[1].split("<details>")[0]
    assert "Spearman" not in sentence and "Spearman correlation" in page
    page = client_logged_in.get(url, {"days": 90}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert (
        "В дни, когда ваши фото выглядели более негативными, вы обычно оценивали настроение ниже. Связь сильная."  # noqa: RUF001
        in page
    )
