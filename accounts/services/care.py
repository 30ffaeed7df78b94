"""Care links: a patient shares their data with one psychologist until either ends it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal

from ..models import AuditEvent, CareLink, Channel, ConsentDocument, ConsentKind, SharingCategory, User
from ..selectors import care_link_get_active, consent_current_document, psychologist_profile_get_by_code
from .audit import audit_record
from .consent import ConsentRequired, consent_grant, consent_withdraw

CODE_UNKNOWN_MESSAGE = _("No verified psychologist has this code. Please check it and try again.")
PATIENTS_ONLY_MESSAGE = _("Only patient accounts can share their data with a psychologist.")
ALREADY_SHARING_MESSAGE = _("You already share your data with this psychologist.")
LINK_NOT_ACTIVE_MESSAGE = _("This sharing has already ended.")
# Someone else's link, or one no longer open to this change: it does not exist for this person.
CARE_LINK_NOT_FOUND_MESSAGE = _("No such sharing link.")
CATEGORIES_EMPTY_MESSAGE = _("Choose at least one kind of data to share.")
CATEGORY_UNKNOWN_MESSAGE = _("Unknown kind of data: %(unknown)s. Choose from: %(choices)s.")


def sharing_categories_clean(categories: Iterable[object]) -> tuple[str, ...]:
    """The chosen categories in SharingCategory's order; a refusal (400, under `categories`) for none or unknown."""
    chosen = [str(category) for category in categories]
    unknown = sorted({category for category in chosen if category not in SharingCategory.values})
    if unknown:
        message = CATEGORY_UNKNOWN_MESSAGE % {
            "unknown": ", ".join(unknown)[:200],
            "choices": ", ".join(SharingCategory.values),
        }
        raise Refusal("invalid", str(message), field="categories")
    if not chosen:
        raise Refusal("invalid", str(CATEGORIES_EMPTY_MESSAGE), field="categories")
    return tuple(category for category in SharingCategory.values if category in chosen)


def _sharing_document() -> ConsentDocument:
    document = consent_current_document(kind=ConsentKind.SHARING)
    if document is None:
        raise ConsentRequired(None, ConsentKind.SHARING)
    return document


@transaction.atomic
def care_link_create(*, patient: User, code: str, categories: Iterable[str], channel: str = Channel.WEB) -> CareLink:
    """Start sharing these categories with the psychologist who has this code, recording the sharing consent
    that names them and the categories."""
    if not patient.is_patient:
        raise Refusal("not_patient", str(PATIENTS_ONLY_MESSAGE))
    chosen = sharing_categories_clean(categories)
    profile = psychologist_profile_get_by_code(code=code)
    if profile is None:
        raise Refusal("unknown_code", str(CODE_UNKNOWN_MESSAGE), field="code")
    document = _sharing_document()
    if care_link_get_active(patient=patient, psychologist=profile.user) is not None:
        raise Refusal("already_linked", str(ALREADY_SHARING_MESSAGE))
    link = CareLink(patient=patient, psychologist=profile.user, status=CareLink.Status.ACTIVE)
    link.categories_set(chosen)
    link.full_clean()
    try:
        # The partial unique constraint settles a double-submitted confirmation that raced past the check.
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise Refusal("already_linked", str(ALREADY_SHARING_MESSAGE)) from exc
    consent_grant(user=patient, document=document, channel=channel, care_link=link, categories=chosen)
    audit_record(actor=patient, subject_user=patient, action=AuditEvent.Action.CARE_LINK_CREATED)
    return link


@transaction.atomic
def care_link_categories_set(
    *, link: CareLink, patient: User, categories: Iterable[str], channel: str = Channel.WEB
) -> CareLink:
    """Change what an active link shares, with a new sharing consent event naming the new categories.

    Confirming the same categories is a review: it records the consent under the current document (the one
    naming them) and ends the invitation to review.
    """
    if link.patient_id != patient.pk:
        raise Refusal("not_found", str(CARE_LINK_NOT_FOUND_MESSAGE))
    chosen = sharing_categories_clean(categories)
    document = _sharing_document()
    link = CareLink.objects.select_for_update().get(pk=link.pk)
    if not link.is_active:
        raise Refusal("not_active", str(LINK_NOT_ACTIVE_MESSAGE))
    link.categories_set(chosen)
    link.categories_review_pending = False
    link.full_clean()
    link.save(
        update_fields=[*(CareLink.category_field(c) for c in SharingCategory.values), "categories_review_pending"]
    )
    consent_grant(user=patient, document=document, channel=channel, care_link=link, categories=chosen)
    audit_record(
        actor=patient,
        subject_user=patient,
        action=AuditEvent.Action.CARE_LINK_CHANGED,
        detail={"categories": list(chosen)},
    )
    return link


def _care_link_close(*, link_id: int, status: str, ended_by: str) -> CareLink:
    link = CareLink.objects.select_for_update().select_related("patient", "psychologist").get(pk=link_id)
    if not link.is_active:
        raise Refusal("not_active", str(LINK_NOT_ACTIVE_MESSAGE))
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
        raise Refusal("not_found", str(CARE_LINK_NOT_FOUND_MESSAGE))
    link = _care_link_close(link_id=link.pk, status=CareLink.Status.REVOKED, ended_by=CareLink.EndedBy.PATIENT)
    consent_withdraw(user=patient, kind=ConsentKind.SHARING, channel=channel, care_link=link)
    audit_record(actor=patient, subject_user=patient, action=AuditEvent.Action.CARE_LINK_REVOKED)
    return link


@transaction.atomic
def care_link_end(*, link: CareLink, psychologist: User) -> CareLink:
    """The psychologist ends the care relationship; the patient's consent history is theirs and stays as it is."""
    if link.psychologist_id != psychologist.pk:
        raise Refusal("not_found", str(CARE_LINK_NOT_FOUND_MESSAGE))
    link = _care_link_close(link_id=link.pk, status=CareLink.Status.ENDED, ended_by=CareLink.EndedBy.PSYCHOLOGIST)
    audit_record(actor=psychologist, subject_user=link.patient, action=AuditEvent.Action.CARE_LINK_ENDED)
    return link


@transaction.atomic
def care_link_alias_set(*, link: CareLink, psychologist: User, alias: str) -> CareLink:
    if link.psychologist_id != psychologist.pk or not link.is_active:
        raise Refusal("not_found", str(CARE_LINK_NOT_FOUND_MESSAGE))
    link.alias = alias.strip()
    link.full_clean()
    link.save(update_fields=["alias"])
    return link
