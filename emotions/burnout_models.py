"""Burnout flags: one row per episode of a burnout signal (the rules are in emotions/burnout.py).

Kept out of models.py, which is near its size limit; models.py imports this module so Django registers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BurnoutFlag(models.Model):
    """One episode of a burnout signal: raised when a rule starts to hold, cleared when it stops.

    The daily evaluation raises a rule at most once per episode, so a signal that lasts for weeks
    is one row (and one message to the psychologist), not one a day. Rules: docs/burnout-flags.md.
    """

    class Rule(models.TextChoices):
        NEGATIVE_SHARE = "negative_share", _("Many negative photos")
        RISE = "rise", _("Rise in negative photos")
        BASELINE_RISE = "baseline_rise", _("Rise against the personal baseline")
        CBI = "cbi", _("High burnout questionnaire score")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="burnout_flags", verbose_name=_("user")
    )
    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    # The figure that crossed the threshold when the flag was raised (a share 0-1 or a score 0-100).
    value = models.FloatField(_("value"), null=True, blank=True)

    class Meta:
        verbose_name = _("burnout flag")
        verbose_name_plural = _("burnout flags")
        ordering = ("-raised_at", "-id")
        constraints = [
            # One open episode per person and rule: the database refuses a second raise even under a race.
            models.UniqueConstraint(
                fields=["user", "rule"], condition=models.Q(cleared_at__isnull=True), name="emotions_bf_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.user_id} {self.rule} {self.raised_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None
