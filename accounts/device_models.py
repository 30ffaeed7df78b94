"""API tokens' devices: what a person sees of each token on the devices page and in the API.

Kept out of models.py, which is near its size limit; models.py imports this module so Django registers it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenDevice(models.Model):
    """What a person sees of one API token: the device it was issued to and when it was last used.

    knox keeps the token itself (its digest, expiry); this row lives and dies with it (CASCADE), so a
    revoked or expired token takes its device entry along. `id` is what the devices page and the API name:
    the token's own key is its digest, which no page should show.
    """

    token = models.OneToOneField("knox.AuthToken", on_delete=models.CASCADE, related_name="device")
    name = models.CharField(_("device"), max_length=100, blank=True)
    # Written at most once a minute, when knox pushes the expiry back (burnout_site/api/authentication.py).
    last_used_at = models.DateTimeField(_("last used"), default=timezone.now)

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")

    def __str__(self) -> str:
        return f"{self.name or '?'} ({self.pk})"
