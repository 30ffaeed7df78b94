"""Plain statistics for the pilot: Spearman correlation with a Fisher-z interval, and binary agreement.

No Django here: selectors build the pairs, these functions only compute. An undefined figure is
returned as None with a `reason` code (too few pairs, a constant series), never as NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

# Two-sided 95 %: the normal quantile the Fisher-z interval uses.
Z_95 = 1.959963984540054
# Spearman's rho is computable from 3 pairs, its Fisher-z interval (standard error 1/sqrt(n - 3)) from 4.
MIN_PAIRS_RHO = 3
MIN_PAIRS_CI = 4

REASON_NO_PAIRS = "no_pairs"
REASON_TOO_FEW = "too_few_pairs"
REASON_CONSTANT_X = "constant_negativity"
REASON_CONSTANT_Y = "constant_mood"
REASON_ONE_CLASS = "one_class_only"


@dataclass(frozen=True)
class Correlation:
    n: int
    rho: float | None
    ci_low: float | None
    ci_high: float | None
    reason: str | None = None  # why rho is None; None when it is defined


def spearman(x: Sequence[float], y: Sequence[float]) -> Correlation:
    """Spearman's rho of paired samples (ties get average ranks) and its 95 % Fisher-z interval."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y must have the same length")
    if n == 0:
        return Correlation(0, None, None, None, REASON_NO_PAIRS)
    if n < MIN_PAIRS_RHO:
        return Correlation(n, None, None, None, REASON_TOO_FEW)
    # A constant series has no ranks to compare: scipy would warn and answer NaN.
    if len(set(x)) == 1:
        return Correlation(n, None, None, None, REASON_CONSTANT_X)
    if len(set(y)) == 1:
        return Correlation(n, None, None, None, REASON_CONSTANT_Y)
    # Rounded so that a perfect rank agreement reads ±1 exactly, not 0.9999999999999999.
    rho = round(float(stats.spearmanr(x, y).statistic), 12)
    low, high = fisher_interval(rho, n)
    return Correlation(n, rho, low, high, None)


def fisher_interval(r: float, n: int) -> tuple[float | None, float | None]:
    if n < MIN_PAIRS_CI:
        return None, None
    if abs(r) >= 1:
        # atanh(±1) is infinite: a perfect rank agreement has a degenerate interval.
        return r, r
    z = math.atanh(r)
    half = Z_95 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


@dataclass(frozen=True)
class Agreement:
    n: int
    accuracy: float | None
    kappa: float | None
    reason: str | None = None


def binary_agreement(pairs: Sequence[tuple[bool, bool]]) -> Agreement:
    """Accuracy and Cohen's kappa of two yes/no ratings of the same items (here: photo negative, mood negative)."""
    n = len(pairs)
    if n == 0:
        return Agreement(0, None, None, REASON_NO_PAIRS)
    agree = sum(1 for a, b in pairs if a == b)
    accuracy = agree / n
    a_yes = sum(1 for a, _b in pairs if a) / n
    b_yes = sum(1 for _a, b in pairs if b) / n
    expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if expected >= 1:
        # Both raters said the same one thing every time: agreement beyond chance is undefined.
        return Agreement(n, accuracy, None, REASON_ONE_CLASS)
    return Agreement(n, accuracy, (accuracy - expected) / (1 - expected), None)
