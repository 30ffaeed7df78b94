"""A psychologist's reads of their patients' data: each one records its audit line here, inside the read.

The portal's pages and the REST API call these, never the underlying selectors, so no entry point can show
a patient's data without the line on the patient's privacy page. Access goes through the active care links
(accounts.selectors): any other patient id is simply not found.

What a psychologist sees of a patient is what the link shares (`CareLink.categories`, chosen by the patient). The
access selector `care_link_visible_get` answers it and every read here consults it: a read none of whose
categories is shared is not found (READ_CATEGORIES, a 404), and within a read the values of the categories not
shared are left out (None, or empty). docs/privacy.md has the table per page and endpoint.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from accounts.models import AuditEvent, SharingCategory
from accounts.selectors import care_link_patient_list, care_link_visible_get
from accounts.services import audit_record, audit_record_many
from emotions.selectors.burnout import burnout_flag_list_open
from emotions.selectors.dynamics import DynamicsBucket, assessment_dynamics
from emotions.selectors.portal import PortalRow, portal_patient_row_list
from emotions.selectors.questionnaires import questionnaire_cbi_latest

if TYPE_CHECKING:
    from accounts.models import CareLink, User


READINGS, MOOD, QUESTIONNAIRE, FLAGS = (
    SharingCategory.READINGS,
    SharingCategory.MOOD,
    SharingCategory.QUESTIONNAIRE,
    SharingCategory.FLAGS,
)
ALL_CATEGORIES: tuple[str, ...] = tuple(SharingCategory.values)

# The categories each read can show: a patient who shares none of them is not found there (404). The patient
# list and the patient page show whatever is shared (any one category lists the patient), the dynamics
# endpoint holds only readings and mood.
READ_CATEGORIES: dict[str, tuple[str, ...]] = {
    "patient_list": ALL_CATEGORIES,
    "patient_detail": ALL_CATEGORIES,
    "patient_dynamics": (READINGS, MOOD),
    # The brief, the PDF report and the list export show each shared category and leave the others out.
    "brief": ALL_CATEGORIES,
    "report": ALL_CATEGORIES,
    # Acknowledging a flag needs the flags.
    "flags": (FLAGS,),
}


@dataclass(frozen=True)
class PatientShare:
    """A patient as one psychologist may see them now: the link says which categories."""

    patient: User
    link: CareLink

    @property
    def categories(self) -> tuple[str, ...]:
        return self.link.categories

    def shares(self, category: str) -> bool:
        return self.link.shares(category)


def patient_share_get(*, psychologist: User, patient_id: int, read: str = "patient_detail") -> PatientShare | None:
    """The patient and what they share with this psychologist, when `read` shows any of it; None is a 404."""
    link = care_link_visible_get(psychologist=psychologist, patient_id=patient_id)
    if link is None or not set(link.categories) & set(READ_CATEGORIES[read]):
        return None
    return PatientShare(patient=link.patient, link=link)


def patient_link_get(*, psychologist: User, patient_id: int, read: str = "brief") -> CareLink | None:
    """The link through which this psychologist sees the patient for `read` (patient_share_get); None is a 404."""
    share = patient_share_get(psychologist=psychologist, patient_id=patient_id, read=read)
    return None if share is None else share.link


def link_categories(*, link: CareLink) -> tuple[str, ...]:
    """What the patient shares through this link: the brief, the report and the list export show only these."""
    return link.categories


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


def patient_detail_read(
    *,
    psychologist: User,
    patient_id: int,
    days: int,
    build: Callable[[User, Collection[str]], dict[str, Any]],
) -> tuple[PatientShare, dict[str, Any]] | None:
    """The portal's patient page, recorded as opened; None if nothing is shared.

    `build(patient, categories)` draws the shared dynamics (emotions.dashboard.dynamics_context); the open flags
    and the latest questionnaire score are read here, each only when its category is shared.
    """
    share = patient_share_get(psychologist=psychologist, patient_id=patient_id, read="patient_detail")
    if share is None:
        return None
    patient = share.patient
    context = build(patient, share.categories)
    context["open_flags"] = burnout_flag_list_open(user=patient) if share.shares(FLAGS) else []
    context["cbi_latest"] = questionnaire_cbi_latest(user=patient) if share.shares(QUESTIONNAIRE) else None
    audit_record(
        actor=psychologist,
        subject_user=patient,
        action=AuditEvent.Action.PORTAL_DETAIL_VIEW,
        detail={"days": days, "categories": list(share.categories)},
    )
    return share, context


def patient_dynamics_read(
    *, psychologist: User, share: PatientShare, first_day: date, last_day: date, bucket: str = "day"
) -> list[DynamicsBucket]:
    """A patient's dynamics (assessment_dynamics) read through the API, recorded with the period.

    `share` comes from patient_share_get(read="patient_dynamics"): the caller answers 404 before anything is
    read. The readings' values (the unsure count too) are None, the mix empty, unless readings are shared; the
    mood is None unless mood is.
    """
    buckets = assessment_dynamics(user=share.patient, first_day=first_day, last_day=last_day, bucket=bucket)
    hidden: dict[str, Any] = {}
    if not share.shares(READINGS):
        hidden.update(count=None, negative=None, negative_share=None, mean_negativity=None, class_mix={}, unsure=None)
    if not share.shares(MOOD):
        hidden["mean_mood"] = None
    audit_record(
        actor=psychologist,
        subject_user=share.patient,
        action=AuditEvent.Action.API_READ,
        detail={"what": "dynamics", "from": first_day.isoformat(), "to": last_day.isoformat()},
    )
    return [dataclasses.replace(item, **hidden) for item in buckets] if hidden else buckets
