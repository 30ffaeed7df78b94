"""Reads of "Was this right?": a person's own agreement figure, and the pilot's agreement over a cohort."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q

from emotions.ml.labels import CLASSES
from emotions.models import AssessmentFeedback
from emotions.selectors.periods import _on_days

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class FeedbackAgreement:
    """Of the readings a person checked, how many they said were right."""

    checked: int
    agreed: int


def _agreed() -> Q:
    # "Right" is the person's label equal to the reading they judged (AssessmentFeedback.agrees).
    return Q(label=F("model_label"))


def assessment_feedback_agreement_get(*, user: User) -> FeedbackAgreement:
    counts = AssessmentFeedback.objects.filter(assessment__user=user).aggregate(
        checked=Count("id"), agreed=Count("id", filter=_agreed())
    )
    return FeedbackAgreement(checked=counts["checked"], agreed=counts["agreed"])


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def assessment_feedback_report_build(
    *, user_ids: Sequence[int], first_day: date | None = None, last_day: date | None = None
) -> dict[str, Any]:
    """The model against people's own labels, over these people's photos taken on these UTC days.

    `overall`: checked readings and the share the person called right. `per_class`, by the model's label:
    how often people agreed when the model said it (`agreement`, a precision) and, by the people's label,
    how often the model had said what they said (`recall`). `confusion[person's label][model's label]`.
    """
    rows = _on_days(
        AssessmentFeedback.objects.filter(assessment__user_id__in=list(user_ids)),
        "assessment__captured_at",
        zoneinfo.ZoneInfo("UTC"),
        first_day,
        last_day,
    )
    confusion = {given: dict.fromkeys(CLASSES, 0) for given in CLASSES}
    for given, read, count in rows.order_by().values_list("label", "model_label").annotate(n=Count("id")):
        if given in confusion and read in confusion[given]:
            confusion[given][read] = count
    checked = sum(sum(row.values()) for row in confusion.values())
    agreed = sum(confusion[name][name] for name in CLASSES)
    per_class = {}
    for name in CLASSES:
        read_as = sum(confusion[given][name] for given in CLASSES)
        given_as = sum(confusion[name].values())
        per_class[name] = {
            "read": read_as,
            "labelled": given_as,
            "agreed": confusion[name][name],
            "agreement": _share(confusion[name][name], read_as),
            "recall": _share(confusion[name][name], given_as),
        }
    return {
        "overall": {"checked": checked, "agreed": agreed, "agreement": _share(agreed, checked)},
        "per_class": per_class,
        "confusion": confusion,
    }
