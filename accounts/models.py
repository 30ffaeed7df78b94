from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


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
