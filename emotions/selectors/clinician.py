"""A psychologist's reads of their patients' data: each one records its audit line here, inside the read.

The portal's pages and the REST API call these, never the underlying selectors, so no entry point can show
a patient's data without the line on the patient's privacy page. Access goes through the active care links
(accounts.selectors): any other patient id is simply not found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from accounts.models import AuditEvent
from accounts.selectors import care_link_list_visible_to, care_link_patient_list
from accounts.services import audit_record, audit_record_many
from emotions.selectors.dynamics import DynamicsBucket, assessment_dynamics
from emotions.selectors.portal import PortalRow, portal_patient_row_list

if TYPE_CHECKING:
    from accounts.models import CareLink, User


def patient_link_get(*, psychologist: User, patient_id: int) -> CareLink | None:
    """This psychologist's active link with the patient, or None (a 404 to the caller). Reads no data."""
    # The patient is looked up by primary key first: Django answers an id beyond the database's integers as
    # "no such row" there, where a foreign-key filter would send it to the database and fail.
    patient = patient_get_of_psychologist(psychologist=psychologist, patient_id=patient_id)
    if patient is None:
        return None
    return care_link_list_visible_to(psychologist=psychologist).select_related("patient").get(patient=patient)


def link_categories(*, link: CareLink) -> frozenset[str]:
    """What the patient shares through this link (the brief, the report and the list export show only these)."""
    from emotions.selectors.brief import ALL_CATEGORIES

    return ALL_CATEGORIES


def patient_get_of_psychologist(*, psychologist: User, patient_id: int) -> User | None:
    """The patient if they share their data with this psychologist now; None otherwise (a 404 to the caller)."""
    return care_link_patient_list(psychologist=psychologist).filter(pk=patient_id).first()


def portal_patient_list_read(
    *,
    psychologist: User,
    sort: str = "flag",
    action: str = AuditEvent.Action.PORTAL_LIST_VIEW,
    detail: dict[str, Any] | None = None,
    page: Callable[[list[PortalRow]], Sequence[PortalRow]] | None = None,
) -> list[PortalRow]:
    """The patient list (portal_patient_row_list), and one audit line per patient shown, in one INSERT.

    `page` picks the rows actually shown from the whole list (the API's page): only those are recorded.
    """
    rows = portal_patient_row_list(psychologist=psychologist, sort=sort)
    shown = list(page(rows)) if page is not None else rows
    audit_record_many(
        actor=psychologist, subject_user_ids=[row.patient_id for row in shown], action=action, detail=detail
    )
    return shown


def patient_detail_read(*, psychologist: User, patient_id: int, days: int) -> tuple[User, CareLink] | None:
    """The patient and their care link for the portal's patient page, recorded as opened; None if not shared."""
    patient = patient_get_of_psychologist(psychologist=psychologist, patient_id=patient_id)
    if patient is None:
        return None
    link = care_link_list_visible_to(psychologist=psychologist).get(patient=patient)
    audit_record(
        actor=psychologist, subject_user=patient, action=AuditEvent.Action.PORTAL_DETAIL_VIEW, detail={"days": days}
    )
    return patient, link


def patient_dynamics_read(
    *, psychologist: User, patient: User, first_day: date, last_day: date, bucket: str = "day"
) -> list[DynamicsBucket]:
    """A patient's dynamics (assessment_dynamics) read through the API, recorded with the period.

    `patient` comes from patient_get_of_psychologist: the caller answers 404 before anything is read.
    """
    buckets = assessment_dynamics(user=patient, first_day=first_day, last_day=last_day, bucket=bucket)
    audit_record(
        actor=psychologist,
        subject_user=patient,
        action=AuditEvent.Action.API_READ,
        detail={"what": "dynamics", "from": first_day.isoformat(), "to": last_day.isoformat()},
    )
    return buckets
