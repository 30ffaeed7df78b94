"""What the bot says for /delete (the account) and /undo (the latest entry)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# --- /delete ------------------------------------------------------------------------------------------------


def delete_confirm_text(*, minutes: int) -> str:
    return (
        _(
            "Delete your account and all your data? This erases everything: your photos and their results, your "
            "mood ratings, your questionnaire answers, your consents, sharing with psychologists, and the account "
            "itself, on the website too. It cannot be undone."
        )
        + " "
        + ngettext("The button works for %(minutes)s minute.", "The button works for %(minutes)s minutes.", minutes)
        % {"minutes": minutes}
        + " "
        + _("/unlink only disconnects this chat.")
    )


def delete_yes_label() -> str:
    return _("Yes, delete everything")


def delete_cancel_label() -> str:
    return _("Cancel")


def delete_cancelled_text() -> str:
    return _("Cancelled. Nothing was deleted.")


def account_deleted_text() -> str:
    return _("Your account and all your data have been deleted.")


# --- /undo --------------------------------------------------------------------------------------------------


def undo_confirm_text(*, words: str, when: str) -> str:
    return _("Delete your latest entry? %(entry)s, %(when)s. It is removed from your charts and data export.") % {
        "entry": words,
        "when": when,
    }


def undo_nothing_text() -> str:
    return _("You have no entries yet, so there is nothing to delete.")


def undo_yes_label() -> str:
    return _("Yes, delete it")


def undo_keep_label() -> str:
    return _("Keep it")


def undo_kept_text() -> str:
    return _("Kept. Nothing was deleted.")


def undo_done_text(*, words: str) -> str:
    return _("Deleted: %(entry)s.") % {"entry": words}
