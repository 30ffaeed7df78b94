"""What a psychologist records about one patient: session dates, flags they have seen, their own thresholds.

Kept out of models.py, which is near its size limit; models.py imports this module so Django registers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CareSession(models.Model):
    """A session date a psychologist recorded for one care link: the "since last session" brief starts there.

    Kept on the link, not the patient: each psychologist has their own sessions, and ending or revoking the
    link keeps the dates with it (they say nothing about the patient's data).
    """

    link = models.ForeignKey(
        "accounts.CareLink", on_delete=models.CASCADE, related_name="sessions", verbose_name=_("care link")
    )
    on = models.DateField(_("session date"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ("-on", "-id")
        constraints = [models.UniqueConstraint(fields=["link", "on"], name="emotions_session_once_a_day")]

    def __str__(self) -> str:
        return f"#{self.pk} link {self.link_id} {self.on:%Y-%m-%d}"


class FlagAcknowledgement(models.Model):
    """A psychologist has seen an open burnout flag, with a short note for themself.

    The note is the psychologist's own: no other psychologist and not the patient sees it; the patient sees that
    the signal was seen, and when. One per flag and psychologist (acknowledging again changes the note).
    """

    NOTE_MAX_LENGTH = 280

    flag = models.ForeignKey(
        "emotions.BurnoutFlag",
        on_delete=models.CASCADE,
        related_name="acknowledgements",
        verbose_name=_("burnout flag"),
    )
    psychologist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="flag_acknowledgements",
        verbose_name=_("psychologist"),
    )
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    at = models.DateTimeField(_("seen at"), default=timezone.now)

    class Meta:
        verbose_name = _("flag acknowledgement")
        verbose_name_plural = _("flag acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["flag", "psychologist"], name="emotions_flag_ack_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} flag {self.flag_id} seen by {self.psychologist_id}"


class FlagThreshold(models.Model):
    """A psychologist's own burnout thresholds for one patient (one care link), within THRESHOLD_BOUNDS.

    Applied only to this psychologist's view of the patient page; the flags, the alerts and the patient's own
    dashboard keep the defaults (docs/burnout-flags.md, "Your own thresholds"). Empty: the default.
    """

    link = models.OneToOneField(
        "accounts.CareLink", on_delete=models.CASCADE, related_name="flag_threshold", verbose_name=_("care link")
    )
    negative_percent = models.PositiveSmallIntegerField(_("negative share, %"), null=True, blank=True)
    rise_percent = models.PositiveSmallIntegerField(_("rise, points"), null=True, blank=True)
    cbi_score = models.PositiveSmallIntegerField(_("questionnaire score"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("own threshold")
        verbose_name_plural = _("own thresholds")

    def __str__(self) -> str:
        return f"#{self.pk} link {self.link_id}"
