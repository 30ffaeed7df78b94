"""The audit trail: one line per access or change that a person or an admin may later ask about."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from ..models import AuditEvent, User


def audit_record(
    *, actor: User | None, subject_user: User | None, action: str, detail: dict[str, Any] | None = None
) -> AuditEvent:
    """One audit line. `detail` holds facts (kinds, versions, periods), never names or e-mail addresses."""
    event = AuditEvent(actor=actor, subject_user=subject_user, action=action, detail=detail or {})
    event.full_clean()
    event.save()
    return event


def audit_record_many(
    *, actor: User, subject_user_ids: Iterable[int], action: str, detail: dict[str, Any] | None = None
) -> int:
    """The same action on many people in one INSERT, so a list page's query count does not grow with it.

    Takes ids: the caller has them from its own query, and loading the users would cost another.
    """
    now = timezone.now()
    events = [
        AuditEvent(actor=actor, subject_user_id=subject_id, action=action, at=now, detail=detail or {})
        for subject_id in subject_user_ids
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)
