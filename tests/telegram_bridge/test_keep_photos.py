"""The selfie leaves the chat too: after the analysis the bot deletes the photo message (Bot API deleteMessage),
unless the person sends /keepphotos on; the result says so once; a refused deletion is logged, not retried."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from emotions.models import PhotoAssessment
from telegram_bridge.handlers import assessment_notify
from telegram_bridge.models import TelegramAccount
from tests.emotions import images
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import TG_USER_ID, message_update, photo_update

pytestmark = pytest.mark.django_db

TOLD = "I deleted your photo from this chat after the analysis, as the website deletes it."


def _send_photo(telegram_api: FakeTelegramAPI, post_update: Callable, name: str, **kwargs: object) -> dict:
    content = images.face_jpeg()
    file_id = telegram_api.add_file(f"photos/{name}.jpg", content)
    update = photo_update(file_id, len(content), **kwargs)
    post_update(update)
    return update["message"]


def test_the_photo_is_deleted_after_the_analysis_and_the_reply_says_so_once(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    first = _send_photo(telegram_api, post_update, "a")
    second = _send_photo(telegram_api, post_update, "b")

    assert PhotoAssessment.objects.filter(status=PhotoAssessment.Status.DONE).count() == 2
    deleted = telegram_api.calls_to("deleteMessage")
    assert [(call["chat_id"], call["message_id"]) for call in deleted] == [
        (str(TG_USER_ID), str(first["message_id"])),
        (str(TG_USER_ID), str(second["message_id"])),
    ]
    results = [text for text in telegram_api.sent_texts() if text.startswith("Your emotion")]
    assert len(results) == 2
    assert TOLD in results[0] and TOLD not in results[1]
    linked.refresh_from_db()
    assert linked.photo_deletion_told and not linked.keep_photos


def test_keepphotos_on_keeps_them_and_off_deletes_again(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/keepphotos on"))
    _send_photo(telegram_api, post_update, "c")
    assert telegram_api.calls_to("deleteMessage") == []
    assert not any(TOLD in text for text in telegram_api.sent_texts())

    post_update(message_update(text="/keepphotos off"))
    _send_photo(telegram_api, post_update, "d")
    assert len(telegram_api.calls_to("deleteMessage")) == 1
    assert telegram_api.sent_texts()[0] == (
        "Your photos now stay in this chat. Send /keepphotos off to have each one deleted after the analysis."
    )
    assert "I will now delete each photo from this chat after the analysis. Send /keepphotos on to keep them." in (
        telegram_api.sent_texts()
    )


@pytest.mark.parametrize(
    ("language", "argument", "expected"),
    [
        ("en", "", "I delete each photo from this chat after the analysis. Send /keepphotos on to keep them."),
        ("en", "maybe", "I delete each photo from this chat after the analysis. Send /keepphotos on to keep them."),
        (
            "ru",
            "может",
            "Я удаляю каждое фото из этого чата после анализа. Отправьте /keepphotos on, чтобы их оставлять.",
        ),
    ],
)
def test_keepphotos_without_a_valid_choice_says_what_holds_and_changes_nothing(
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    linked: TelegramAccount,
    language: str,
    argument: str,
    expected: str,
) -> None:
    post_update(message_update(text=f"/keepphotos {argument}".strip(), language=language))
    assert telegram_api.sent_texts() == [expected]
    linked.refresh_from_db()
    assert not linked.keep_photos


def test_keepphotos_in_an_unlinked_chat_asks_to_connect(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    post_update(message_update(text="/keepphotos on"))
    [text] = telegram_api.sent_texts()
    assert text.startswith("This chat is not connected to an account yet.")
    assert not TelegramAccount.objects.exists()


def test_a_refused_deletion_is_logged_once_and_the_result_still_arrives(
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    linked: TelegramAccount,
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegram_api.fail_next("deleteMessage", 400, "Bad Request: message can't be deleted")
    with caplog.at_level(logging.WARNING, logger="telegram_bridge"):
        _send_photo(telegram_api, post_update, "e")

    assessment = PhotoAssessment.objects.get()
    assert len(telegram_api.calls_to("deleteMessage")) == 1
    assert f"could not delete the photo message of assessment {assessment.pk}" in caplog.text
    assert "message can't be deleted" in caplog.text.lower()
    [result] = [text for text in telegram_api.sent_texts() if text.startswith("Your emotion")]
    assert TOLD not in result  # nothing was deleted, so nothing is said
    linked.refresh_from_db()
    assert not linked.photo_deletion_told

    # Notified again (the sweep), nothing is retried: the deletion belongs to the first attempt only.
    assessment_notify(assessment_id=assessment.pk)
    assert len(telegram_api.calls_to("deleteMessage")) == 1


def test_a_photo_from_the_website_is_no_chat_message(
    telegram_api: FakeTelegramAPI, linked: TelegramAccount, django_capture_on_commit_callbacks: Callable
) -> None:
    from emotions.services import assessment_create, photo_validate

    with django_capture_on_commit_callbacks(execute=True):
        assessment_create(user=linked.user, photo=photo_validate(data=images.face_jpeg()), source="web")
    assert telegram_api.calls_to("deleteMessage") == []
