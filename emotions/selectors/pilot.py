"""The pilot report (manage.py pilot_report): figures over the people with an active research consent."""

from __future__ import annotations

import zoneinfo
from dataclasses import asdict
from datetime import date, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek

from accounts.selectors import consent_is_active
from emotions import statistics
from emotions.confidence import unsure_q
from emotions.models import PhotoAssessment, SelfReport
from emotions.selectors.correlation import MoodPair, mood_pair_list
from emotions.selectors.feedback import assessment_feedback_report_build
from emotions.selectors.periods import _on_days

if TYPE_CHECKING:
    from accounts.models import User


def research_cohort_list() -> list[User]:
    """People whose latest research decision is a grant of the current document: the only ones a report counts."""
    from accounts.models import ConsentEvent, ConsentKind, User

    candidates = User.objects.filter(
        pk__in=ConsentEvent.objects.filter(document__kind=ConsentKind.RESEARCH, granted=True).values("user_id")
    ).order_by("pk")
    return [person for person in candidates if consent_is_active(user=person, kind=ConsentKind.RESEARCH)]


def _correlation_dict(result: statistics.Correlation) -> dict[str, Any]:
    return asdict(result)


def pilot_report_build(*, first_day: date | None = None, last_day: date | None = None) -> dict[str, Any]:
    """The figures a pilot review needs, over people with an active research consent.

    Per-person pairs use each person's calendar days; the period bounds, the weeks of the retention
    table and the photo counts use UTC days (the cohort is compared at one clock).
    """
    utc = zoneinfo.ZoneInfo("UTC")
    cohort = research_cohort_list()
    ids = [person.pk for person in cohort]

    all_pairs: list[MoodPair] = []
    rhos: list[float] = []
    for person in cohort:
        pairs = mood_pair_list(user=person, first_day=first_day, last_day=last_day)
        all_pairs.extend(pairs)
        result = statistics.spearman([pair.negativity for pair in pairs], [float(pair.mood) for pair in pairs])
        if result.rho is not None:
            rhos.append(result.rho)
    pooled = statistics.spearman([pair.negativity for pair in all_pairs], [float(pair.mood) for pair in all_pairs])
    agreement = statistics.binary_agreement(
        [(pair.photo_negative, pair.mood <= 2) for pair in all_pairs if pair.mood != 3]
    )

    photos = _on_days(PhotoAssessment.objects.filter(user_id__in=ids), "captured_at", utc, first_day, last_day)
    reports = _on_days(SelfReport.objects.filter(user_id__in=ids), "at", utc, first_day, last_day)

    per_user = dict(photos.order_by().values("user_id").annotate(n=Count("id")).values_list("user_id", "n"))
    counts = sorted(per_user.get(pk, 0) for pk in ids)
    status = PhotoAssessment.Status
    finished = photos.filter(status__in=[status.DONE, status.NO_FACE, status.FAILED]).aggregate(
        finished=Count("id"),
        no_face=Count("id", filter=Q(status=status.NO_FACE)),
        done=Count("id", filter=Q(status=status.DONE)),
        unsure=Count("id", filter=unsure_q()),
    )

    weekly: dict[date, set[int]] = {}
    for model_rows, field in ((photos, "captured_at"), (reports, "at")):
        for week, user_id in (
            model_rows.annotate(week=TruncWeek(field, tzinfo=utc, output_field=DateField()))
            .order_by()
            .values_list("week", "user_id")
            .distinct()
        ):
            weekly.setdefault(week, set()).add(user_id)
    retention = []
    if weekly:
        week = min(weekly)
        previous: set[int] | None = None
        while week <= max(weekly):
            active = weekly.get(week, set())
            retained = len(active & previous) if previous is not None else None
            retention.append(
                {
                    "week": week,
                    "active": len(active),
                    "retained": retained,
                    "retention": (retained / len(previous)) if previous and retained is not None else None,
                }
            )
            previous, week = active, week + timedelta(days=7)

    return {
        "from": first_day,
        "to": last_day,
        "users": len(cohort),
        "correlation": {
            "pooled": _correlation_dict(pooled),
            "per_user_median": median(rhos) if rhos else None,
            "users_with_rho": len(rhos),
        },
        "agreement": asdict(agreement),
        "assessments_per_user": {
            "mean": (sum(counts) / len(counts)) if counts else None,
            "median": median(counts) if counts else None,
            "min": counts[0] if counts else None,
            "max": counts[-1] if counts else None,
        },
        "retention": retention,
        # The mood pairs above count only the readings that are not unsure (emotions.confidence).
        "unsure": {
            "done": finished["done"],
            "unsure": finished["unsure"],
            "share": (finished["unsure"] / finished["done"]) if finished["done"] else None,
        },
        # People's own "Was this right?" answers: the cohort only, like every figure here.
        "feedback": assessment_feedback_report_build(user_ids=ids, first_day=first_day, last_day=last_day),
        "no_face": {
            "finished": finished["finished"],
            "no_face": finished["no_face"],
            "share": (finished["no_face"] / finished["finished"]) if finished["finished"] else None,
        },
    }
