from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person using the product: a patient tracking their state, or a psychologist."""

    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        PSYCHOLOGIST = "psychologist", _("Psychologist")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PATIENT)
    # Daily aggregates and reminders are computed in the person's own time zone.
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_psychologist(self) -> bool:
        return self.role == self.Role.PSYCHOLOGIST
