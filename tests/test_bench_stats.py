"""The one percentile of the benchmark figures (burnout_site/bench/stats.py)."""

from __future__ import annotations

import statistics

import pytest

from burnout_site.bench.stats import percentile


def test_percentile_interpolates_between_the_closest_ranks() -> None:
    values = [40.0, 10.0, 30.0, 20.0]  # any order
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 50) == 25.0  # the median
    assert percentile(values, 95) == pytest.approx(38.5)  # rank 2.85: 30 + 0.85 * (40 - 30)


def test_percentile_agrees_with_the_inclusive_quantiles_of_the_standard_library() -> None:
    values = [float(v) for v in (7, 1, 9, 3, 3, 12, 5, 8, 2, 30, 11)]
    cut_points = statistics.quantiles(values, n=20, method="inclusive")
    assert [percentile(values, 5 * i) for i in range(1, 20)] == pytest.approx(cut_points)
    assert percentile(values, 50) == statistics.median(values)


def test_percentile_of_nothing_is_none_and_of_one_value_is_that_value() -> None:
    assert percentile([], 50) is None
    assert percentile([3.5], 99) == 3.5


def test_percentile_refuses_a_percent_outside_0_to_100() -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0, 2.0], 101)
