from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .channels import ALERT_BY_EMAIL, alert_channel_choices


class User(AbstractUser):
    """A person using the product: a patient tracking their state, or a psychologist."""

    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        PSYCHOLOGIST = "psychologist", _("Psychologist")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PATIENT)
    # Daily aggregates and reminders are computed in the person's own time zone.
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Stored on the account (not only in the browser's cookie) so that channels without a
    # browser, such as the Telegram bot and e-mails, can speak the person's language.
    # Empty means "not chosen": follow the browser. No `choices` here, so that adding a
    # language to settings.LANGUAGES needs no migration; forms and services validate it.
    language = models.CharField(_("preferred language"), max_length=16, blank=True, default="")

    class Meta(AbstractUser.Meta):
        constraints = [
            # E-mail identifies a person across channels and for password resets: two accounts
            # differing only in letter case would be the same inbox. Accounts created without
            # an e-mail (admin, bot) stay allowed, hence the condition.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with that email address already exists."),
            ),
        ]

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_psychologist(self) -> bool:
        return self.role == self.Role.PSYCHOLOGIST

    @property
    def display_name(self) -> str:
        """How other people see this person: the full name when given, the username otherwise."""
        return self.get_full_name() or self.username


# --- consent ----------------------------------------------------------------------------------------------------


class ConsentKind(models.TextChoices):
    PROCESSING = "processing", _("Processing of face photos and emotion data")
    SHARING = "sharing", _("Sharing with a psychologist")
    RESEARCH = "research", _("Use of anonymised data for research")


class Channel(models.TextChoices):
    WEB = "web", _("Web page")
    TELEGRAM = "telegram", _("Telegram")
    API = "api", _("Mobile app")


class SharingCategory(models.TextChoices):
    """What a patient may share with one psychologist, chosen per care link (docs/privacy.md)."""

    READINGS = "readings", _("Emotion readings: charts, mix of emotions, dates of photos")
    MOOD = "mood", _("Mood ratings and their notes")
    QUESTIONNAIRE = "questionnaire", _("Burnout questionnaire scores")
    FLAGS = "flags", _("Burnout warning flags")


# Where a sharing document's text lists the categories the person chose (ConsentDocument.text_for).
CATEGORIES_MARKER = "{categories}"


class ConsentDocument(models.Model):
    """One version of the text a person agrees to for one purpose.

    A new wording is a new row with a higher version, never an edit of a published one: a consent
    event must keep pointing at the words the person actually read. A sharing document's text holds
    CATEGORIES_MARKER where the chosen categories are listed, each in this version's words
    (`category_texts`: category -> [English, Russian]), so the text names exactly what is shared.
    """

    kind = models.CharField(_("purpose"), max_length=16, choices=ConsentKind.choices)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text (English)"))
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    effective_at = models.DateTimeField(_("effective from"), default=timezone.now)
    published = models.BooleanField(_("published"), default=False)
    category_texts = models.JSONField(_("category texts (sharing)"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent document")
        verbose_name_plural = _("consent documents")
        ordering = ("kind", "-version")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="accounts_consentdoc_kind_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    def text_for(self, language: str | None, categories: Iterable[str] | None = None) -> str:
        """The wording in the reader's language, English when that translation is missing.

        `categories`: those a sharing grant covers (None: every category, for reading the document before
        choosing). A text without the marker (sharing version 1) names its fixed list itself.
        """
        russian = (language or "").startswith("ru")
        text = self.text_ru if russian and self.text_ru.strip() else self.text
        if CATEGORIES_MARKER not in text:
            return text
        chosen = set(SharingCategory.values if categories is None else categories)
        lines = []
        for category in SharingCategory.values:
            words = self.category_texts.get(category) or []
            if category in chosen and words:
                lines.append("— " + (words[1] if russian and len(words) > 1 and words[1] else words[0]))
        # A list within a sentence: each item ends with ";", the last with ".".
        return text.replace(CATEGORIES_MARKER, ";\n".join(lines) + ("." if lines else ""))


class ConsentEvent(models.Model):
    """One grant or withdrawal. Append-only: the history is the evidence, so rows are never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_events", verbose_name=_("user")
    )
    # PROTECT: a document people agreed to cannot disappear from under their consent.
    document = models.ForeignKey(
        ConsentDocument, on_delete=models.PROTECT, related_name="events", verbose_name=_("document")
    )
    granted = models.BooleanField(_("granted"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    # Sharing consent is given to one psychologist: the link it opened or closed.
    care_link = models.ForeignKey(
        "CareLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_events",
        verbose_name=_("care link"),
    )
    # A sharing grant's categories (SharingCategory values): with the document's version, the words agreed to.
    categories = models.JSONField(_("shared categories"), default=list, blank=True)

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=["user", "at"], name="accounts_consentevent_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {'grant' if self.granted else 'withdraw'} {self.document}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ConsentEventImmutable(_("Consent events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        # Only the erasure of the whole account removes them (a cascade, which does not call this).
        raise ConsentEventImmutable(_("Consent events cannot be deleted."))

    @property
    def category_labels(self) -> list[str]:
        return [str(SharingCategory(c).label) for c in self.categories if c in SharingCategory.values]


class ConsentEventImmutable(Exception):
    pass


# --- psychologists and care links --------------------------------------------------------------------------


# No 0/O, 1/I/L: the code is read out over the phone and typed from paper.
PSYCHOLOGIST_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PSYCHOLOGIST_CODE_LENGTH = 8


def psychologist_code_generate() -> str:
    return "".join(secrets.choice(PSYCHOLOGIST_CODE_ALPHABET) for _i in range(PSYCHOLOGIST_CODE_LENGTH))


class PsychologistProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="psychologist_profile",
        verbose_name=_("psychologist"),
    )
    licence_number = models.CharField(_("licence number"), max_length=64)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    country = models.CharField(_("country"), max_length=64)
    # Random, not derived from the id or the name: knowing one code must not lead to another.
    code = models.CharField(_("sharing code"), max_length=16, unique=True, default=psychologist_code_generate)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # Where burnout alerts go: e-mail or a channel an app registered (accounts/channels.py; the choices are read
    # from the registry when validated). A channel not connected, or gone, means e-mail, so a chosen but
    # unusable channel never silences an alert (docs/burnout-flags.md).
    alert_channel = models.CharField(
        _("burnout alerts by"), max_length=16, choices=alert_channel_choices, default=ALERT_BY_EMAIL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("psychologist profile")
        verbose_name_plural = _("psychologist profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.licence_number})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class CareLink(models.Model):
    """A patient's data shared with one psychologist: access exists only while the status is active."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked by the patient")
        ENDED = "ended", _("Ended by the psychologist")

    class EndedBy(models.TextChoices):
        PATIENT = "patient", _("Patient")
        PSYCHOLOGIST = "psychologist", _("Psychologist")

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="care_links_as_patient",
        verbose_name=_("patient"),
    )
    psychologist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="care_links_as_psychologist",
        verbose_name=_("psychologist"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.CharField(_("ended by"), max_length=16, choices=EndedBy.choices, blank=True)
    # What the psychologist calls this person in the portal, when not their account name.
    alias = models.CharField(_("alias"), max_length=150, blank=True)
    # What is shared (SharingCategory): one column each, so that lists, sorting and alerts filter in SQL.
    shares_readings = models.BooleanField(_("shares emotion readings"), default=False)
    shares_mood = models.BooleanField(_("shares mood ratings"), default=False)
    shares_questionnaire = models.BooleanField(_("shares questionnaire scores"), default=False)
    shares_flags = models.BooleanField(_("shares burnout flags"), default=False)
    # Set on links made before categories existed: the patient is asked to review what they share.
    categories_review_pending = models.BooleanField(_("categories to review"), default=False)

    class Meta:
        verbose_name = _("care link")
        verbose_name_plural = _("care links")
        ordering = ("-granted_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "psychologist"],
                condition=models.Q(status="active"),
                name="accounts_carelink_one_active",
                violation_error_message=_("You already share your data with this psychologist."),
            ),
        ]
        indexes = [models.Index(fields=["psychologist", "status"], name="accounts_carelink_psy_status")]

    def __str__(self) -> str:
        return f"{self.patient_id} → {self.psychologist_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @staticmethod
    def category_field(category: str) -> str:
        """The column of one category: the same definition for a row (`shares`) and for SQL (filters, masks)."""
        return f"shares_{SharingCategory(category).value}"

    def shares(self, category: str) -> bool:
        return bool(getattr(self, self.category_field(category)))

    @property
    def categories(self) -> tuple[str, ...]:
        """The shared categories, in SharingCategory's order."""
        return tuple(category for category in SharingCategory.values if self.shares(category))

    @property
    def category_labels(self) -> list[str]:
        return [str(SharingCategory(category).label) for category in self.categories]

    def categories_set(self, categories: Iterable[str]) -> None:
        chosen = set(categories)
        for category in SharingCategory.values:
            setattr(self, self.category_field(category), category in chosen)


# --- audit ---------------------------------------------------------------------------------------------------


class AuditEvent(models.Model):
    """Who did what to whose data. Never names people in `detail`: erasure only clears the two links."""

    class Action(models.TextChoices):
        PORTAL_LIST_VIEW = "portal_list_view", _("Saw you in their patient list")
        PORTAL_DETAIL_VIEW = "portal_detail_view", _("Opened your charts")
        API_READ = "api_read", _("Read your data through the API")
        CONSENT_GRANTED = "consent_granted", _("Consent given")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        CARE_LINK_CREATED = "care_link_created", _("Sharing started")
        CARE_LINK_REVOKED = "care_link_revoked", _("Sharing revoked")
        CARE_LINK_ENDED = "care_link_ended", _("Sharing ended by the psychologist")
        CARE_LINK_CHANGED = "care_link_changed", _("Shared categories changed")
        EXPORT_REQUESTED = "export_requested", _("Data export requested")
        EXPORT_DOWNLOADED = "export_downloaded", _("Data export downloaded")
        ACCOUNT_ERASED = "account_erased", _("Account erased")
        PSYCHOLOGIST_VERIFIED = "psychologist_verified", _("Psychologist verified")
        OTP_DEVICE_CONFIRMED = "otp_device_confirmed", _("Two-factor authentication set up")
        ADMIN_VIEW = "admin_view", _("Opened by staff in the admin panel")
        ADMIN_CHANGE = "admin_change", _("Changed by staff in the admin panel")
        ADMIN_DELETE = "admin_delete", _("Deleted by staff in the admin panel")
        PASSWORD_RESET = "password_reset", _("Password reset from an e-mail link")
        LOCKOUT_CLEARED = "lockout_cleared", _("Log-in pause lifted")
        OTP_RECOVERY_CODES_CREATED = "otp_recovery_codes_created", _("Two-factor recovery codes created")
        OTP_RECOVERY_CODE_USED = "otp_recovery_code_used", _("Two-factor recovery code used")
        ENTRY_DELETED = "entry_deleted", _("One entry deleted by you")
        BRIEF_VIEW = "brief_view", _("Read your summary since the last session")
        REPORT_DOWNLOADED = "report_downloaded", _("Downloaded a PDF report of your data")
        PORTAL_LIST_EXPORT = "portal_list_export", _("Exported their patient list with you in it")

    # The clinician reads a person sees on their privacy page.
    # A report the person downloads of their own data is listed too (actor: themself).
    CLINICIAN_READS = (
        Action.PORTAL_LIST_VIEW,
        Action.PORTAL_DETAIL_VIEW,
        Action.API_READ,
        Action.BRIEF_VIEW,
        Action.REPORT_DOWNLOADED,
        Action.PORTAL_LIST_EXPORT,
    )

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events_as_actor",
        verbose_name=_("actor"),
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events_as_subject",
        verbose_name=_("whose data"),
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-at", "-id")
        indexes = [
            models.Index(fields=["subject_user", "at"], name="accounts_audit_subject_at"),
            models.Index(fields=["actor", "at"], name="accounts_audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.actor_id} → {self.subject_user_id}"


# --- export ------------------------------------------------------------------------------------------------


def export_upload_to(instance: DataExport, filename: str) -> str:
    # Random: the file sits in storage until it expires, and must not be found by guessing.
    return f"exports/{uuid.uuid4().hex}.zip"


class DataExport(models.Model):
    """A zip of everything we hold about a person, built by a task and downloadable until it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("user")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=export_upload_to, null=True, blank=True, max_length=200)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"export #{self.pk} of {self.user_id} ({self.status})"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


# Kept in its own module (this one is at its size limit); imported here so that Django registers it.
from .device_models import TokenDevice  # noqa: E402, F401
