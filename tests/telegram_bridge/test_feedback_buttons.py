""" "Was this right?" under the bot's result: right / choose the emotion (the seven) / skip, through the fake Bot API.

A tap carries the message's buttons as Telegram sends them, so answering one row leaves the other (mood) row.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest

from emotions.models import AssessmentFeedback, PhotoAssessment, SelfReport
from telegram_bridge.handlers.photos import _result_keyboard
from telegram_bridge.models import TelegramAccount
from tests.emotions import images
from tests.factories import UserFactory
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import TG_USER_ID, photo_update

pytestmark = pytest.mark.django_db

_ids = itertools.count(8_300_000)
NOT_UNDERSTOOD = "Sorry, I did not understand that button."


def tap(data: str, *, keyboard: list[list[dict[str, str]]] | None = None, language: str = "en") -> dict[str, Any]:
    """A tap on a button of the bot's result message, which carries `keyboard` as Telegram sends it."""
    message: dict[str, Any] = {
        "message_id": 4242,
        "date": int(time.time()),
        "chat": {"id": TG_USER_ID, "type": "private"},
        "text": "Your emotion: Happy",
    }
    if keyboard is not None:
        message["reply_markup"] = {"inline_keyboard": keyboard}
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": TG_USER_ID, "is_bot": False, "first_name": "Ann", "language_code": language},
            "chat_instance": "1",
            "data": data,
            "message": message,
        },
    }


def _answers(telegram_api: FakeTelegramAPI) -> list[str]:
    return [call.get("text", "") for call in telegram_api.calls_to("answerCallbackQuery")]


def _done(user: Any, label: str = "happy") -> PhotoAssessment:
    return PhotoAssessment.objects.create(
        user=user, source="telegram", status="done", label=label, valence="positive", negativity=0.1
    )


def _keyboard(assessment: PhotoAssessment) -> list[list[dict[str, str]]]:
    return _result_keyboard(assessment).to_dict()["inline_keyboard"]


def _data(keyboard: list[list[dict[str, Any]]]) -> list[list[str]]:
    return [[button["callback_data"] for button in row] for row in keyboard]


def test_the_result_carries_the_buttons_and_right_is_stored(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    content = images.face_jpeg(images.HAPPY_FACE)
    post_update(photo_update(telegram_api.add_file("photos/f.jpg", content), len(content)))
    assessment = PhotoAssessment.objects.get(user=linked.user)
    result = telegram_api.calls_to("sendMessage")[-1]
    assert result["text"].endswith("Was this reading right?")
    mood_row, feedback_row = result["reply_markup"]["inline_keyboard"]
    assert [button["text"] for button in feedback_row] == ["Right", "Not right…", "Skip"]
    pk = assessment.pk
    assert [button["callback_data"] for button in feedback_row] == [
        f"fb:{pk}:{assessment.label}",
        f"fb:{pk}:pick",
        f"fb:{pk}:skip",
    ]

    post_update(tap(feedback_row[0]["callback_data"], keyboard=[mood_row, feedback_row]))

    feedback = AssessmentFeedback.objects.get()
    assert (feedback.label, feedback.agrees, feedback.source, feedback.user) == (
        assessment.label,
        True,
        "telegram",
        linked.user,
    )
    assert _answers(telegram_api) == ["Thank you. You said the reading was right."]
    # Only the "Was this right?" row went: the mood buttons stay under the result.
    [edit] = telegram_api.calls_to("editMessageReplyMarkup")
    assert _data(edit["reply_markup"]["inline_keyboard"]) == _data([mood_row])


def test_choose_shows_the_seven_then_stores_the_chosen_one(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    assessment = _done(linked.user, "happy")
    keyboard = _keyboard(assessment)

    post_update(tap(f"fb:{assessment.pk}:pick", keyboard=keyboard))
    assert not AssessmentFeedback.objects.exists()
    assert _answers(telegram_api) == ["Which emotion does the photo show?"]
    shown = telegram_api.calls_to("editMessageReplyMarkup")[-1]["reply_markup"]["inline_keyboard"]
    assert _data(shown)[0] == _data(keyboard)[0]  # the mood row stays first
    emotions = [button["text"] for row in shown[1:] for button in row]
    assert emotions == ["Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise", "Neutral", "Skip"]

    post_update(tap(f"fb:{assessment.pk}:sad", keyboard=shown))
    feedback = AssessmentFeedback.objects.get()
    assert (feedback.label, feedback.model_label, feedback.agrees) == ("sad", "happy", False)
    assert _answers(telegram_api)[-1] == "Thank you. You said the photo shows: Sad."
    assert _data(telegram_api.calls_to("editMessageReplyMarkup")[-1]["reply_markup"]["inline_keyboard"]) == [
        _data(keyboard)[0]
    ]


def test_skip_stores_nothing_and_a_mood_tap_keeps_the_feedback_row(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    assessment = _done(linked.user)
    keyboard = _keyboard(assessment)

    post_update(tap(keyboard[0][3]["callback_data"], keyboard=keyboard))  # mood 4
    assert SelfReport.objects.get().mood == 4
    assert _data(telegram_api.calls_to("editMessageReplyMarkup")[-1]["reply_markup"]["inline_keyboard"]) == [
        _data(keyboard)[1]
    ]

    post_update(tap(f"fb:{assessment.pk}:skip", keyboard=[keyboard[1]]))
    assert not AssessmentFeedback.objects.exists()
    assert _answers(telegram_api)[-1] == "OK, nothing saved."
    assert not telegram_api.calls_to("editMessageReplyMarkup")[-1].get("reply_markup")


@pytest.mark.parametrize(
    "data",
    ["fb:", "fb:abc:happy", "fb:1:joy", "fb:1", "fb:-1:happy", "fb:99999999999999999999999:happy", "fb:1:happy:x"],
)
def test_malformed_data_is_not_understood_and_stores_nothing(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, data: str
) -> None:
    _done(linked.user)
    assert post_update(tap(data)).status_code == 200
    post_update(tap(data, language="ru"))
    assert _answers(telegram_api) == [NOT_UNDERSTOOD, "Извините, эта кнопка мне непонятна."]
    assert not AssessmentFeedback.objects.exists()
    assert not telegram_api.calls_to("editMessageReplyMarkup")


@pytest.mark.parametrize("action", ["happy", "pick"])
def test_someone_elses_photo_is_refused_and_nothing_stored(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, action: str
) -> None:
    theirs = _done(UserFactory())
    post_update(tap(f"fb:{theirs.pk}:{action}"))
    post_update(tap(f"fb:{theirs.pk}:{action}", language="ru"))
    assert _answers(telegram_api) == ["No such photo among yours.", "Среди ваших фотографий такой нет."]
    assert not AssessmentFeedback.objects.exists()
    assert not telegram_api.calls_to("editMessageReplyMarkup")


def test_a_photo_without_a_reading_is_refused_in_both_languages(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    failed = PhotoAssessment.objects.create(user=linked.user, source="telegram", status="no_face")
    post_update(tap(f"fb:{failed.pk}:sad"))
    post_update(tap(f"fb:{failed.pk}:sad", language="ru"))
    assert _answers(telegram_api) == [
        "This photo has no reading to check: it could not be analysed.",
        "У этой фотографии нет оценки для проверки: её не удалось проанализировать.",  # noqa: RUF001
    ]
    assert not AssessmentFeedback.objects.exists()


def test_russian_buttons_and_thanks(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    assessment = _done(linked.user, "happy")
    post_update(tap(f"fb:{assessment.pk}:pick", keyboard=_keyboard(assessment), language="ru"))
    shown = telegram_api.calls_to("editMessageReplyMarkup")[-1]["reply_markup"]["inline_keyboard"]
    assert "Грусть" in [button["text"] for row in shown for button in row]
    post_update(tap(f"fb:{assessment.pk}:sad", language="ru"))
    assert _answers(telegram_api)[-1] == "Спасибо. Вы отметили, что на фотографии: Грусть."


def test_an_unlinked_chat_is_told_to_connect(telegram_api: FakeTelegramAPI, post_update: Callable, user: Any) -> None:
    assessment = _done(user)
    post_update(tap(f"fb:{assessment.pk}:happy"))
    assert not AssessmentFeedback.objects.exists()
    assert _answers(telegram_api) and "connect" in _answers(telegram_api)[0].lower()
