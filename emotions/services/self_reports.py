"""Self-reports: how the person feels (1-5), optionally as the answer to one of their own photos."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from burnout_site.errors import Refusal
from emotions.models import SELF_REPORT_ALREADY_SAVED, SELF_REPORT_ASSESSMENT_NOT_FOUND, PhotoAssessment, SelfReport
from emotions.services.burnout import burnout_flag_evaluate_soon
from emotions.services.factors import factor_sleep_clean, factor_tags_get_or_create, factor_workload_clean

if TYPE_CHECKING:
    from accounts.models import User


class SelfReportRejected(Refusal):
    """A self-report we will not store; `field` is the input it is about (the assessment unless said)."""

    field = "assessment"


@transaction.atomic
def self_report_create(
    *,
    user: User,
    mood: int,
    note: str = "",
    assessment: PhotoAssessment | int | None = None,
    source: str,
    source_key: str = "",
    at: datetime | None = None,
    is_demo: bool = False,
    sleep_hours: object = None,
    workload: object = None,
    tags: Iterable[str] = (),
) -> SelfReport:
    """Store how the person feels (1-5), optionally as the answer to one of their own photos.

    `assessment` may be a row or an id (the API and the bot hold ids); someone else's photo is
    refused with the same words as a missing one, so ids reveal nothing.

    `source_key` names the channel's message whose buttons gave the rating (Telegram: "chat:message"):
    one rating per message. A second one is refused as `already_saved`, whether it comes after the
    first or at the same moment (then the unique constraint stops it).
    """
    assessment_row: PhotoAssessment | None = None
    if assessment is not None:
        assessment_id = assessment.pk if isinstance(assessment, PhotoAssessment) else assessment
        assessment_row = PhotoAssessment.objects.filter(user=user, pk=assessment_id).first()
        if assessment_row is None:
            raise SelfReportRejected("assessment_not_found", str(SELF_REPORT_ASSESSMENT_NOT_FOUND))
    # Factors first: a bad one refuses the whole rating before anything is stored (emotions/services/factors.py).
    sleep, load = factor_sleep_clean(sleep_hours), factor_workload_clean(workload)
    tag_rows = factor_tags_get_or_create(user=user, names=tags) if tags else []
    report = SelfReport(
        user=user,
        mood=mood,
        sleep_hours=sleep,
        workload=load,
        note=(note or "").strip(),
        assessment=assessment_row,
        source=source,
        source_key=source_key,
        at=at or timezone.now(),
        is_demo=is_demo,
    )
    try:
        report.full_clean()
    except ValidationError as exc:
        _self_report_refuse_if_answered(report)
        field, messages = next(iter(exc.message_dict.items()))
        raise SelfReportRejected("invalid", messages[0], field=field) from exc
    try:
        # A savepoint: the caller's transaction stays usable after a lost race.
        with transaction.atomic():
            report.save()
    except IntegrityError:
        _self_report_refuse_if_answered(report)
        raise
    if tag_rows:
        report.tags.set(tag_rows)
    burnout_flag_evaluate_soon(user_id=user.pk)
    return report


def _self_report_refuse_if_answered(report: SelfReport) -> None:
    """Refuse a rating of a message that already has one (the constraint's case, told in words)."""
    if report.source_key and SelfReport.objects.filter(source=report.source, source_key=report.source_key).exists():
        raise SelfReportRejected("already_saved", str(SELF_REPORT_ALREADY_SAVED))


def self_report_export_rows(*, user: User) -> list[dict[str, object]]:
    return [
        {
            "id": row.pk,
            "at": row.at,
            "mood": row.mood,
            "note": row.note,
            "assessment_id": row.assessment_id,
            "source": row.source,
            "sleep_hours": float(row.sleep_hours) if row.sleep_hours is not None else None,
            "workload": row.workload,
            "tags": ", ".join(tag.name for tag in row.tags.all()),
        }
        for row in SelfReport.objects.filter(user=user).prefetch_related("tags").order_by("at", "id")
    ]


def self_report_erase_for_user(*, user: User) -> None:
    SelfReport.objects.filter(user=user).delete()
