""" "Was this right?" under a photo's result: right / choose the right emotion (then the seven) / skip.

Callback data is `fb:<assessment id>:<action>`, the action one of the seven class names (the reading's own
label is the "Right" button), `pick` (show the seven) or `skip`. It comes from the client, so it is checked
here before anything is read: anything else is "not understood", and the service refuses someone else's
photo with the same words as a missing one; nothing is stored for either.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton

from emotions.ml.labels import CLASSES
from emotions.models import EMOTION_NAMES, PhotoAssessment
from emotions.selectors import assessment_list
from emotions.services import FEEDBACK_NOT_FOUND, FeedbackRejected, assessment_feedback_set
from telegram_bridge.client import BotSession
from telegram_bridge.handlers.chat import callback_int, replace_buttons
from telegram_bridge.handlers.texts import (
    feedback_choose_label,
    feedback_pick_text,
    feedback_right_label,
    feedback_saved_text,
    feedback_skip_label,
    feedback_skipped_text,
)
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import button_not_understood_text

FEEDBACK_CALLBACK_PREFIX = "fb"
PICK, SKIP = "pick", "skip"
ACTIONS = frozenset({PICK, SKIP, *CLASSES})
# The seven emotions as rows of this many buttons: Russian names are long on a phone's width.
EMOTIONS_PER_ROW = 3


def _data(assessment_id: int, action: str) -> str:
    return f"{FEEDBACK_CALLBACK_PREFIX}:{assessment_id}:{action}"


def feedback_row(assessment: PhotoAssessment) -> list[InlineKeyboardButton]:
    """The row under a finished result: right (the reading's own label), choose another, or skip."""
    return [
        InlineKeyboardButton(feedback_right_label(), callback_data=_data(assessment.pk, assessment.label)),
        InlineKeyboardButton(feedback_choose_label(), callback_data=_data(assessment.pk, PICK)),
        InlineKeyboardButton(feedback_skip_label(), callback_data=_data(assessment.pk, SKIP)),
    ]


def emotion_rows(assessment_id: int) -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(str(EMOTION_NAMES[name]), callback_data=_data(assessment_id, name)) for name in CLASSES
    ]
    buttons.append(InlineKeyboardButton(feedback_skip_label(), callback_data=_data(assessment_id, SKIP)))
    return [buttons[start : start + EMOTIONS_PER_ROW] for start in range(0, len(buttons), EMOTIONS_PER_ROW)]


def on_feedback_button(session: BotSession, query: CallbackQuery, account: TelegramAccount, rest: str) -> str:
    assessment, _sep, action = rest.partition(":")
    assessment_id = callback_int(assessment)
    if assessment_id is None or action not in ACTIONS:
        return button_not_understood_text()
    if action == SKIP:
        replace_buttons(session, query, prefix=FEEDBACK_CALLBACK_PREFIX, rows=[])
        return feedback_skipped_text()
    if action == PICK:
        # Only the person's own photo gets the seven buttons; nothing is stored until one is tapped.
        if not assessment_list(user=account.user).filter(pk=assessment_id).exists():
            return str(FEEDBACK_NOT_FOUND)
        replace_buttons(session, query, prefix=FEEDBACK_CALLBACK_PREFIX, rows=emotion_rows(assessment_id))
        return feedback_pick_text()
    try:
        feedback = assessment_feedback_set(
            user=account.user, assessment_id=assessment_id, label=action, source=PhotoAssessment.Source.TELEGRAM
        )
    except FeedbackRejected as exc:
        return exc.message
    replace_buttons(session, query, prefix=FEEDBACK_CALLBACK_PREFIX, rows=[])
    return feedback_saved_text(feedback)
