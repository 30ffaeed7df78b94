"""E-mail reminders' settings (emotions/services/email_notifications.py); imported by models.py."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailNotifications(models.Model):
    """Reminders by e-mail for people who use only the website: the daily check-in and the weekly digest.

    Times are the person's local time (their profile's time zone); a null time is off. The `*_last_on` dates
    are claimed with a conditional UPDATE (emotions/schedules.py), so several workers send each e-mail once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_notifications",
        verbose_name=_("user"),
    )
    remind_at = models.TimeField(_("daily reminder at"), null=True, blank=True)
    remind_last_on = models.DateField(_("last reminder on"), null=True, blank=True)
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest day"), null=True, blank=True, validators=[MaxValueValidator(6)]
    )
    digest_at = models.TimeField(_("weekly digest at"), null=True, blank=True)
    digest_last_on = models.DateField(_("last digest on"), null=True, blank=True)

    class Meta:
        app_label = "emotions"
        verbose_name = _("e-mail reminders")
        verbose_name_plural = _("e-mail reminders")

    def __str__(self) -> str:
        return f"{self.user_id} e-mail reminders"
