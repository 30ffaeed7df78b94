"""Writes on accounts: every change to a User goes through here, whatever the channel."""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import password_validation
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from burnout_site.rate_limits import rate_limits_forget

from .alert_channels import alert_channel_connect_url, alert_channel_connected
from .models import (
    AuditEvent,
    CareLink,
    Channel,
    ConsentDocument,
    ConsentEvent,
    ConsentKind,
    DataExport,
    PsychologistProfile,
    User,
    psychologist_code_generate,
)
from .personal_data import personal_data_sections, processing_consent_withdrawn
from .selectors import (
    care_link_active,
    consent_current_document,
    consent_is_active,
    consent_latest_event,
    psychologist_by_code,
    user_email_taken,
    user_username_taken,
)
from .task_records import task_records_forget
from .validators import validate_language, validate_timezone

logger = logging.getLogger(__name__)

# Same wording as Django's own message for the username field, so its translations apply.
USERNAME_TAKEN_MESSAGE = _("A user with that username already exists.")
EMAIL_TAKEN_MESSAGE = _("A user with that email address already exists.")
ACCOUNT_TAKEN_MESSAGE = _("A user with that username or email address already exists.")

_PROFILE_FIELDS = ("first_name", "email", "timezone", "language")


def _normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip())


@transaction.atomic
def user_create(*, username: str, email: str, password: str, role: str) -> User:
    """Create an active account with a usable password.

    The checks the web form makes are repeated here because other entry points (API,
    bot, management commands) call this directly. `email` may be empty for accounts
    created outside the web sign-up; a non-empty one must be unique ignoring case.
    Raises ValidationError keyed by field name.
    """
    user = User(username=username, email=_normalize_email(email), role=role)

    errors: dict[str, list[ValidationError]] = {}
    if user_username_taken(username=username):
        errors.setdefault("username", []).append(ValidationError(USERNAME_TAKEN_MESSAGE, code="unique"))
    if user_email_taken(email=user.email):
        errors.setdefault("email", []).append(ValidationError(EMAIL_TAKEN_MESSAGE, code="unique"))
    try:
        # Validated against the unsaved user so the similarity check sees the username and e-mail.
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)

    user.set_password(password)
    user.full_clean()
    try:
        # A savepoint, so a lost race (double-clicked submit, two sign-ups with one address)
        # becomes a form error rather than a broken transaction and a 500.
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError(ACCOUNT_TAKEN_MESSAGE, code="unique") from exc
    return user


@transaction.atomic
def user_profile_update(*, user: User, first_name: str, email: str, timezone: str, language: str) -> User:
    """Change the fields a person may edit about themselves; role and username are not among them."""
    email = _normalize_email(email)

    errors: dict[str, list[ValidationError]] = {}
    if user_email_taken(email=email, exclude_user_id=user.pk):
        errors.setdefault("email", []).append(ValidationError(EMAIL_TAKEN_MESSAGE, code="unique"))
    for field, validator, value in (
        ("timezone", validate_timezone, timezone),
        ("language", validate_language, language),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)

    user.first_name = first_name.strip()
    user.email = email
    user.timezone = timezone
    user.language = language
    try:
        user.full_clean()
    except ValidationError:
        # The caller usually passes request.user: do not leave rejected values on it
        # for the rest of the request (templates, middleware, audit logging).
        user.refresh_from_db(fields=_PROFILE_FIELDS)
        raise
    user.save(update_fields=_PROFILE_FIELDS)
    return user


@transaction.atomic
def user_password_changed(*, user: User, keep_session: str | None = None) -> None:
    """After a password change or reset: whoever knew the old password is out everywhere.

    Every API device token is revoked (knox tokens do not depend on the password, so they would answer
    on), and every browser session is ended except `keep_session`, the one that made the change, if
    any (a reset from an e-mail link keeps none). Django alone would only refuse those sessions at
    their next request, leaving their rows behind.
    """
    AuthToken.objects.filter(user=user).delete()
    _sessions_forget(user.pk, keep=keep_session)


# --- audit ---------------------------------------------------------------------------------------------


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


# --- consent -------------------------------------------------------------------------------------------


CONSENT_REQUIRED_MESSAGE = _(
    "Before we analyse photos, please read and accept the current consent to processing of your face photos "
    "and emotion data."
)
CONSENT_NOT_AVAILABLE_MESSAGE = _("This consent cannot be given right now. Please try again later.")
CONSENT_OUTDATED_MESSAGE = _("This version of the document is no longer current. Please read the new version.")
CONSENT_ALREADY_GIVEN_MESSAGE = _("You have already given this consent.")
CONSENT_NOT_GIVEN_MESSAGE = _("You have not given this consent, so there is nothing to withdraw.")


class ConsentRequired(Exception):
    """The person must accept `document` (the current version for `kind`) before this can go on.

    Every channel maps it to its own answer: the web page shows the document, the API returns
    the document's id and version, the bot sends the text with an accept button. `document` is
    None only when no version is published yet: nothing can be accepted then, so nothing runs.
    """

    def __init__(self, document: ConsentDocument | None, kind: str = ConsentKind.PROCESSING) -> None:
        self.document = document
        self.kind = kind
        self.message = str(CONSENT_REQUIRED_MESSAGE if document is not None else CONSENT_NOT_AVAILABLE_MESSAGE)
        super().__init__(self.message)


def consent_require(*, user: User, kind: str = ConsentKind.PROCESSING) -> None:
    """Raise ConsentRequired unless the person has accepted the current document for `kind`."""
    if not consent_is_active(user=user, kind=kind):
        raise ConsentRequired(consent_current_document(kind=kind), kind)


@transaction.atomic
def consent_grant(
    *, user: User, document: ConsentDocument, channel: str = Channel.WEB, care_link: CareLink | None = None
) -> ConsentEvent:
    """Record that the person accepted this document.

    Only the current version can be accepted: a page left open while admins published a new one
    must not record agreement to words the person has not seen.
    """
    current = consent_current_document(kind=document.kind)
    if current is None or current.pk != document.pk:
        raise ValidationError(CONSENT_OUTDATED_MESSAGE, code="outdated")
    if document.kind != ConsentKind.SHARING and consent_is_active(user=user, kind=document.kind):
        raise ValidationError(CONSENT_ALREADY_GIVEN_MESSAGE, code="already_granted")
    event = _consent_event_create(user=user, document=document, granted=True, channel=channel, care_link=care_link)
    audit_record(
        actor=user,
        subject_user=user,
        action=AuditEvent.Action.CONSENT_GRANTED,
        detail={"kind": document.kind, "version": document.version, "channel": channel},
    )
    return event


@transaction.atomic
def consent_withdraw(
    *, user: User, kind: str, channel: str = Channel.WEB, care_link: CareLink | None = None
) -> ConsentEvent:
    """Record a withdrawal. Withdrawing processing stops the person's pending analyses in the same transaction."""
    if kind == ConsentKind.SHARING:
        latest = (
            ConsentEvent.objects.filter(care_link=care_link, granted=True).select_related("document").first()
            if care_link is not None
            else None
        )
    else:
        latest = consent_latest_event(user=user, kind=kind)
    if latest is None or not latest.granted:
        raise ValidationError(CONSENT_NOT_GIVEN_MESSAGE, code="not_granted")
    event = _consent_event_create(
        user=user, document=latest.document, granted=False, channel=channel, care_link=care_link
    )
    audit_record(
        actor=user,
        subject_user=user,
        action=AuditEvent.Action.CONSENT_WITHDRAWN,
        detail={"kind": kind, "version": latest.document.version, "channel": channel},
    )
    if kind == ConsentKind.PROCESSING:
        processing_consent_withdrawn.send(sender=User, user=user)
    return event


def _consent_event_create(
    *, user: User, document: ConsentDocument, granted: bool, channel: str, care_link: CareLink | None
) -> ConsentEvent:
    event = ConsentEvent(user=user, document=document, granted=granted, channel=channel, care_link=care_link)
    event.full_clean()
    event.save()
    return event


# --- psychologists -------------------------------------------------------------------------------------


PSYCHOLOGISTS_ONLY_MESSAGE = _("Only psychologist accounts have licence details.")


@transaction.atomic
def psychologist_profile_save(
    *, user: User, licence_number: str, issuing_body: str, country: str
) -> PsychologistProfile:
    """Create or change the licence details. A change after verification needs a new verification."""
    if not user.is_psychologist:
        raise ValidationError(PSYCHOLOGISTS_ONLY_MESSAGE, code="not_psychologist")
    profile = PsychologistProfile.objects.select_for_update().filter(user=user).first()
    values = {
        "licence_number": licence_number.strip(),
        "issuing_body": issuing_body.strip(),
        "country": country.strip(),
    }
    if profile is None:
        profile = PsychologistProfile(user=user, **values)
        _profile_save_with_unique_code(profile)
        return profile
    changed = any(getattr(profile, field) != value for field, value in values.items())
    for field, value in values.items():
        setattr(profile, field, value)
    if changed and profile.is_verified:
        # The admin vouched for the licence they checked, not for whatever is typed in later.
        profile.verified_at = None
        profile.verified_by = None
    profile.full_clean()
    profile.save()
    return profile


def _profile_save_with_unique_code(profile: PsychologistProfile) -> None:
    for _attempt in range(5):
        profile.full_clean(exclude=["code"])
        try:
            with transaction.atomic():
                profile.save()
            return
        except IntegrityError:
            # A collision in 31^8 codes is unlikely, not impossible: draw again.
            profile.code = psychologist_code_generate()
    raise RuntimeError("could not draw a unique psychologist code")


def alert_channel_not_connected_message(*, channel: str) -> str:
    """The refusal of a channel still to be connected, with the address of the page that connects it."""
    label = PsychologistProfile.AlertChannel(channel).label
    return _("Connect %(channel)s to your account first: %(url)s") % {
        "channel": label,
        "url": alert_channel_connect_url(channel=channel) or settings.SITE_URL,
    }


@transaction.atomic
def psychologist_alert_channel_set(*, profile: PsychologistProfile, channel: str) -> PsychologistProfile:
    """Choose where burnout alerts go; a channel that is not connected yet is refused (code `not_connected`)."""
    # Django's own "not a valid choice" for a channel that does not exist, before asking whether it is connected.
    channel = PsychologistProfile._meta.get_field("alert_channel").clean(channel, profile)
    # Refused rather than saved with a note: a choice that silently means e-mail would surprise later.
    # (Unlinking afterwards does fall back to e-mail: an alert is never lost for want of a channel.)
    if channel != profile.alert_channel and not alert_channel_connected(user=profile.user, channel=channel):
        raise ValidationError(alert_channel_not_connected_message(channel=channel), code="not_connected")
    profile.alert_channel = channel
    profile.save(update_fields=["alert_channel"])
    return profile


@transaction.atomic
def psychologist_verify(*, profile: PsychologistProfile, by: User) -> PsychologistProfile:
    if profile.is_verified:
        return profile
    profile.verified_at = timezone.now()
    profile.verified_by = by
    profile.full_clean()
    profile.save(update_fields=["verified_at", "verified_by"])
    audit_record(actor=by, subject_user=profile.user, action=AuditEvent.Action.PSYCHOLOGIST_VERIFIED)
    return profile


# --- care links ----------------------------------------------------------------------------------------


CODE_UNKNOWN_MESSAGE = _("No verified psychologist has this code. Please check it and try again.")
PATIENTS_ONLY_MESSAGE = _("Only patient accounts can share their data with a psychologist.")
ALREADY_SHARING_MESSAGE = _("You already share your data with this psychologist.")
LINK_NOT_ACTIVE_MESSAGE = _("This sharing has already ended.")


@transaction.atomic
def care_link_create(*, patient: User, code: str, channel: str = Channel.WEB) -> CareLink:
    """Start sharing with the psychologist who has this code, recording the sharing consent that names them."""
    if not patient.is_patient:
        raise ValidationError(PATIENTS_ONLY_MESSAGE, code="not_patient")
    profile = psychologist_by_code(code=code)
    if profile is None:
        raise ValidationError(CODE_UNKNOWN_MESSAGE, code="unknown_code")
    document = consent_current_document(kind=ConsentKind.SHARING)
    if document is None:
        raise ConsentRequired(None, ConsentKind.SHARING)
    if care_link_active(patient=patient, psychologist=profile.user) is not None:
        raise ValidationError(ALREADY_SHARING_MESSAGE, code="already_linked")
    link = CareLink(patient=patient, psychologist=profile.user, status=CareLink.Status.ACTIVE)
    link.full_clean()
    try:
        # The partial unique constraint settles a double-submitted confirmation that raced past the check.
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise ValidationError(ALREADY_SHARING_MESSAGE, code="already_linked") from exc
    consent_grant(user=patient, document=document, channel=channel, care_link=link)
    audit_record(actor=patient, subject_user=patient, action=AuditEvent.Action.CARE_LINK_CREATED)
    return link


def _care_link_close(*, link_id: int, status: str, ended_by: str) -> CareLink:
    link = CareLink.objects.select_for_update().select_related("patient", "psychologist").get(pk=link_id)
    if not link.is_active:
        raise ValidationError(LINK_NOT_ACTIVE_MESSAGE, code="not_active")
    link.status = status
    link.revoked_at = timezone.now()
    link.ended_by = ended_by
    link.full_clean()
    link.save(update_fields=["status", "revoked_at", "ended_by"])
    return link


@transaction.atomic
def care_link_revoke(*, link: CareLink, patient: User, channel: str = Channel.WEB) -> CareLink:
    """The patient stops sharing: access ends with this commit (every portal read filters on the status)."""
    if link.patient_id != patient.pk:
        raise CareLink.DoesNotExist
    link = _care_link_close(link_id=link.pk, status=CareLink.Status.REVOKED, ended_by=CareLink.EndedBy.PATIENT)
    consent_withdraw(user=patient, kind=ConsentKind.SHARING, channel=channel, care_link=link)
    audit_record(actor=patient, subject_user=patient, action=AuditEvent.Action.CARE_LINK_REVOKED)
    return link


@transaction.atomic
def care_link_end(*, link: CareLink, psychologist: User) -> CareLink:
    """The psychologist ends the care relationship; the patient's consent history is theirs and stays as it is."""
    if link.psychologist_id != psychologist.pk:
        raise CareLink.DoesNotExist
    link = _care_link_close(link_id=link.pk, status=CareLink.Status.ENDED, ended_by=CareLink.EndedBy.PSYCHOLOGIST)
    audit_record(actor=psychologist, subject_user=link.patient, action=AuditEvent.Action.CARE_LINK_ENDED)
    return link


@transaction.atomic
def care_link_set_alias(*, link: CareLink, psychologist: User, alias: str) -> CareLink:
    if link.psychologist_id != psychologist.pk or not link.is_active:
        raise CareLink.DoesNotExist
    link.alias = alias.strip()
    link.full_clean()
    link.save(update_fields=["alias"])
    return link


# --- two-factor authentication --------------------------------------------------------------------------


OTP_WRONG_CODE_MESSAGE = _(
    "This code is not correct. Type the 6-digit code your authenticator app shows now; "
    "after several wrong codes, wait a little before the next try."
)


def otp_device_for_setup(*, user: User) -> Any:
    """The person's unconfirmed authenticator device, created on first use (its secret is shown once set up)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


@transaction.atomic
def otp_device_confirm(*, user: User, device: Any, token: str) -> None:
    """Confirm a new authenticator with a code it generated; raises ValidationError for a wrong code."""
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        raise ValidationError(OTP_WRONG_CODE_MESSAGE, code="wrong_code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, subject_user=user, action=AuditEvent.Action.OTP_DEVICE_CONFIRMED)


# --- queued tasks ------------------------------------------------------------------------------------------


def task_queue_forget(*, func: str, ids: Iterable[int]) -> int:
    """Remove queued and recorded django-q2 tasks of `func` whose first argument is one of `ids`.

    Only the ORM broker keeps its queue in the database; with Redis a queued task stays queued,
    and the task itself returns quietly when its row is gone. Task rows (results) are kept by
    django-q2 up to its save limit, so scanning those of one function stays cheap.
    """
    from django_q.models import OrmQ, Task
    from django_q.signing import SignedPackage

    wanted = set(ids)
    if not wanted:
        return 0
    removed = 0
    for entry in OrmQ.objects.all():
        try:
            package = SignedPackage.loads(entry.payload)
        except Exception:
            continue
        args = package.get("args") or ()
        if package.get("func") == func and args and args[0] in wanted:
            entry.delete()
            removed += 1
    for task in Task.objects.filter(func=func).only("id", "args"):
        args = task.args or ()
        if args and args[0] in wanted:
            task.delete()
            removed += 1
    return removed


# --- export --------------------------------------------------------------------------------------------


EXPORT_TASK = "accounts.tasks.build_data_export"
EXPORT_TOKEN_SALT = "accounts.data_export"
EXPORT_PENDING_MESSAGE = _("Your data is already being prepared. The download link will appear on this page.")


class ExportLinkExpired(Exception):
    """The link was genuine but its time is over."""


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Queue the building of a zip of everything we hold about the person."""
    if DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).exists():
        raise ValidationError(EXPORT_PENDING_MESSAGE, code="pending")
    export = DataExport(user=user)
    export.full_clean()
    export.save()
    audit_record(actor=user, subject_user=user, action=AuditEvent.Action.EXPORT_REQUESTED)
    transaction.on_commit(partial(_enqueue_export, export_id=export.pk))
    return export


def _enqueue_export(*, export_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task(EXPORT_TASK, export_id, group="accounts.export")
    except Exception:
        logger.exception("could not enqueue data export %s", export_id)
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
            status=DataExport.Status.FAILED
        )


def data_export_build(*, export_id: int, now: datetime | None = None) -> DataExport | None:
    """Write the archive for a pending export; idempotent (a finished export is left alone)."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return export
    try:
        content = _export_archive(export.user)
    except Exception:
        logger.exception("building data export %s failed", export_id)
        export.status = DataExport.Status.FAILED
        export.save(update_fields=["status"])
        return export
    now = now or timezone.now()
    export.file.save("export.zip", ContentFile(content), save=False)
    export.status = DataExport.Status.READY
    export.ready_at = now
    export.expires_at = now + timedelta(hours=settings.EXPORT_LINK_HOURS)
    export.full_clean()
    export.save()
    return export


def _export_sections(user: User) -> dict[str, list[dict[str, Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {
        "account": [
            {
                "id": user.pk,
                "username": user.username,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "role": user.role,
                "language": user.language,
                "timezone": user.timezone,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ],
        "consent_events": [
            {
                "at": event.at,
                "purpose": event.document.kind,
                "document_version": event.document.version,
                "granted": event.granted,
                "channel": event.channel,
                "psychologist": event.care_link.psychologist.display_name if event.care_link else "",
            }
            for event in ConsentEvent.objects.filter(user=user).select_related("document", "care_link__psychologist")
        ],
        "care_links": [
            {
                "role": "patient" if link.patient_id == user.pk else "psychologist",
                "other_person": (link.psychologist if link.patient_id == user.pk else link.patient).display_name,
                "status": link.status,
                "granted_at": link.granted_at,
                "ended_at": link.revoked_at,
                "ended_by": link.ended_by,
            }
            for link in CareLink.objects.filter(Q(patient=user) | Q(psychologist=user)).select_related(
                "patient", "psychologist"
            )
        ],
        "audit_events": [
            {
                "at": event.at,
                "action": event.action,
                "by": event.actor.display_name if event.actor else "",
                "about": event.subject_user.display_name if event.subject_user else "",
                "detail": event.detail,
            }
            for event in AuditEvent.objects.filter(Q(subject_user=user) | Q(actor=user)).select_related(
                "actor", "subject_user"
            )
        ],
    }
    profile = PsychologistProfile.objects.filter(user=user).first()
    if profile is not None:
        sections["psychologist_profile"] = [
            {
                "licence_number": profile.licence_number,
                "issuing_body": profile.issuing_body,
                "country": profile.country,
                "code": profile.code,
                "verified_at": profile.verified_at,
                "alert_channel": profile.alert_channel,
            }
        ]
    for section in personal_data_sections():
        sections[section.name] = section.rows(user)
    return sections


def _json_default(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _csv_text(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: json.dumps(value, default=_json_default, ensure_ascii=False)
                if isinstance(value, dict | list)
                else (_json_default(value) if isinstance(value, datetime) else value)
                for key, value in row.items()
            }
        )
    return out.getvalue()


def _export_archive(user: User) -> bytes:
    sections = _export_sections(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(sections, default=_json_default, ensure_ascii=False, indent=2, sort_keys=True)
        )
        for name, rows in sections.items():
            archive.writestr(f"csv/{name}.csv", _csv_text(rows))
        for section in personal_data_sections():
            for arcname, stored in section.files(user) if section.files else ():
                try:
                    with stored.open("rb") as handle:
                        archive.writestr(f"{section.name}/{arcname}", handle.read())
                except FileNotFoundError:
                    logger.warning("export of user %s: file %s is missing", user.pk, stored.name)
    return buffer.getvalue()


def data_export_token(*, export: DataExport) -> str:
    """The signed part of the download link: ids alone would be guessable.

    Signed without a timestamp so the same export always has the same link: the expiry lives on the row.
    """
    return signing.Signer(salt=EXPORT_TOKEN_SALT).sign_object({"e": export.pk, "u": export.user_id})


def data_export_open(*, user: User, token: str, now: datetime | None = None) -> DataExport:
    """The ready export this link names, if it is the person's own and still valid.

    Raises DataExport.DoesNotExist for a forged link, someone else's, or one not ready (all a 404:
    a link must not tell a stranger that an export exists), ExportLinkExpired when the time is over.
    """
    try:
        payload = signing.Signer(salt=EXPORT_TOKEN_SALT).unsign_object(token)
    except signing.BadSignature as exc:
        raise DataExport.DoesNotExist from exc
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        raise DataExport.DoesNotExist
    export = DataExport.objects.get(pk=payload.get("e"), user=user, status=DataExport.Status.READY)
    if export.is_expired(now) or not export.file:
        raise ExportLinkExpired
    audit_record(actor=user, subject_user=user, action=AuditEvent.Action.EXPORT_DOWNLOADED)
    return export


def data_export_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the archives whose link has expired (and failed attempts older than a day)."""
    now = now or timezone.now()
    expired = DataExport.objects.filter(
        Q(expires_at__lte=now) | Q(status=DataExport.Status.FAILED, created_at__lte=now - timedelta(days=1))
    )
    count = 0
    for export in expired:
        _export_delete(export)
        count += 1
    return count


def _export_delete(export: DataExport) -> None:
    if export.file:
        transaction.on_commit(partial(_storage_delete, export.file.storage, export.file.name))
    export.delete()


def _storage_delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("could not delete file %s", name, exc_info=True)


# --- erasure -------------------------------------------------------------------------------------------


WRONG_PASSWORD_MESSAGE = _("The password is not correct. Your account was not deleted.")


@transaction.atomic
def account_erase(*, user: User, password: str, channel: str = Channel.WEB) -> None:
    """Delete the account and everything about the person, after checking their password (web page, API)."""
    if not user.check_password(password):
        raise ValidationError(WRONG_PASSWORD_MESSAGE, code="wrong_password")
    account_erase_confirmed(user=user, channel=channel)


@transaction.atomic
def account_erase_confirmed(*, user: User, channel: str) -> None:
    """Delete the account and everything about the person, who the caller has already confirmed it is.

    Each channel confirms in its own way: the password on the web page and in the API, a signed,
    short-lived confirmation button bound to the linked Telegram account in the bot.

    Rows of other apps go through their registered sections (accounts cannot import them); care
    links, consent events, devices and exports go with the user row; audit lines about the person
    stay for the other party (a psychologist's own record of access) but lose the link to them
    and their detail. Sessions, admin log lines and django-axes login records naming the account are removed too,
    and so are the task records whose arguments name the person's rows and the rate-limit counters by their id.
    The one line that records the erasure names the channel it came from, never the person.
    """
    user_id = user.pk
    for section in personal_data_sections():
        section.erase(user)

    exports = list(DataExport.objects.filter(user=user))
    task_queue_forget(func=EXPORT_TASK, ids=[export.pk for export in exports])
    for export in exports:
        _export_delete(export)

    AuditEvent.objects.filter(subject_user=user).update(subject_user=None, detail={})
    AuditEvent.objects.filter(actor=user).update(actor=None, detail={})
    _admin_log_forget(user)
    _sessions_forget(user_id)
    _login_records_forget(user.username)
    user.delete()
    # The queued and recorded tasks whose arguments name the person's rows, now that the rows are gone; once
    # more after the commit, for a task a worker finished meanwhile. The cache is not transactional: after.
    task_records_forget()
    transaction.on_commit(task_records_forget)
    transaction.on_commit(partial(rate_limits_forget, user_id=user_id))
    audit_record(actor=None, subject_user=None, action=AuditEvent.Action.ACCOUNT_ERASED, detail={"channel": channel})


def _admin_log_forget(user: User) -> None:
    # Admin history lines about this account (and its profile) carry its name in object_repr.
    targets = [(User, user.pk)]
    profile = PsychologistProfile.objects.filter(user=user).first()
    if profile is not None:
        targets.append((PsychologistProfile, profile.pk))
    for model, pk in targets:
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk)).delete()


def _login_records_forget(username: str) -> None:
    """django-axes keeps log-ins and failed attempts by username (and IP address): they go with the account."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()


def _sessions_forget(user_id: int, *, keep: str | None = None) -> None:
    """Log the person out everywhere (but in session `keep`): their session rows hold their id (encoded,
    so it is decoded to find them)."""
    stale = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep).iterator():
        try:
            data = session.get_decoded()
        except Exception:
            continue
        if str(data.get("_auth_user_id")) == str(user_id):
            stale.append(session.session_key)
    Session.objects.filter(session_key__in=stale).delete()
