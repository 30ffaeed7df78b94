"""A psychologist's own burnout thresholds for one patient: stored per care link, checked against THRESHOLD_BOUNDS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from burnout_site.errors import Refusal
from emotions.burnout import THRESHOLD_BOUNDS
from emotions.models import FlagThreshold
from emotions.selectors.clinician import patient_share_get

if TYPE_CHECKING:
    from accounts.models import User


def _checked(name: str, raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    low, high = THRESHOLD_BOUNDS[name]
    try:
        value = int(str(raw))
    except ValueError:
        value = -1
    if not low <= value <= high:
        raise Refusal(
            "invalid",
            _("Give a whole number from %(low)s to %(high)s, or leave it empty for the default.")
            % {"low": low, "high": high},
            field=name,
        )
    return value


@transaction.atomic
def flag_threshold_set(*, psychologist: User, patient_id: int, values: Mapping[str, object]) -> FlagThreshold:
    """Store this psychologist's thresholds for the patient (empty values: the defaults); nothing on a refusal.

    Refusals: `not_found` (the patient does not share flags with this psychologist now), `invalid` (out of the
    documented bounds, with the field named).
    """
    share = patient_share_get(psychologist=psychologist, patient_id=patient_id, read="flags")
    if share is None:
        raise Refusal("not_found", _("No such patient shares data with you."))
    checked = {name: _checked(name, values.get(name)) for name in THRESHOLD_BOUNDS}
    threshold, _created = FlagThreshold.objects.update_or_create(link=share.link, defaults=checked)
    return threshold
