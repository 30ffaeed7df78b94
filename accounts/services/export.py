"""The "Download my data" archive of everything held about a person, its signed link and its expiry."""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal
from burnout_site.queue import task_enqueue
from burnout_site.storage import storage_delete as _storage_delete

from ..models import AuditEvent, CareLink, ConsentEvent, DataExport, PsychologistProfile, TokenDevice, User
from ..personal_data import personal_data_sections
from .audit import audit_record

logger = logging.getLogger(__name__)


EXPORT_TASK = "accounts.tasks.build_data_export"
EXPORT_TOKEN_SALT = "accounts.data_export"
EXPORT_PENDING_MESSAGE = _("Your data is already being prepared. The download link will appear on this page.")


EXPORT_LINK_INVALID_MESSAGE = _("This download link is not valid.")
EXPORT_LINK_EXPIRED_MESSAGE = _("This download link has expired. Request a new copy of your data on your privacy page.")


class ExportLinkExpired(Refusal):
    """The link was genuine but its time is over."""

    def __init__(self) -> None:
        super().__init__("expired", str(EXPORT_LINK_EXPIRED_MESSAGE))


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Queue the building of a zip of everything we hold about the person."""
    if DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).exists():
        raise Refusal("pending", str(EXPORT_PENDING_MESSAGE))
    export = DataExport(user=user)
    export.full_clean()
    export.save()
    audit_record(actor=user, subject_user=user, action=AuditEvent.Action.EXPORT_REQUESTED)
    transaction.on_commit(partial(_enqueue_export, export_id=export.pk))
    return export


def _enqueue_export(*, export_id: int) -> None:
    # With the broker down the export fails at once: the page offers a new request instead of waiting forever.
    if not task_enqueue(EXPORT_TASK, export_id, what=f"data export {export_id}", group="accounts.export"):
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
                "categories": " ".join(event.categories),
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
                "categories": " ".join(link.categories),
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
    # The devices page's entries: what the person named their apps and when they used them (the tokens stay out).
    sections["devices"] = [
        {
            "device_name": device.name,
            "signed_in": device.token.created,
            "last_used": device.last_used_at,
            "expiry": device.token.expiry,
        }
        for device in TokenDevice.objects.filter(token__user=user).select_related("token").order_by("id")
    ]
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
        sections[section.name] = section.rows(user=user)
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
            for arcname, stored in section.files(user=user) if section.files else ():
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

    Refuses with `not_found` a forged link, someone else's, or one not ready (all a 404: a link must not
    tell a stranger that an export exists), and with ExportLinkExpired (`expired`) when the time is over.
    """
    not_found = Refusal("not_found", str(EXPORT_LINK_INVALID_MESSAGE))
    try:
        payload = signing.Signer(salt=EXPORT_TOKEN_SALT).unsign_object(token)
    except signing.BadSignature as exc:
        raise not_found from exc
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        raise not_found
    export = DataExport.objects.filter(pk=payload.get("e"), user=user, status=DataExport.Status.READY).first()
    if export is None:
        raise not_found
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
