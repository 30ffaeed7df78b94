"""Updates Telegram would never send: numbers no column can hold are a 400; odd shapes are read, never crash.

For each: the webhook's status, what is stored, and what the person receives from the fake Bot API.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError
from django_q.models import Task

from emotions.models import PhotoAssessment, SelfReport
from telegram_bridge.models import ProcessedUpdate, TelegramAccount
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import TG_USER_ID, callback_update, message_update, photo_update

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "a number is out of range: Telegram's integers are 64-bit signed, and floats finite"
NOT_READ = "I could not read this message. Please send it again."
PHOTO_NOT_READ = "I could not read this message. Please send the photo again."
BUTTON_NOT_UNDERSTOOD = "Sorry, I did not understand that button."


def _json(update: dict[str, Any]) -> bytes:
    return json.dumps(update).encode()


# --- numbers the database cannot store ----------------------------------------------------------------------


def _with_sender_id(user_id: int) -> bytes:
    update = message_update(text="/help")
    update["message"]["from"]["id"] = user_id
    return _json(update)


def _with_chat_id(chat_id: int) -> bytes:
    update = message_update(text="/help")
    update["message"]["chat"]["id"] = chat_id
    return _json(update)


@pytest.mark.parametrize(
    "body",
    [
        _with_sender_id(2**64),
        _with_sender_id(2**63),
        _with_sender_id(-(2**63) - 1),
        _with_chat_id(2**64),
        b'{"update_id": 70, "message": {"chat": {"id": 5, "type": "private"}, "date": 1, "message_id": 1e999}}',
        b'{"update_id": 71, "message": {"text": "hi"}, "x": -1e999}',
        b'{"update_id": 72, "message": {"text": "hi"}, "x": [1, {"y": 99999999999999999999}]}',
    ],
    ids=["from-2^64", "from-2^63", "from-below-int64", "chat-2^64", "1e999", "-1e999", "deep-2^66"],
)
def test_numbers_no_column_can_hold_are_a_400_and_store_nothing(
    telegram_api: FakeTelegramAPI, post_update: Callable, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    with caplog.at_level(logging.INFO, logger="telegram_bridge"):
        response = post_update(body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": OUT_OF_RANGE}
    assert not ProcessedUpdate.objects.exists()
    assert telegram_api.calls == []
    assert "replayed" not in caplog.text


def test_the_largest_64_bit_id_is_accepted(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    response = post_update(_with_sender_id(2**63 - 1))
    assert response.status_code == 200
    row = ProcessedUpdate.objects.get()
    assert row.telegram_user_id == 2**63 - 1
    assert row.handled_at is not None
    assert len(telegram_api.sent_texts()) == 1  # the help text


def test_a_refusal_by_the_database_is_not_called_a_replay(
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(**fields: object) -> None:
        raise IntegrityError("CHECK constraint failed: JSON_VALID(payload)")

    monkeypatch.setattr(ProcessedUpdate.objects, "create", refuse)
    with caplog.at_level(logging.INFO, logger="telegram_bridge"), pytest.raises(IntegrityError):
        post_update(message_update(text="/help"))  # a 500: Telegram sends it again later
    assert "replayed" not in caplog.text
    assert not ProcessedUpdate.objects.exists()


def test_a_real_replay_is_still_one(
    telegram_api: FakeTelegramAPI, post_update: Callable, caplog: pytest.LogCaptureFixture
) -> None:
    update = message_update(text="/help")
    post_update(update)
    with caplog.at_level(logging.INFO, logger="telegram_bridge"):
        assert post_update(update).status_code == 200
    assert f"Telegram update {update['update_id']} replayed" in caplog.text
    assert len(telegram_api.sent_texts()) == 1


# --- shapes the handlers cannot read ------------------------------------------------------------------------


def _message(**changes: Any) -> dict[str, Any]:
    """A text message with some fields replaced (None removes one)."""
    update = message_update(text="hello")
    message = update["message"]
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    return update


def _sender(**changes: Any) -> dict[str, Any]:
    update = message_update(text="hello")
    update["message"]["from"].update(changes)
    return update


def _photo(**changes: Any) -> dict[str, Any]:
    update = photo_update("file-1", 1000)
    update["message"]["photo"][-1].update(changes)
    return update


def _document(**changes: Any) -> dict[str, Any]:
    document = {"file_id": "doc-1", "file_unique_id": "d", "mime_type": "image/jpeg", "file_size": 1000, **changes}
    return message_update(document=document)


def _button(**changes: Any) -> dict[str, Any]:
    update = callback_update("mood:0:3")
    query = update["callback_query"]
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return update


def _button_sender_id(value: object) -> dict[str, Any]:
    update = callback_update("mood:0:3")
    update["callback_query"]["from"]["id"] = value
    return update


# (update, what the person is sent with sendMessage, what answerCallbackQuery says)
SHAPES = [
    pytest.param(_sender(id="abc"), [NOT_READ], [], id="from-id-abc"),
    pytest.param(_sender(id=True), [NOT_READ], [], id="from-id-true"),
    pytest.param(_sender(language_code=5), [NOT_READ], [], id="from-language-5"),
    pytest.param(_message(**{"from": "Ann"}), [NOT_READ], [], id="from-a-string"),
    pytest.param(_message(text=12345), [NOT_READ], [], id="text-12345"),
    pytest.param(_message(text={}), [NOT_READ], [], id="text-object"),
    pytest.param(_message(entities=5), [NOT_READ], [], id="entities-5"),
    pytest.param(_message(date="yesterday"), [NOT_READ], [], id="date-text"),
    pytest.param(_photo(width="a"), [PHOTO_NOT_READ], [], id="photo-width-a"),
    pytest.param(_photo(file_id=5), [PHOTO_NOT_READ], [], id="photo-file-id-5"),
    pytest.param(_photo(file_size="big"), [PHOTO_NOT_READ], [], id="photo-file-size-text"),
    pytest.param(_message(photo="selfie.jpg"), [PHOTO_NOT_READ], [], id="photo-a-string"),
    pytest.param(_document(mime_type=5), [PHOTO_NOT_READ], [], id="document-mime-5"),
    pytest.param(_document(file_size="x"), [PHOTO_NOT_READ], [], id="document-size-text"),
    pytest.param(_message(document="me.jpg"), [PHOTO_NOT_READ], [], id="document-a-string"),
    pytest.param(_message(chat={"id": TG_USER_ID}), [NOT_READ], [], id="chat-without-type"),
    # Nobody to answer: no chat, or one without a usable id.
    pytest.param(_message(chat=None), [], [], id="no-chat"),
    pytest.param(_message(chat={"id": "777", "type": "private"}), [], [], id="chat-id-text"),
    pytest.param(_message(chat=[]), [], [], id="chat-a-list"),
    pytest.param({"message": "hello"}, [], [], id="message-a-string"),
    pytest.param({"edited_message": 5}, [], [], id="edited-message-5"),
    pytest.param(_message(**{"from": None}), [], [], id="no-sender"),
    # Button taps: answered as a button not understood, unless the tap itself has no id.
    pytest.param(_button(data=5), [], [BUTTON_NOT_UNDERSTOOD], id="button-data-5"),
    pytest.param(_button_sender_id("abc"), [], [BUTTON_NOT_UNDERSTOOD], id="button-from-id-abc"),
    pytest.param(_button(message={"message_id": 1, "date": 1}), [], [BUTTON_NOT_UNDERSTOOD], id="button-no-chat"),
    pytest.param(_button(id=5), [], [], id="button-id-5"),
]


@pytest.mark.parametrize(("update", "sent", "answered"), SHAPES)
def test_odd_shapes_are_answered_when_possible_and_never_crash(
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    linked: TelegramAccount,
    update: dict[str, Any],
    sent: list[str],
    answered: list[str],
) -> None:
    update.setdefault("update_id", 8_000_000)
    response = post_update(update)

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    row = ProcessedUpdate.objects.get(update_id=update["update_id"])
    assert row.handled_at is not None and row.payload is None
    # The task ran to its end: django-q records a task that raised as failed.
    assert Task.objects.exists() and not Task.objects.filter(success=False).exists()
    assert telegram_api.sent_texts() == sent
    assert [call.get("text") for call in telegram_api.calls_to("answerCallbackQuery")] == answered
    assert telegram_api.calls_to("getFile") == []  # a photo that could not be read is not downloaded
    assert not PhotoAssessment.objects.exists()
    assert not SelfReport.objects.exists()
    assert list(TelegramAccount.objects.values_list("telegram_user_id", flat=True)) == [linked.telegram_user_id]


def test_the_answer_follows_the_persons_language(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    update = message_update(text="hello", language="ru")
    update["message"]["text"] = 12345
    assert post_update(update).status_code == 200
    russian = "Не удалось прочитать это сообщение. Пожалуйста, отправьте его ещё раз."  # noqa: RUF001
    assert telegram_api.sent_texts() == [russian]
