"""What the bot says for /share: who sees the person's data."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .common import site_url

# --- /share: who sees the person's data ------------------------------------------------------------------


def share_list_text(lines: list[str]) -> str:
    """`lines`: one per active link, "name: categories"."""
    if not lines:
        return _("You do not share your data with anyone.")
    listed = "\n".join(f"• {line}" for line in lines)
    return (
        _("You share your data with:")
        + f"\n{listed}\n\n"
        + _("Tap a button to stop sharing. You can change what each one sees on the website: %(url)s")
        % {"url": site_url("care:index")}
    )


def share_stop_label(name: str) -> str:
    return _("Stop sharing with %(name)s") % {"name": name}


def share_confirm_text(name: str) -> str:
    return _("Stop sharing with %(name)s? They will no longer see your data, from now on.") % {"name": name}


def share_yes_label() -> str:
    return _("Yes, stop sharing")


def share_stopped_text(name: str) -> str:
    return _("%(name)s can no longer see your data.") % {"name": name}


def share_cancelled_text() -> str:
    return _("Cancelled. Nothing was changed.")
