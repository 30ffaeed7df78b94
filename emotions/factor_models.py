"""The person's own factor tags ("deadline", "gym", "late coffee"), attached to mood ratings (SelfReport.tags).

Kept out of models.py, which is near its size limit; models.py imports this module so Django registers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TAGS_PER_PERSON = 20
TAG_NAME_MAX_LENGTH = 40


class FactorTag(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="factor_tags", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=TAG_NAME_MAX_LENGTH)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        app_label = "emotions"
        verbose_name = _("factor tag")
        verbose_name_plural = _("factor tags")
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint("user", Lower("name"), name="emotions_ft_one_name_per_person"),
        ]

    def __str__(self) -> str:
        return self.name
