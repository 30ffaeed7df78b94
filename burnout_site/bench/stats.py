"""The one percentile every benchmark figure (p50, p95, p99) is computed with."""

from __future__ import annotations

import math
from collections.abc import Iterable


def percentile(values: Iterable[float], percent: float) -> float | None:
    """The `percent`-th percentile of `values` by linear interpolation between the closest ranks, or None
    when there are no values.

    Sorted values x[0] <= ... <= x[n-1]: the percentile sits at rank h = (n - 1) * percent / 100, between
    x[floor(h)] and x[ceil(h)] in proportion. This is numpy's default ("linear"), Hyndman and Fan's type 7,
    `statistics.quantiles(method="inclusive")` and a spreadsheet's PERCENTILE.INC: p0 is the minimum,
    p100 the maximum, p50 the median, and it never lies outside the measured values.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= percent <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {percent}")
    rank = (len(ordered) - 1) * percent / 100
    below, above = math.floor(rank), math.ceil(rank)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)
