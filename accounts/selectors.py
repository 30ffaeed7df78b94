"""Read-only queries about accounts."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from burnout_site.errors import Refusal

from .models import (
    AuditEvent,
    CareLink,
    ConsentDocument,
    ConsentEvent,
    ConsentKind,
    DataExport,
    PsychologistProfile,
    TokenDevice,
    User,
)


def user_username_taken(*, username: str, exclude_user_id: int | None = None) -> bool:
    """Whether another account already uses this username, ignoring letter case.

    Case is ignored because "Anna" and "anna" look like the same person to a psychologist
    choosing whom to accept, even though Django's login itself is case-sensitive.
    """
    qs = User.objects.filter(username__iexact=username)
    if exclude_user_id is not None:
        qs = qs.exclude(pk=exclude_user_id)
    return qs.exists()


def user_email_taken(*, email: str, exclude_user_id: int | None = None) -> bool:
    """Whether another account already uses this e-mail address, ignoring letter case."""
    if not email:
        return False
    qs = User.objects.filter(email__iexact=email)
    if exclude_user_id is not None:
        qs = qs.exclude(pk=exclude_user_id)
    return qs.exists()


# --- consent ---------------------------------------------------------------------------------------------


def consent_current_document(*, kind: str) -> ConsentDocument | None:
    """The version of a purpose's text people must accept now: the newest published one already in effect."""
    return (
        ConsentDocument.objects.filter(kind=kind, published=True, effective_at__lte=timezone.now())
        .order_by("-effective_at", "-version")
        .first()
    )


def consent_latest_event(*, user: User, kind: str) -> ConsentEvent | None:
    return (
        ConsentEvent.objects.filter(user=user, document__kind=kind)
        .select_related("document")
        .order_by("-at", "-id")
        .first()
    )


@dataclass(frozen=True)
class ConsentStatus:
    """The one consent state: a person's latest decision on a purpose, against the version current now.

    Every question about a person's consent (the privacy page, the API, the services' checks) is read
    from here. `current` is read only when asked, so "is it active" costs no query after a withdrawal.
    """

    kind: str
    latest: ConsentEvent | None

    @property
    def label(self) -> str:
        return str(ConsentKind(self.kind).label)

    @cached_property
    def current(self) -> ConsentDocument | None:
        return consent_current_document(kind=self.kind)

    @property
    def granted(self) -> bool:
        """Their latest decision is a grant, of whichever version."""
        return self.latest is not None and self.latest.granted

    @property
    def withdrawn(self) -> bool:
        """Their latest decision is a withdrawal (never deciding is not one)."""
        return self.latest is not None and not self.latest.granted

    @property
    def active(self) -> bool:
        """Their latest decision is a grant of the current document."""
        latest, current = self.latest, (self.current if self.granted else None)
        return latest is not None and current is not None and latest.document_id == current.pk

    @property
    def outdated(self) -> bool:
        """Granted, but for a version older than the current one: the person is asked again."""
        return self.granted and not self.active


def consent_state(*, user: User, kind: str) -> ConsentStatus:
    """The person's consent state for one purpose (no decision for an unsaved user)."""
    latest = consent_latest_event(user=user, kind=kind) if getattr(user, "pk", None) else None
    return ConsentStatus(kind=kind, latest=latest)


def consent_is_active(*, user: User, kind: str, any_version: bool = False) -> bool:
    """Whether the person's latest decision for this purpose is a grant of the current document.

    `any_version=True` asks only whether they have not withdrawn: what the worker checks for an
    upload accepted under an older version. For sharing, consent is per psychologist and the
    care link's status is what grants access; this answers only "did they last grant or withdraw".
    """
    state = consent_state(user=user, kind=kind)
    return state.granted if any_version else state.active


# The purposes a person grants or withdraws on the privacy page; sharing is given per psychologist.
PRIVACY_PAGE_KINDS = (ConsentKind.PROCESSING, ConsentKind.RESEARCH)


def consent_state_list(*, user: User) -> list[ConsentStatus]:
    return [consent_state(user=user, kind=kind) for kind in PRIVACY_PAGE_KINDS]


def consent_event_list(*, user: User) -> QuerySet[ConsentEvent]:
    return (
        ConsentEvent.objects.filter(user=user)
        .select_related("document", "care_link__psychologist")
        .order_by("-at", "-id")
    )


# --- psychologists and care links ---------------------------------------------------------------------------


def psychologist_profile_get(*, user: User) -> PsychologistProfile | None:
    return PsychologistProfile.objects.filter(user=user).first()


def otp_device_confirmed(*, user: Any) -> bool:
    """Whether the person has a confirmed authenticator (set up and proved with a code once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_recovery_codes_left(*, user: Any) -> int:
    """How many unused two-factor recovery codes the person has (0 without any)."""
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def token_device_list(*, user: User) -> QuerySet[TokenDevice]:
    """The person's signed-in API devices, most recently used first; expired tokens are left out (knox deletes
    them at their next use or sign-in, whichever comes first)."""
    now = timezone.now()
    return (
        TokenDevice.objects.filter(token__user=user)
        .filter(Q(token__expiry__isnull=True) | Q(token__expiry__gt=now))
        .select_related("token")
        .order_by("-last_used_at", "-id")
    )


@dataclass(frozen=True)
class PatientDataAccess:
    """The answer to "may this psychologist see patients' data now?": `refusal` names the first step they miss
    (None: they may), `profile` is their licence details when they have entered any."""

    profile: PsychologistProfile | None
    refusal: Refusal | None


def psychologist_patient_data_access(*, user: Any, otp_verified: bool) -> PatientDataAccess:
    """The one rule before any patient's data, for pages and the API alike: a psychologist account, verified
    licence details, a confirmed authenticator and a second factor proved for this sign-in (`otp_verified`:
    how it was proved depends on the entry, a session or a device token).

    Each missing step has its own code, so that each entry can send the person to it. Which patients they
    then see is decided by their visible care links (`care_link_list_visible`), not here.
    """
    if not getattr(user, "is_psychologist", False):
        return PatientDataAccess(
            profile=None, refusal=Refusal("psychologists_only", _("Only psychologists can see the data of patients."))
        )
    profile = psychologist_profile_get(user=user)
    if profile is None or not profile.is_verified:
        message = _("Your licence details have not been verified yet. You will see patients' data once they are.")
        return PatientDataAccess(profile=profile, refusal=Refusal("psychologist_not_verified", message))
    return PatientDataAccess(profile=profile, refusal=otp_step_missing(user=user, otp_verified=otp_verified))


def otp_step_missing(*, user: Any, otp_verified: bool) -> Refusal | None:
    """The two-factor step this sign-in still misses (a confirmed authenticator, then a code), or None.

    The last part of `psychologist_patient_data_access`, and all of what the admin asks of staff.
    """
    if not otp_device_confirmed(user=user):
        message = _("Set up two-factor authentication on the website first, then sign in again with a code.")
        return Refusal("otp_setup_required", message)
    if not otp_verified:
        return Refusal("otp_required", _("Sign in again with your two-factor code to see patients' data."))
    return None


def psychologist_profile_get_by_code(*, code: str) -> PsychologistProfile | None:
    """A verified psychologist with this sharing code; codes are matched whatever the case and spaces."""
    normalized = "".join(code.split()).upper()
    if not normalized:
        return None
    return (
        PsychologistProfile.objects.filter(
            code=normalized, verified_at__isnull=False, user__is_active=True, user__role=User.Role.PSYCHOLOGIST
        )
        .select_related("user")
        .first()
    )


def consent_is_withdrawn(*, user: User, kind: str) -> bool:
    """Whether the person's latest decision for this purpose is a withdrawal (never deciding is not one)."""
    return consent_state(user=user, kind=kind).withdrawn


def _processing_not_withdrawn(queryset: QuerySet, *, user_field: str) -> QuerySet:
    """`consent_is_withdrawn(kind=processing)` as SQL, negated: rows whose person (at `user_field`) has not
    withdrawn the processing consent. The same latest event, ordered the same way."""
    latest = (
        ConsentEvent.objects.filter(user=OuterRef(user_field), document__kind=ConsentKind.PROCESSING)
        .order_by("-at", "-id")
        .values("granted")[:1]
    )
    return queryset.alias(processing_latest=Subquery(latest)).filter(
        Q(processing_latest__isnull=True) | Q(processing_latest=True)
    )


def care_link_list_visible(*, category: str | None = None) -> QuerySet[CareLink]:
    """The one rule for "may this psychologist see this patient now": the link is active and the patient
    has not withdrawn the processing consent. A withdrawal pauses every link (the psychologist sees nothing,
    is told nothing) without ending it: sharing is a consent of its own, which the person ends by revoking
    the link; giving the processing consent again resumes it. Portal, API and alerts all start here.

    What each link shows is its categories (`CareLink.categories`); `category` keeps the links sharing that one
    (alerts: `flags`)."""
    links = CareLink.objects.filter(status=CareLink.Status.ACTIVE)
    if category is not None:
        links = links.filter(**{CareLink.category_field(category): True})
    return _processing_not_withdrawn(links, user_field="patient_id")


def care_link_list_of_patient(*, patient: User) -> QuerySet[CareLink]:
    return (
        CareLink.objects.filter(patient=patient)
        .select_related("psychologist__psychologist_profile")
        .order_by("-granted_at", "-id")
    )


def care_link_get_active(*, patient: User, psychologist: User) -> CareLink | None:
    return CareLink.objects.filter(patient=patient, psychologist=psychologist, status=CareLink.Status.ACTIVE).first()


def care_link_list_visible_to(*, psychologist: User) -> QuerySet[CareLink]:
    """The only door to patient data in the portal: this psychologist's links they may see now."""
    return care_link_list_visible().filter(psychologist=psychologist)


def care_link_visible_get(*, psychologist: User, patient_id: int) -> CareLink | None:
    """The link through which this psychologist sees this patient now, and so what they see (`link.categories`);
    None: nothing (a 404 to every caller). The clinician reads in emotions.selectors.clinician start here."""
    # Through the user's primary key: Django answers an id beyond the database's integers as "no such row" there,
    # where a filter on the foreign key would send it to the database and fail (a 500 for /patients/<huge>/).
    return (
        care_link_list_visible_to(psychologist=psychologist)
        .filter(patient__in=User.objects.filter(pk=patient_id))
        .select_related("patient")
        .first()
    )


def care_link_patient_list(*, psychologist: User) -> QuerySet[User]:
    """Patients this psychologist may see now. Views look ids up here, so any other id is a 404."""
    return User.objects.filter(
        pk__in=care_link_list_visible_to(psychologist=psychologist).values("patient_id")
    ).distinct()


# --- audit and export ----------------------------------------------------------------------------------------


def audit_event_list_clinician_reads(*, user: User, limit: int = 100) -> list[AuditEvent]:
    """Who looked at this person's data, newest first: the records themselves, one per view."""
    return list(
        AuditEvent.objects.filter(subject_user=user, action__in=AuditEvent.CLINICIAN_READS)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


@dataclass
class AuditReadEntry:
    """Views of the same thing by the same person within AUDIT_REPEAT_WINDOW_MINUTES of the first: one line to
    read, with how many there were and the first and last time. Only a reading of the records, which stay."""

    actor: User | None
    action: str
    what: str  # the API's part read ("patient_list", "dynamics"), empty for the portal's pages
    first_at: datetime
    last_at: datetime
    count: int = 1

    @property
    def label(self) -> str:
        return str(AuditEvent.Action(self.action).label)


@dataclass(frozen=True)
class AuditReadDay:
    """One psychologist's views of one day (the person's time zone), newest entry first."""

    actor: User | None
    day: date
    entries: list[AuditReadEntry]


def audit_read_entries(*, user: User, window: timedelta | None = None, limit: int = 2000) -> list[AuditReadEntry]:
    """The clinician reads of this person's data (the latest `limit` records), repeated views merged; newest first.

    A view joins the open entry of the same viewer, action and part read while it falls within `window`
    (AUDIT_REPEAT_WINDOW_MINUTES) of that entry's first view; otherwise it opens a new entry.
    """
    window = window if window is not None else timedelta(minutes=settings.AUDIT_REPEAT_WINDOW_MINUTES)
    records = audit_event_list_clinician_reads(user=user, limit=limit)
    entries: list[AuditReadEntry] = []
    open_entries: dict[tuple[int | None, str, str], AuditReadEntry] = {}
    for event in reversed(records):  # oldest first
        what = str(event.detail.get("what", "")) if isinstance(event.detail, dict) else ""
        key = (event.actor_id, event.action, what)
        entry = open_entries.get(key)
        if entry is not None and event.at - entry.first_at <= window:
            entry.count += 1
            entry.last_at = event.at
            continue
        entry = AuditReadEntry(actor=event.actor, action=event.action, what=what, first_at=event.at, last_at=event.at)
        open_entries[key] = entry
        entries.append(entry)
    return sorted(entries, key=lambda entry: entry.last_at, reverse=True)


def audit_read_days(*, user: User, window: timedelta | None = None) -> list[AuditReadDay]:
    """The merged entries grouped by psychologist and day (of their first view), the latest group first."""
    tz = user_zone(user)
    groups: dict[tuple[int | None, date], AuditReadDay] = {}
    for entry in audit_read_entries(user=user, window=window):
        day = timezone.localtime(entry.first_at, tz).date()
        key = (entry.actor.pk if entry.actor else None, day)
        if key not in groups:
            groups[key] = AuditReadDay(actor=entry.actor, day=day, entries=[])
        groups[key].entries.append(entry)
    return sorted(groups.values(), key=lambda group: (group.day, group.entries[0].last_at), reverse=True)


def user_zone(user: User) -> tzinfo:
    # The zone names a person can choose are validated on the way in; an old or odd value falls back to UTC.
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def data_export_list(*, user: User, limit: int = 5) -> list[DataExport]:
    return list(DataExport.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def data_export_get(*, user: User, export_id: int) -> DataExport | None:
    """One of the person's own exports; anyone else's id is simply not found."""
    return DataExport.objects.filter(user=user, pk=export_id).first()
