"""The personal baseline on generated histories: the selector, the `baseline_rise` rule, the dashboard's words.

A person is compared with their own usual share of negative photos over the 90 days before the last 14; with too
little data there is no baseline, and the page says so plainly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import User
from emotions.burnout import burnout_rule_states
from emotions.guidance import baseline_comparison_text
from emotions.models import BurnoutFlag
from emotions.selectors import Verdict, baseline_comparisons, personal_baseline
from emotions.services import burnout_flag_evaluate
from tests.conftest import photo_history

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 6, 1, 12, tzinfo=UTC)  # after the consent documents of the data migrations
BASELINE_DAYS = range(15, 100)  # inside the reference period: 90 days before the last 14
RECENT_DAYS = range(0, 14)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _holding(user: User) -> set[str]:
    return {state.rule for state in burnout_rule_states(user=user) if state.holds}


def test_no_data_means_no_baseline_said_plainly(client_logged_in: Client, user: User) -> None:
    photo_history(user, now=NOW, days_ago=RECENT_DAYS, per_day=3, negative_per_day=1)  # only recent photos

    baseline = personal_baseline(user=user)
    page = client_logged_in.get(reverse("emotions:dashboard")).content.decode()

    assert baseline.share is None and baseline.readings == 0
    assert [comparison.verdict for comparison in baseline_comparisons(user=user)[1]] == [Verdict.NO_BASELINE] * 2
    assert (
        "No personal baseline yet: it needs at least 20 analysed photos on 7 different days in the 90 days before "
        "the last 14 days (there are 0 on 0)." in page
    )
    assert "points against your usual" not in page


def test_many_photos_on_too_few_days_are_no_baseline(user: User) -> None:
    photo_history(user, now=NOW, days_ago=range(20, 23), per_day=10, negative_per_day=2)  # 30 photos, 3 days

    baseline = personal_baseline(user=user)

    assert (baseline.readings, baseline.days, baseline.share) == (30, 3, None)


def test_a_high_baseline_is_not_flagged_for_being_themselves(user: User) -> None:
    # Two of three photos read as negative, for months: this person's resting face.
    photo_history(user, now=NOW, days_ago=range(0, 100), per_day=3, negative_per_day=2)

    baseline = personal_baseline(user=user)
    raised = burnout_flag_evaluate(user=user)

    assert baseline.share == pytest.approx(2 / 3)
    assert baseline.days == 86
    assert raised == [] and not BurnoutFlag.objects.filter(user=user).exists()
    [week, fortnight] = baseline_comparisons(user=user)[1]
    assert (week.verdict, week.difference_points) == (Verdict.USUAL, 0)
    assert fortnight.verdict == Verdict.USUAL


def test_the_same_share_without_a_baseline_is_still_flagged(user: User) -> None:
    # The global threshold stands for someone with no baseline yet: no usual level to compare with.
    photo_history(user, now=NOW, days_ago=RECENT_DAYS, per_day=3, negative_per_day=2)

    assert _holding(user) == {BurnoutFlag.Rule.NEGATIVE_SHARE}


def test_a_rise_against_the_baseline_is_flagged(user: User) -> None:
    photo_history(user, now=NOW, days_ago=BASELINE_DAYS, per_day=3, negative_per_day=1)  # usually a third
    photo_history(user, now=NOW, days_ago=RECENT_DAYS, per_day=3, negative_per_day=2)  # now two thirds

    [flag_rule] = [
        flag.rule for flag in burnout_flag_evaluate(user=user) if flag.rule == BurnoutFlag.Rule.BASELINE_RISE
    ]
    flag = BurnoutFlag.objects.get(user=user, rule=flag_rule)
    baseline, [week, fortnight] = baseline_comparisons(user=user)

    assert flag.value == pytest.approx(1 / 3)
    assert BurnoutFlag.Rule.NEGATIVE_SHARE not in _holding(user)  # judged against their baseline instead
    assert baseline.share == pytest.approx(1 / 3)
    assert (week.verdict, week.difference_points) == (Verdict.MUCH_HIGHER, 33)
    assert (fortnight.verdict, fortnight.difference_points, fortnight.readings) == (Verdict.MUCH_HIGHER, 33, 42)


def test_a_smaller_rise_is_named_but_not_flagged(user: User, settings: SettingsWrapper) -> None:
    settings.BURNOUT_BASELINE_RISE_PERCENT = 40
    photo_history(user, now=NOW, days_ago=BASELINE_DAYS, per_day=3, negative_per_day=1)
    photo_history(user, now=NOW, days_ago=RECENT_DAYS, per_day=3, negative_per_day=2)

    assert BurnoutFlag.Rule.BASELINE_RISE not in _holding(user)
    assert [comparison.verdict for comparison in baseline_comparisons(user=user)[1]] == [Verdict.HIGHER] * 2


def test_a_lower_week_and_too_few_photos(user: User) -> None:
    photo_history(user, now=NOW, days_ago=BASELINE_DAYS, per_day=3, negative_per_day=2)
    photo_history(user, now=NOW, days_ago=range(1, 3), per_day=2, negative_per_day=0)  # 4 photos: too few
    photo_history(user, now=NOW, days_ago=range(8, 11), per_day=3, negative_per_day=0)

    [week, fortnight] = baseline_comparisons(user=user)[1]

    assert (week.verdict, week.readings) == (Verdict.TOO_FEW, 4)
    assert (fortnight.verdict, fortnight.difference_points) == (Verdict.LOWER, -67)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Compared with your usual",
                "Your usual share of negative photos: 33% (255 photos on 85 days).",
                "Last 7 days: 67% negative, +33 points against your usual: clearly more negative than usual for you.",
                "Last 14 days: 67% negative, +33 points against your usual: clearly more negative than usual for you.",
                "Rise against the personal baseline",
            ],
        ),
        (
            "ru",
            [
                "По сравнению с вашей нормой",  # noqa: RUF001
                "Ваша обычная доля негативных фото: 33% (255 фото за 85 дн.).",
                "Последние 7 дн.: 67% негативных, +33 п. п. к вашей норме: "
                "заметно больше негативного, чем обычно для вас.",
                "Рост относительно личной нормы",
            ],
        ),
    ],
)
def test_dashboard_compares_with_the_baseline(
    client_logged_in: Client, user: User, language: str, expected: list[str]
) -> None:
    user.language = language
    user.save(update_fields=["language"])
    photo_history(user, now=NOW, days_ago=BASELINE_DAYS, per_day=3, negative_per_day=1)
    photo_history(user, now=NOW, days_ago=RECENT_DAYS, per_day=3, negative_per_day=2)
    burnout_flag_evaluate(user=user)

    page = client_logged_in.get(reverse("emotions:dashboard"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    for text in expected:
        assert text in page


@pytest.mark.parametrize(
    ("language", "week", "fortnight"),
    [
        (
            "en",
            "Last 7 days: too few analysed photos to compare (4; at least 5).",
            "Last 14 days: 0% negative, -67 points against your usual: less negative than usual for you.",
        ),
        (
            "ru",
            "Последние 7 дн.: слишком мало обработанных фото для сравнения (4; нужно не меньше 5).",
            "Последние 14 дн.: 0% негативных, -67 п. п. к вашей норме: меньше негативного, чем обычно для вас.",
        ),
    ],
)
def test_the_words_for_too_few_and_lower(user: User, language: str, week: str, fortnight: str) -> None:
    photo_history(user, now=NOW, days_ago=BASELINE_DAYS, per_day=3, negative_per_day=2)
    photo_history(user, now=NOW, days_ago=range(1, 3), per_day=2, negative_per_day=0)
    photo_history(user, now=NOW, days_ago=range(8, 11), per_day=3, negative_per_day=0)

    with translation.override(language):
        texts = [baseline_comparison_text(comparison) for comparison in baseline_comparisons(user=user)[1]]

    assert texts == [week, fortnight]


def test_the_words_for_a_little_more_and_as_usual(user: User) -> None:
    photo_history(user, now=NOW, days_ago=BASELINE_DAYS, per_day=10, negative_per_day=2)  # 20 %
    photo_history(user, now=NOW, days_ago=range(0, 7), per_day=10, negative_per_day=3)  # 30 %: +10
    photo_history(user, now=NOW, days_ago=range(7, 14), per_day=10, negative_per_day=1)  # 14 days: 20 %, +0

    texts = [baseline_comparison_text(comparison) for comparison in baseline_comparisons(user=user)[1]]

    assert texts == [
        "Last 7 days: 30% negative, +10 points against your usual: a little more negative than usual for you.",
        "Last 14 days: 20% negative, +0 points against your usual: about as usual for you.",
    ]
