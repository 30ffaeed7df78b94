"""/cbi: the CBI personal-burnout scale in the chat, one item per message, resumable, stored once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from accounts.models import ConsentKind, User
from accounts.services import consent_withdraw
from emotions.models import CBI_ITEM_KEYS, QuestionnaireResponse
from emotions.services import questionnaire_cbi_create
from telegram_bridge import tasks
from telegram_bridge.models import CbiProgress, TelegramAccount
from telegram_bridge.services import telegram_reminder_set
from tests.factories import UserFactory
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import TG_USER_ID, callback_update, message_update

pytestmark = pytest.mark.django_db

# Points 100, 75, 50, 25, 0, 75: the scale score is their mean, 325 / 6.
ANSWERS = ["always", "often", "sometimes", "seldom", "never", "often"]
SCORE = 325 / 6
STALE = "This questionnaire is already finished or has expired. Send /cbi to answer it again."
NOT_UNDERSTOOD = "Sorry, I did not understand that button."


def _buttons(telegram_api: FakeTelegramAPI) -> dict[str, str]:
    """Answer key -> callback data of the last question the bot sent."""
    keyboard = telegram_api.calls_to("sendMessage")[-1]["reply_markup"]["inline_keyboard"]
    return {row[0]["callback_data"].rsplit(":", 1)[1]: row[0]["callback_data"] for row in keyboard}


def _tap(telegram_api: FakeTelegramAPI, post_update: Callable, answer: str) -> str:
    data = _buttons(telegram_api)[answer]
    post_update(callback_update(data))
    return data


def _last_answer(telegram_api: FakeTelegramAPI) -> str | None:
    return telegram_api.calls_to("answerCallbackQuery")[-1].get("text")


def test_a_full_run_stores_the_score_and_says_it_is_not_a_diagnosis(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/cbi"))
    intro, first = telegram_api.calls_to("sendMessage")
    assert intro["text"].startswith("The personal burnout scale of the Copenhagen Burnout Inventory")
    assert first["text"] == "Question 1 of 6: How often do you feel tired?"
    labels = [row[0]["text"] for row in first["reply_markup"]["inline_keyboard"]]
    assert labels == ["Always", "Often", "Sometimes", "Seldom", "Never / almost never"]
    assert all(len(data.encode()) <= 64 for data in _buttons(telegram_api).values())

    for answer in ANSWERS:
        _tap(telegram_api, post_update, answer)

    response = QuestionnaireResponse.objects.get(user=linked.user)
    assert response.score == pytest.approx(SCORE)
    assert response.answers == dict(zip(CBI_ITEM_KEYS, ANSWERS, strict=True))
    assert not CbiProgress.objects.exists()
    result = telegram_api.sent_texts()[-1]
    assert result.startswith("Thank you. Your score is 54 out of 100.")
    assert "A questionnaire score is not a diagnosis." in result
    assert "https://burnout.example/questionnaires/cbi/" in result
    questions = telegram_api.sent_texts()[1:-1]
    assert [text.split(":")[0] for text in questions] == [f"Question {n} of 6" for n in range(1, 7)]
    # Each answered question keeps its text and the answer given, and loses its buttons.
    edits = telegram_api.calls_to("editMessageText")
    assert edits[0]["text"] == "Question 1 of 6: How often do you feel tired?\nYour answer: Always"
    assert len(edits) == 6 and not any("reply_markup" in edit for edit in edits)
    assert _last_answer(telegram_api) == "Thank you! Your answers are saved."


def test_stopping_after_three_and_sending_cbi_again_goes_on_with_the_fourth(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/cbi"))
    for answer in ANSWERS[:3]:
        _tap(telegram_api, post_update, answer)
    assert CbiProgress.objects.get(account=linked).answers == dict(zip(CBI_ITEM_KEYS[:3], ANSWERS[:3], strict=True))

    post_update(message_update(text="/cbi"))
    resumed, question = telegram_api.sent_texts()[-2:]
    assert resumed == "You started the questionnaire earlier. Let us go on with question 4 of 6."
    assert question == "Question 4 of 6: How often do you think: “I can’t take it anymore”?"  # noqa: RUF001

    for answer in ANSWERS[3:]:
        _tap(telegram_api, post_update, answer)
    response = QuestionnaireResponse.objects.get(user=linked.user)
    assert response.answers == dict(zip(CBI_ITEM_KEYS, ANSWERS, strict=True))
    assert response.score == pytest.approx(SCORE)


def test_an_answered_or_finished_button_tapped_again_stores_nothing(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/cbi"))
    first = _tap(telegram_api, post_update, "always")
    post_update(callback_update(first.replace(":always", ":never")))
    assert _last_answer(telegram_api) == "You have already answered this question."
    assert CbiProgress.objects.get().answers == {"tired": "always"}
    # The old message's buttons go, so it is not tapped a third time.
    [removed] = telegram_api.calls_to("editMessageReplyMarkup")
    assert not removed.get("reply_markup")

    for answer in ANSWERS[1:]:
        _tap(telegram_api, post_update, answer)
    post_update(callback_update(first))
    assert _last_answer(telegram_api) == STALE
    assert QuestionnaireResponse.objects.count() == 1


def test_forged_callback_data_gets_a_short_answer(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/cbi"))
    run_id = CbiProgress.objects.get().pk
    for data in (
        "cbi:abc:0:often",
        f"cbi:{run_id}:6:often",
        f"cbi:{run_id}:0:bogus",
        f"cbi:{run_id}:0",
        "cbi:99999999999999999999999999:0:often",
        f"cbi:{run_id}:²:often",
        "nonsense",
    ):
        post_update(callback_update(data))
        assert _last_answer(telegram_api) == NOT_UNDERSTOOD, data
    post_update(callback_update(f"cbi:{run_id + 1}:0:often"))
    assert _last_answer(telegram_api) == STALE
    assert CbiProgress.objects.get().answers == {}
    assert not QuestionnaireResponse.objects.exists()


def test_an_expired_run_is_not_continued(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/cbi"))
    first = _tap(telegram_api, post_update, "often")
    second = _buttons(telegram_api)["often"]
    CbiProgress.objects.update(started_at=datetime.now(UTC) - timedelta(hours=25))

    post_update(callback_update(second))
    assert _last_answer(telegram_api) == STALE
    post_update(message_update(text="/cbi"))
    intro, question = telegram_api.sent_texts()[-2:]
    assert intro.startswith("The personal burnout scale")
    assert question.startswith("Question 1 of 6")
    assert CbiProgress.objects.get().answers == {}
    assert first != _buttons(telegram_api)["often"]  # a new run, so the old buttons answer nothing


def test_expired_runs_are_purged(linked: TelegramAccount) -> None:
    CbiProgress.objects.create(account=linked, started_at=datetime.now(UTC) - timedelta(hours=25))
    assert tasks.purge_expired_questionnaires() == 1
    assert not CbiProgress.objects.exists()


def test_not_linked(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    post_update(message_update(text="/cbi"))
    post_update(callback_update("cbi:1:0:often"))
    [text] = telegram_api.sent_texts()
    assert text.startswith("This chat is not connected to an account yet.")
    assert _last_answer(telegram_api).startswith("This chat is not connected to an account yet.")
    assert not CbiProgress.objects.exists()


def test_without_consent_asks_to_accept_the_terms(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    person = UserFactory()
    TelegramAccount.objects.create(user=person, telegram_user_id=TG_USER_ID, chat_id=TG_USER_ID)
    post_update(message_update(text="/cbi"))
    [text] = telegram_api.sent_texts()
    assert text.startswith("Before we analyse photos, please read and accept the current consent")
    assert text.endswith("accept the terms on the website: https://burnout.example/accounts/privacy/")
    assert not CbiProgress.objects.exists()


def test_consent_withdrawn_half_way_stores_nothing_more(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/cbi"))
    _tap(telegram_api, post_update, "often")
    consent_withdraw(user=linked.user, kind=ConsentKind.PROCESSING)
    _tap(telegram_api, post_update, "often")
    assert telegram_api.sent_texts()[-1].endswith("https://burnout.example/accounts/privacy/")
    assert _last_answer(telegram_api).startswith("Before we analyse photos")
    assert CbiProgress.objects.get().answers == {"tired": "often"}


def test_help_lists_cbi_and_russian_questions(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/help"))
    assert "/cbi - " in telegram_api.sent_texts()[0]
    post_update(message_update(text="/cbi", language="ru"))
    question = telegram_api.sent_texts()[-1]
    assert question.startswith("Вопрос 1 из 6: ")
    assert "Always" not in str(telegram_api.calls_to("sendMessage")[-1]["reply_markup"])


def test_the_daily_reminder_offers_the_questionnaire_once_a_week(
    telegram_api: FakeTelegramAPI, linked: TelegramAccount, user: User
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 5, 0, tzinfo=UTC), tick=False):
        telegram_reminder_set(account=linked, at=time(6, 0))
    with time_machine.travel(datetime(2026, 3, 2, 6, 1, tzinfo=UTC), tick=False):
        assert tasks.send_reminders() == 1
        questionnaire_cbi_create(user=user, answers=dict.fromkeys(CBI_ITEM_KEYS, "often"))
    with time_machine.travel(datetime(2026, 3, 3, 6, 1, tzinfo=UTC), tick=False):
        assert tasks.send_reminders() == 1
    due, answered = telegram_api.sent_texts()
    assert due.startswith("Time for your daily check-in")
    assert due.endswith("Send /cbi to answer it here.")
    assert "/cbi" not in answered
