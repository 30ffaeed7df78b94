"""What the bot asks after /mood: the day's factors."""

from __future__ import annotations

from django.utils.translation import gettext as _

# --- factors after /mood ---------------------------------------------------------------------------------------


def factor_workload_question_text() -> str:
    return _("Anything behind it? Your workload today, from 1 (light) to 5 (overwhelming):")


def factor_sleep_question_text() -> str:
    return _("How many hours did you sleep last night?")


def factor_tags_question_text() -> str:
    return _("Any of your tags for today? Tap each that fits, then Done.")


def factor_skip_label() -> str:
    return _("Skip")


def factor_done_label() -> str:
    return _("Done")


def factor_saved_text() -> str:
    return _("Saved. Your factors page shows what goes with harder days.")
