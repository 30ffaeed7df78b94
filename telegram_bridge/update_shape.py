"""An update's shape, checked before any handler reads it.

python-telegram-bot's `Update.de_json` builds its objects from whatever JSON it is given without checking a
type (a `from.id` of "abc", a text of 12345, a photo width of "a" all come through), and the handlers would
fail on them half-way. The webhook checks only that the JSON is an update the database can store; here every
field the handlers read is checked, so that they can trust what they get, and a message that cannot be read
is answered in its chat when the chat itself can be read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Update

# Telegram's ids are 64-bit signed integers; the database columns that hold them are too.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1


class MalformedUpdate(Exception):
    """An update the handlers cannot read; where the person can be told, the chat or the button tap to answer."""

    def __init__(
        self,
        reason: str,
        *,
        chat_id: int | None = None,
        callback_query_id: str | None = None,
        language_code: str | None = None,
        about_photo: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.chat_id = chat_id
        self.callback_query_id = callback_query_id
        self.language_code = language_code
        self.about_photo = about_photo


def is_telegram_id(value: object) -> bool:
    # JSON true/false are Python bools, which are ints too.
    return isinstance(value, int) and not isinstance(value, bool) and ID_MIN <= value <= ID_MAX


def update_parse(payload: dict[str, Any]) -> Update:
    """The update as python-telegram-bot objects whose fields the handlers use have the types Telegram documents.

    Raises MalformedUpdate otherwise. Kinds of update the bot does not handle (edited messages, chat member
    changes...) are checked only as far as `de_json` checks them.
    """
    message, query = payload.get("message"), payload.get("callback_query")
    if message is not None:
        context = _message_context(message)
        problem = _message_problem(message)
    elif query is not None:
        context = _callback_context(query)
        problem = _callback_problem(query)
    else:
        context, problem = {}, None
    if problem is not None:
        raise MalformedUpdate(problem, **context)
    try:
        update = Update.de_json(payload, None)
    except Exception as exc:
        raise MalformedUpdate(f"not a Telegram update: {exc!r}", **context) from None
    assert update is not None  # de_json returns None only for an empty payload, and this one has an id
    return update


# --- messages ---------------------------------------------------------------------------------------------


def _message_context(message: object) -> dict[str, Any]:
    """Where a message that cannot be read can still be answered: its chat, when that has a usable id."""
    if not isinstance(message, dict):
        return {}
    chat = message.get("chat")
    if not isinstance(chat, dict) or not is_telegram_id(chat.get("id")):
        return {}
    sender = message.get("from")
    language = sender.get("language_code") if isinstance(sender, dict) else None
    return {
        "chat_id": chat["id"],
        "language_code": language if isinstance(language, str) else None,
        "about_photo": "photo" in message or "document" in message,
    }


def _message_problem(message: object) -> str | None:
    if not isinstance(message, dict):
        return "message is not an object"
    chat = message.get("chat")
    if not isinstance(chat, dict) or not is_telegram_id(chat.get("id")) or not isinstance(chat.get("type"), str):
        return "message has no readable chat"
    sender = message.get("from")
    # A message without a sender (a channel's post) is valid; the bot ignores it.
    if sender is not None and (not isinstance(sender, dict) or _user_problem(sender)):
        return "message sender is not readable"
    if not _optional(message.get("text"), str):
        return "message text is not text"
    photo = message.get("photo")
    if photo is not None and not (isinstance(photo, list) and all(_photo_size_ok(size) for size in photo)):
        return "message photo is not readable"
    document = message.get("document")
    if document is not None and not _document_ok(document):
        return "message document is not readable"
    return None


def _user_problem(user: dict[str, Any]) -> str | None:
    if not is_telegram_id(user.get("id")):
        return "user id is not a 64-bit integer"
    if not _optional(user.get("language_code"), str):
        return "user language is not text"
    return None


def _photo_size_ok(size: object) -> bool:
    return (
        isinstance(size, dict)
        and isinstance(size.get("file_id"), str)
        and _is_count(size.get("width"))
        and _is_count(size.get("height"))
        and _optional(size.get("file_size"), _is_count)
    )


def _document_ok(document: object) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("file_id"), str)
        and _optional(document.get("mime_type"), str)
        and _optional(document.get("file_size"), _is_count)
    )


# --- button taps ------------------------------------------------------------------------------------------


def _callback_context(query: object) -> dict[str, Any]:
    if not isinstance(query, dict) or not isinstance(query.get("id"), str) or not query["id"]:
        return {}
    sender = query.get("from")
    language = sender.get("language_code") if isinstance(sender, dict) else None
    return {"callback_query_id": query["id"], "language_code": language if isinstance(language, str) else None}


def _callback_problem(query: object) -> str | None:
    if not isinstance(query, dict) or not isinstance(query.get("id"), str) or not query["id"]:
        return "callback query has no readable id"
    sender = query.get("from")
    if not isinstance(sender, dict) or _user_problem(sender):
        return "callback query sender is not readable"
    if not _optional(query.get("data"), str):
        return "callback data is not text"
    message = query.get("message")
    if message is not None:
        chat = message.get("chat") if isinstance(message, dict) else None
        if (
            not isinstance(chat, dict)
            or not is_telegram_id(chat.get("id"))
            or not is_telegram_id(message.get("message_id"))
        ):
            return "callback query message is not readable"
    return None


# --- values -----------------------------------------------------------------------------------------------


def _is_count(value: object) -> bool:
    return is_telegram_id(value) and value >= 0  # type: ignore[operator]


def _optional(value: object, check: type | Callable[[object], bool]) -> bool:
    if value is None:
        return True
    if isinstance(check, type):
        return isinstance(value, check)
    return check(value)
