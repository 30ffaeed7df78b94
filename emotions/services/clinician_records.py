"""The records a psychologist keeps in the portal, in "Download my data" and "Delete my account".

A psychologist's export holds their own session dates, flag acknowledgements (with their notes) and thresholds,
by care link and flag id (no patient's name: that is the patient's data). A patient's export says which of their
flags a psychologist has seen and when, never the note (docs/burnout-flags.md). Erasing either person removes
these rows (the care links and flags they hang on go with the account too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from emotions.models import CareSession, FlagAcknowledgement, FlagThreshold

if TYPE_CHECKING:
    from accounts.models import User


def clinician_record_export_rows(*, user: User) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"kind": "session", "link_id": row.link_id, "date": row.on, "at": row.created_at}
        for row in CareSession.objects.filter(link__psychologist=user).order_by("on", "id")
    ]
    for ack in FlagAcknowledgement.objects.filter(psychologist=user).order_by("at", "id"):
        rows.append({"kind": "flag_acknowledged", "flag_id": ack.flag_id, "note": ack.note, "at": ack.at})
    for own in FlagThreshold.objects.filter(link__psychologist=user).order_by("id"):
        rows.append(
            {
                "kind": "own_thresholds",
                "link_id": own.link_id,
                "negative_percent": own.negative_percent,
                "rise_percent": own.rise_percent,
                "cbi_score": own.cbi_score,
                "at": own.updated_at,
            }
        )
    # As a patient: that a signal of theirs was seen, and when; never the note.
    for ack in FlagAcknowledgement.objects.filter(flag__user=user).order_by("at", "id"):
        rows.append({"kind": "your_flag_seen", "flag_id": ack.flag_id, "at": ack.at})
    return rows


def clinician_record_erase_for_user(*, user: User) -> None:
    FlagAcknowledgement.objects.filter(Q(psychologist=user) | Q(flag__user=user)).delete()
    CareSession.objects.filter(Q(link__psychologist=user) | Q(link__patient=user)).delete()
    FlagThreshold.objects.filter(Q(link__psychologist=user) | Q(link__patient=user)).delete()
