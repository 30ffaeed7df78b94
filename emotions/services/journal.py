"""Deleting one entry of the person's journal: a photo reading, a mood rating or a questionnaire answer.

Every channel (the journal page, the API, the bot's /undo) calls these, so each deletion is checked the same
way (only the person's own rows: anyone else's id is `not_found`), audited the same way, and leaves the
charts, the burnout rules and the export reading what is left. A reading's photo file goes after the commit.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from accounts.services import audit_record, task_queue_forget
from burnout_site.errors import Refusal
from burnout_site.storage import storage_delete
from emotions.models import PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.selectors.journal import KIND_ASSESSMENT, KIND_QUESTIONNAIRE, KIND_SELF_REPORT
from emotions.services.assessments import ANALYZE_TASK
from emotions.services.burnout import burnout_flag_evaluate_soon

if TYPE_CHECKING:
    from accounts.models import User


def _not_found(kind: str) -> Refusal:
    messages = {
        KIND_ASSESSMENT: _("No such assessment."),
        KIND_SELF_REPORT: _("No such mood rating."),
        KIND_QUESTIONNAIRE: _("No such questionnaire answer."),
    }
    return Refusal("not_found", messages[kind])


def _own_locked(model: type[models.Model], *, user: User, entry_id: int, kind: str) -> models.Model:
    row = model.objects.select_for_update().filter(user=user, pk=entry_id).first()  # type: ignore[attr-defined]
    if row is None:
        raise _not_found(kind)
    return row


def _deleted(*, user: User, row: models.Model, kind: str, channel: str) -> None:
    # Facts only in the audit line (the kind, the channel), never the deleted values themselves.
    row.delete()
    audit_record(
        actor=user,
        subject_user=user,
        action=AuditEvent.Action.ENTRY_DELETED,
        detail={"kind": kind, "channel": channel},
    )
    # The burnout rules read these rows: a deleted entry may end (or start) what they see, so they are evaluated
    # after the commit exactly as after a new one.
    burnout_flag_evaluate_soon(user_id=user.pk)


@transaction.atomic
def assessment_delete(*, user: User, assessment_id: int, channel: str) -> None:
    """Delete one of the person's photo readings, its photo file (after the commit) and its queued analysis."""
    row = _own_locked(PhotoAssessment, user=user, entry_id=assessment_id, kind=KIND_ASSESSMENT)
    assert isinstance(row, PhotoAssessment)
    if row.photo:
        transaction.on_commit(partial(storage_delete, row.photo.storage, row.photo.name))
    if row.is_pending:
        task_queue_forget(func=ANALYZE_TASK, ids=[row.pk])
    _deleted(user=user, row=row, kind=KIND_ASSESSMENT, channel=channel)


@transaction.atomic
def self_report_delete(*, user: User, self_report_id: int, channel: str) -> None:
    row = _own_locked(SelfReport, user=user, entry_id=self_report_id, kind=KIND_SELF_REPORT)
    _deleted(user=user, row=row, kind=KIND_SELF_REPORT, channel=channel)


@transaction.atomic
def questionnaire_delete(*, user: User, questionnaire_id: int, channel: str) -> None:
    row = _own_locked(QuestionnaireResponse, user=user, entry_id=questionnaire_id, kind=KIND_QUESTIONNAIRE)
    _deleted(user=user, row=row, kind=KIND_QUESTIONNAIRE, channel=channel)


def journal_entry_delete(*, user: User, kind: str, entry_id: int, channel: str) -> None:
    """Delete one entry named by its journal kind (the page and the bot's button carry kind and id)."""
    if kind == KIND_ASSESSMENT:
        assessment_delete(user=user, assessment_id=entry_id, channel=channel)
    elif kind == KIND_SELF_REPORT:
        self_report_delete(user=user, self_report_id=entry_id, channel=channel)
    elif kind == KIND_QUESTIONNAIRE:
        questionnaire_delete(user=user, questionnaire_id=entry_id, channel=channel)
    else:
        raise Refusal("not_found", _("No such entry."))
