"""How sure a reading is, and which readings count: the one place for both rules (docs/api.md, burnout-flags.md).

A reading's `confidence` is the probability of its top emotion. Its level in plain words ("sure", "fairly sure",
"unsure") comes from `confidence_level`, with the thresholds CONFIDENCE_SURE_PERCENT and
CONFIDENCE_UNSURE_BELOW_PERCENT. An unsure reading is kept and shown as such, but every share, chart and burnout
rule counts only `counted_q()`: finished and not unsure. The SQL form (`counted_q`, `unsure_q`) and the Python
form (`confidence_level`) read the same threshold, and tests/emotions/test_confidence.py checks they agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import pgettext_lazy

# Stable codes (the API's `confidence_level`); the words come from CONFIDENCE_LEVEL_NAMES.
SURE, FAIRLY_SURE, UNSURE = "sure", "fairly_sure", "unsure"
CONFIDENCE_LEVELS: tuple[str, ...] = (SURE, FAIRLY_SURE, UNSURE)
CONFIDENCE_LEVEL_NAMES: dict[str, Any] = {
    SURE: pgettext_lazy("confidence", "sure"),
    FAIRLY_SURE: pgettext_lazy("confidence", "fairly sure"),
    UNSURE: pgettext_lazy("confidence", "unsure"),
}

# Model versions whose probabilities are the network's raw softmax: their confidence is not calibrated
# (a 70 % there is not right 70 % of the time). The temperature-calibrated model ships under a new version.
# Matched on the part before "+" ("...-s10+int8" is the int8 build of the same network). "demo" is
# manage.py seed_demo's generated data, calibrated against nothing.
UNCALIBRATED_MODEL_VERSIONS: frozenset[str] = frozenset({"emotion-resnet-20261127-s10", "demo"})


def confidence_of(probabilities: Mapping[str, Any] | None) -> float | None:
    """The probability of the top emotion, in [0, 1]; None without probabilities (an unfinished reading)."""
    if not probabilities:
        return None
    # Rounding in the model can push a probability a hair past 1.
    return min(1.0, max(0.0, max(float(value) for value in probabilities.values())))


def _sure_min() -> float:
    return settings.CONFIDENCE_SURE_PERCENT / 100


def _unsure_below() -> float:
    return settings.CONFIDENCE_UNSURE_BELOW_PERCENT / 100


def confidence_level(confidence: float | None) -> str | None:
    """ "sure", "fairly_sure" or "unsure" for a confidence in [0, 1]; None when there is none."""
    if confidence is None:
        return None
    if confidence < _unsure_below():
        return UNSURE
    if confidence >= _sure_min():
        return SURE
    return FAIRLY_SURE


def unsure_q(prefix: str = "") -> Q:
    """Finished readings whose confidence is under the unsure threshold (`prefix`: a relation path + "__")."""
    return Q(**{f"{prefix}status": "done", f"{prefix}confidence__lt": _unsure_below()})


def counted_q(prefix: str = "") -> Q:
    """The readings every share, chart and burnout rule counts: finished and not unsure.

    A finished row without a stored confidence (none after the 0010 back-fill) is counted: nothing says
    it is unsure. Written without negation so that it also works as a FilteredRelation condition.
    """
    return Q(**{f"{prefix}status": "done"}) & (
        Q(**{f"{prefix}confidence__gte": _unsure_below()}) | Q(**{f"{prefix}confidence__isnull": True})
    )


def confidence_is_calibrated(model_version: str) -> bool:
    """Whether the model that made a reading had calibrated probabilities (see UNCALIBRATED_MODEL_VERSIONS)."""
    return bool(model_version) and model_version.split("+", 1)[0] not in UNCALIBRATED_MODEL_VERSIONS
