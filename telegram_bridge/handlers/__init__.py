"""What the bot does with each update: plain sync functions called from django-q2 tasks.

`update_dispatch(payload)` (dispatch.py) is the single entry for the webhook task and for long polling; it
hands a command to its handler in `COMMAND_HANDLERS` and a button tap to its handler in `BUTTON_HANDLERS`.
One module per conversation: commands (/start, /help, /unlink, /stats), mood (/mood and the mood buttons), undo
(/undo, delete the latest entry), digest (/digest, the weekly digest and the chart /stats sends too), feedback
("Was this right?" under a result), sharing (/share), factors (the questions after /mood),
photos (photos and image files, and telling the result), questionnaire (/cbi), delete (/delete), reminders
(/remind and the daily reminders). What the bot says is composed in texts.py; chat.py sends and edits.
Bot API calls go through one BotSession per update (telegram_bridge/client.py).
"""

from __future__ import annotations

from telegram_bridge.handlers.delete import DELETE_CANCEL_DATA
from telegram_bridge.handlers.digest import digests_send
from telegram_bridge.handlers.dispatch import BUTTON_HANDLERS, COMMAND_HANDLERS, update_dispatch
from telegram_bridge.handlers.feedback import FEEDBACK_CALLBACK_PREFIX
from telegram_bridge.handlers.mood import MOOD_CALLBACK_PREFIX, NO_ASSESSMENT, mood_keyboard
from telegram_bridge.handlers.photos import MAX_DOWNLOAD_BYTES, assessment_notify
from telegram_bridge.handlers.questionnaire import CBI_CALLBACK_PREFIX, cbi_keyboard
from telegram_bridge.handlers.reminders import reminders_send
from telegram_bridge.handlers.texts import assessment_result_text, cbi_offer_text, reply_language, site_url

__all__ = [
    "BUTTON_HANDLERS",
    "CBI_CALLBACK_PREFIX",
    "COMMAND_HANDLERS",
    "DELETE_CANCEL_DATA",
    "FEEDBACK_CALLBACK_PREFIX",
    "MAX_DOWNLOAD_BYTES",
    "MOOD_CALLBACK_PREFIX",
    "NO_ASSESSMENT",
    "assessment_notify",
    "assessment_result_text",
    "cbi_keyboard",
    "cbi_offer_text",
    "digests_send",
    "mood_keyboard",
    "reminders_send",
    "reply_language",
    "site_url",
    "update_dispatch",
]
