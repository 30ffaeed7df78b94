"""Consent decisions: granting and withdrawing the current document of a purpose, and the guard before use."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal

from ..channels import channel_consent_withdrawn_notify
from ..models import AuditEvent, CareLink, Channel, ConsentDocument, ConsentEvent, ConsentKind, User
from ..selectors import consent_current_document, consent_is_active, consent_latest_event
from .audit import audit_record

CONSENT_REQUIRED_MESSAGE = _(
    "Before we analyse photos, please read and accept the current consent to processing of your face photos "
    "and emotion data."
)
CONSENT_NOT_AVAILABLE_MESSAGE = _("This consent cannot be given right now. Please try again later.")
CONSENT_OUTDATED_MESSAGE = _("This version of the document is no longer current. Please read the new version.")
CONSENT_ALREADY_GIVEN_MESSAGE = _("You have already given this consent.")
CONSENT_NOT_GIVEN_MESSAGE = _("You have not given this consent, so there is nothing to withdraw.")


class ConsentRequired(Refusal):
    """The person must accept `document` (the current version for `kind`) before this can go on.

    Every channel maps it to its own answer: the web page shows the document, the API returns
    the document's id and version, the bot sends the text with an accept button. `document` is
    None only when no version is published yet: nothing can be accepted then, so nothing runs (the
    code is then `consent_unavailable`, else `consent_required` with the document's id beside it).
    """

    def __init__(self, document: ConsentDocument | None, kind: str = ConsentKind.PROCESSING) -> None:
        if document is None:
            super().__init__("consent_unavailable", str(CONSENT_NOT_AVAILABLE_MESSAGE))
        else:
            super().__init__("consent_required", str(CONSENT_REQUIRED_MESSAGE), extra={"document": document.pk})
        self.document = document
        self.kind = kind


def consent_require(*, user: User, kind: str = ConsentKind.PROCESSING) -> None:
    """Raise ConsentRequired unless the person has accepted the current document for `kind`."""
    if not consent_is_active(user=user, kind=kind):
        raise ConsentRequired(consent_current_document(kind=kind), kind)


@transaction.atomic
def consent_grant(
    *,
    user: User,
    document: ConsentDocument,
    channel: str = Channel.WEB,
    care_link: CareLink | None = None,
    categories: Sequence[str] = (),
) -> ConsentEvent:
    """Record that the person accepted this document (for sharing: naming these `categories`).

    Only the current version can be accepted: a page left open while admins published a new one
    must not record agreement to words the person has not seen.
    """
    current = consent_current_document(kind=document.kind)
    if current is None or current.pk != document.pk:
        raise Refusal("outdated", str(CONSENT_OUTDATED_MESSAGE))
    if document.kind != ConsentKind.SHARING and consent_is_active(user=user, kind=document.kind):
        raise Refusal("already_granted", str(CONSENT_ALREADY_GIVEN_MESSAGE))
    event = _consent_event_create(
        user=user, document=document, granted=True, channel=channel, care_link=care_link, categories=categories
    )
    detail = {"kind": document.kind, "version": document.version, "channel": channel}
    if categories:
        detail["categories"] = list(categories)
    audit_record(actor=user, subject_user=user, action=AuditEvent.Action.CONSENT_GRANTED, detail=detail)
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
        raise Refusal("not_granted", str(CONSENT_NOT_GIVEN_MESSAGE))
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
        channel_consent_withdrawn_notify(user=user)
    return event


def _consent_event_create(
    *,
    user: User,
    document: ConsentDocument,
    granted: bool,
    channel: str,
    care_link: CareLink | None,
    categories: Sequence[str] = (),
) -> ConsentEvent:
    event = ConsentEvent(
        user=user,
        document=document,
        granted=granted,
        channel=channel,
        care_link=care_link,
        categories=list(categories),
    )
    event.full_clean()
    event.save()
    return event
