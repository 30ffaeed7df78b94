"""Dynamics are bucketed by the calendar day in the person's own time zone, in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from emotions import selectors
from tests.emotions.test_pages import done, make
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_days_follow_the_users_time_zone() -> None:
    tokyo = UserFactory(timezone="Asia/Tokyo")  # UTC+9
    done(tokyo, label="sad", captured_at=at(8, 20))  # 9 March 05:00 in Tokyo
    done(tokyo, label="happy", captured_at=at(9, 1))  # 9 March 10:00 in Tokyo
    done(tokyo, label="angry", captured_at=at(9, 16))  # 10 March 01:00 in Tokyo
    make(tokyo, status="no_face", captured_at=at(9, 2))  # not counted: says nothing about mood

    buckets = selectors.assessment_daily_negative_share(user=tokyo, days=3)

    assert [bucket.day for bucket in buckets] == [date(2025, 3, 8), date(2025, 3, 9), date(2025, 3, 10)]
    empty, ninth, tenth = buckets
    assert (empty.total, empty.negative_share) == (0, None)
    assert (ninth.total, ninth.negative) == (2, 1)
    assert ninth.negative_share == pytest.approx(0.5)
    assert ninth.mean_negativity == pytest.approx((0.97 + 0.04) / 2)
    assert (tenth.total, tenth.negative, tenth.negative_share) == (1, 1, 1.0)
    # The trailing-week share pools the photos of the days so far: 2 negative of 3.
    assert empty.rolling_share is None
    assert ninth.rolling_share == pytest.approx(0.5)
    assert tenth.rolling_share == pytest.approx(2 / 3)


@time_machine.travel(NOW, tick=False)
def test_rolling_share_forgets_days_older_than_a_week() -> None:
    user = UserFactory()
    done(user, label="sad", captured_at=at(1, 9))  # 9 days before NOW
    done(user, label="happy", captured_at=at(9, 9))
    buckets = selectors.assessment_daily_negative_share(user=user, days=10)
    by_day = {bucket.day.day: bucket.rolling_share for bucket in buckets}
    assert by_day[1] == 1.0
    assert by_day[7] == 1.0  # 1 March is still inside the week ending 7 March
    assert by_day[8] is None  # ... but not inside the week ending 8 March
    assert by_day[9] == 0.0


@time_machine.travel(NOW, tick=False)
def test_the_same_rows_in_utc_fall_on_other_days() -> None:
    user = UserFactory(timezone="UTC")
    done(user, label="sad", captured_at=at(8, 20))
    done(user, label="happy", captured_at=at(9, 1))
    done(user, label="angry", captured_at=at(9, 16))

    by_day = {b.day: b.total for b in selectors.assessment_daily_negative_share(user=user, days=3)}
    assert by_day == {date(2025, 3, 8): 1, date(2025, 3, 9): 2, date(2025, 3, 10): 0}


@time_machine.travel(NOW, tick=False)
def test_aggregation_is_one_query_whatever_the_period() -> None:
    user = UserFactory()
    for day in range(1, 10):
        done(user, captured_at=at(day, 9))
    with CaptureQueriesContext(connection) as queries:
        buckets = selectors.assessment_daily_negative_share(user=user, days=365)
    assert len(queries) == 1
    assert len(buckets) == 365


@time_machine.travel(NOW, tick=False)
def test_emotion_mix_and_summary() -> None:
    user = UserFactory()
    done(user, label="sad", captured_at=at(9, 9))
    done(user, label="sad", captured_at=at(9, 10))
    done(user, label="happy", captured_at=at(9, 11))
    make(user, status="failed", captured_at=at(9, 12))
    done(user, label="fear", captured_at=datetime(2024, 1, 1, tzinfo=UTC))  # outside 30 days

    mix = {item.label: item.count for item in selectors.assessment_emotion_mix(user=user, days=30)}
    assert mix == {"angry": 0, "disgust": 0, "fear": 0, "happy": 1, "sad": 2, "surprise": 0, "neutral": 0}

    summary = selectors.assessment_period_summary(user=user, days=30)
    assert (summary.total, summary.done, summary.negative, summary.failed) == (4, 3, 2, 1)
    assert summary.negative_share == pytest.approx(2 / 3)


def test_unknown_time_zone_falls_back_to_utc() -> None:
    user = UserFactory.build(timezone="Mars/Olympus_Mons")
    assert str(selectors.user_tzinfo_get(user=user)) == "UTC"
