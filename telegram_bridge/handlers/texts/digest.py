"""What the bot says for /digest and in the weekly digest."""

from __future__ import annotations

from django.utils.translation import gettext as _

from emotions.digest import weekly_digest_lines
from emotions.selectors.summary import WeekSummary

from .account import dashboard_link_text

# --- /digest and the weekly digest ----------------------------------------------------------------------------


def digest_set_text(*, day: str, time: str, timezone_name: str) -> str:
    return _("Weekly digest: %(day)s, %(time)s (%(tz)s time). /digest off stops it.") % {
        "day": day,
        "time": time,
        "tz": timezone_name,
    }


def digest_off_text() -> str:
    return _("Weekly digest is off.")


def digest_usage_text(current: str | None) -> str:
    usage = _("Send /digest Sun 19:00 to get a weekly summary with a chart on that day and time, or /digest off.")
    return f"{usage} {current}" if current else usage


def digest_text(summary: WeekSummary) -> str:
    """The week in words (emotions/digest.py, shared with the e-mail digest) and the dashboard link."""
    return "\n".join([*weekly_digest_lines(summary), dashboard_link_text()])
