"""Session dates a psychologist records for a patient who shares with them (the brief starts at the last one)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from burnout_site.errors import Refusal
from emotions.models import CareSession
from emotions.selectors.clinician import patient_link_get
from emotions.selectors.periods import user_tzinfo_get

if TYPE_CHECKING:
    from accounts.models import User

# A session is recorded after it happened (or on the day): dates further back than this are typing errors.
SESSION_MAX_AGE_DAYS = 3 * 365


class SessionRejected(Refusal):
    """A session date we will not store; the API lists the message under `date`."""

    field = "date"


@transaction.atomic
def care_session_create(*, psychologist: User, patient_id: int, on: date) -> CareSession:
    """Record that this psychologist saw this patient on `on` (a day in the patient's time zone).

    Refusals: `not_found` when the patient does not share with this psychologist now (the same words
    whatever the reason, so ids reveal nothing), `invalid` for a future or far-past day, `already_saved`
    for a day already recorded.
    """
    link = patient_link_get(psychologist=psychologist, patient_id=patient_id)
    if link is None:
        raise Refusal("not_found", _("No such patient shares data with you."))
    today = timezone.localdate(timezone=user_tzinfo_get(user=link.patient))
    if on > today:
        raise SessionRejected("invalid", _("A session date cannot be in the future."))
    if (today - on).days > SESSION_MAX_AGE_DAYS:
        raise SessionRejected("invalid", _("A session date cannot be more than three years ago."))
    session = CareSession(link=link, on=on)
    session.full_clean(validate_constraints=False)
    try:
        # A savepoint: the unique constraint decides a race between two clicks on the same day.
        with transaction.atomic():
            session.save()
    except IntegrityError:
        raise SessionRejected("already_saved", _("This session date is already recorded.")) from None
    return session
