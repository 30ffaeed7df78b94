"""What the bot says for /start, /stats and /remind."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from emotions.guidance import (
    baseline_comparison_text,
    baseline_summary_text,
)
from emotions.selectors import Baseline, BaselineComparison

from .common import site_url

# --- /start, /stats, /remind --------------------------------------------------------------------------------


def private_chat_only_text() -> str:
    return _("For your privacy I only work in a private chat. Please write to me directly.")


def welcome_text() -> str:
    return _(
        "Hello! I estimate emotions from face selfies and help you notice early signs of burnout. "
        "Create an account on %(url)s, then press “Connect Telegram” in your profile to link this chat."
    ) % {"url": site_url("accounts:signup")}


def linked_text(user: User) -> str:
    if user.is_psychologist:
        # A psychologist links the chat to receive burnout alerts, not to send selfies.
        return _(
            "Done! This chat is connected to your account %(username)s. Choose Telegram in your alert settings "
            "to get burnout alerts here: %(url)s"
        ) % {"username": user.get_username(), "url": site_url("accounts:psychologist_alerts")}
    return _("Done! This chat is connected to your account %(username)s. Send me a selfie whenever you like.") % {
        "username": user.get_username()
    }


def stats_period_text(*, days: int, done: int, negative_share: float | None, unsure: int = 0) -> str:
    """`done`: the counted readings the share is over; `unsure`: those left out of it."""
    if negative_share is None and unsure:
        text = _("Last %(days)s days: no reading sure enough to count.") % {"days": days}
    elif negative_share is None:
        text = _("Last %(days)s days: no analysed photos.") % {"days": days}
    else:
        text = _("Last %(days)s days: %(done)s photos, %(percent)s%% with a negative emotion.") % {
            "days": days,
            "done": done,
            "percent": round(negative_share * 100),
        }
    return f"{text} {unsure_left_out_text(unsure)}" if unsure else text


def unsure_left_out_text(unsure: int) -> str:
    return ngettext("%(count)s unsure reading not counted.", "%(count)s unsure readings not counted.", unsure) % {
        "count": unsure
    }


def stats_baseline_lines(baseline: Baseline, comparisons: list[BaselineComparison]) -> list[str]:
    """/stats against the person's own usual: the baseline (or why none yet), then each window's verdict."""
    lines = ["", baseline_summary_text(baseline)]
    if baseline.exists:
        lines += [baseline_comparison_text(comparison) for comparison in comparisons]
    return lines


def dashboard_link_text() -> str:
    return _("Dashboard: %(url)s") % {"url": site_url("emotions:dashboard")}


def unlinked_text(*, was_linked: bool) -> str:
    if was_linked:
        return _("This chat is no longer connected to your account.")
    return _("This chat is not connected to any account.")


def reminders_off_text() -> str:
    return _("Daily reminders are off.")


def reminder_usage_text(remind_at_text: str | None) -> str:
    if remind_at_text is not None:
        text = _("I remind you every day at %(time)s.") % {"time": remind_at_text}
    else:
        text = reminders_off_text()
    return text + " " + _("Use /remind HH:MM (for example /remind 09:30) or /remind off.")


def reminder_set_text(*, time: str, timezone_name: str) -> str:
    return _("Done! I will remind you every day at %(time)s (%(timezone)s).") % {
        "time": time,
        "timezone": timezone_name,
    }


def reminder_text(offer: str) -> str:
    text = _("Time for your daily check-in: send me a selfie, or tell me how you feel.")
    return f"{text}\n\n{offer}" if offer else text
