"""A psychologist acknowledges an open burnout flag of a patient who shares flags with them, with a short note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from burnout_site.errors import Refusal
from emotions.models import BurnoutFlag, FlagAcknowledgement
from emotions.selectors.clinician import patient_share_get

if TYPE_CHECKING:
    from accounts.models import User


class AcknowledgementRejected(Refusal):
    field = "note"


@transaction.atomic
def burnout_flag_acknowledge(*, psychologist: User, patient_id: int, flag_id: int, note: str) -> FlagAcknowledgement:
    """Record that this psychologist has seen the flag (again: the note is replaced).

    Refusals: `not_found` when the patient does not share flags with this psychologist now or the flag is not
    theirs, `not_active` when the flag has cleared, `invalid` for a note over NOTE_MAX_LENGTH characters.
    """
    share = patient_share_get(psychologist=psychologist, patient_id=patient_id, read="flags")
    flag = (
        BurnoutFlag.objects.select_for_update().filter(pk=flag_id, user_id=patient_id).first()
        if share is not None
        else None
    )
    if flag is None:
        raise Refusal("not_found", _("No such burnout signal among your patients'."))
    if not flag.is_open:
        raise Refusal("not_active", _("This signal has already cleared; there is nothing to acknowledge."))
    note = (note or "").strip()
    if len(note) > FlagAcknowledgement.NOTE_MAX_LENGTH:
        raise AcknowledgementRejected(
            "invalid",
            _("Keep the note to %(max)s characters.") % {"max": FlagAcknowledgement.NOTE_MAX_LENGTH},
        )
    acknowledgement, _created = FlagAcknowledgement.objects.update_or_create(
        flag=flag, psychologist=psychologist, defaults={"note": note, "at": timezone.now()}
    )
    return acknowledgement
