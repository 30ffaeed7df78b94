"""The portal's patient list as CSV: the rows and order of the page, each category's cells only where shared."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SharingCategory
from emotions.selectors.portal import PortalRow

# A spreadsheet runs a cell that starts with one of these as a formula: such text gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(row: PortalRow, not_shared: str) -> list[Any]:
    readings = (
        [
            row.last_assessment_at.isoformat() if row.last_assessment_at else "",
            row.recent_total,
            row.recent_unsure,
            "" if row.recent_percent is None else row.recent_percent,
            "" if row.change_points is None else row.change_points,
        ]
        if row.shares(SharingCategory.READINGS)
        else [not_shared] * 5
    )
    questionnaire = (
        ("" if row.latest_cbi is None else round(row.latest_cbi))
        if row.shares(SharingCategory.QUESTIONNAIRE)
        else not_shared
    )
    flags = (
        [_yes(row.flagged), "; ".join(row.flag_rules), "" if not row.flagged else _yes(not row.unacknowledged)]
        if row.shares(SharingCategory.FLAGS)
        else [not_shared] * 3
    )
    return [row.patient_id, _text(row.name), *readings, questionnaire, *flags, _yes(row.quiet)]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def portal_rows_csv(rows: Iterable[PortalRow], *, window_days: int) -> str:
    """The list as CSV text (UTF-8 with a BOM added by the caller for spreadsheets), headers in the active language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Patient id"),
            _("Name"),
            _("Last photo (UTC)"),
            _("Counted readings, last %(days)s days") % {"days": window_days},
            _("Unsure readings"),
            _("Negative share, %"),
            _("Change, points"),
            _("Burnout questionnaire (0–100)"),
            _("Needs attention"),
            _("Burnout signal"),
            _("Acknowledged by you"),
            _("Quiet (no data for %(days)s days)") % {"days": settings.PORTAL_QUIET_AFTER_DAYS},
        ]
    )
    not_shared = _("not shared")
    with timezone.override("UTC"):
        writer.writerows(_row(row, not_shared) for row in rows)
    return buffer.getvalue()
