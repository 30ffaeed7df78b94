"""/share in the bot: who sees the person's data and what each sees; stopping one with a confirmed button."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import CareLink, ConsentEvent
from telegram_bridge.models import TelegramAccount
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory, UserFactory
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import callback_update, message_update

pytestmark = pytest.mark.django_db


def _buttons(call: dict) -> list[dict]:
    return [button for row in call["reply_markup"]["inline_keyboard"] for button in row]


def test_share_lists_each_psychologist_with_what_they_see_and_stops_one(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    vera = PsychologistProfileFactory(user__first_name="Vera").user
    link = link_patient(linked.user, vera, categories=["readings", "flags"])

    post_update(message_update(text="/share"))

    [listing] = telegram_api.calls_to("sendMessage")
    assert "You share your data with:" in listing["text"]
    assert (
        "• Vera: Emotion readings: charts, mix of emotions, dates of photos; Burnout warning flags" in listing["text"]
    )
    [stop] = _buttons(listing)
    assert stop["text"] == "Stop sharing with Vera"

    post_update(callback_update(stop["callback_data"]))
    confirm = telegram_api.calls_to("editMessageText")[-1]
    assert confirm["text"] == "Stop sharing with Vera? They will no longer see your data, from now on."
    link.refresh_from_db()
    assert link.is_active  # asking is not stopping
    yes, cancel = _buttons(confirm)
    assert (yes["text"], cancel["text"]) == ("Yes, stop sharing", "Cancel")

    post_update(callback_update(yes["callback_data"]))

    link.refresh_from_db()
    assert link.status == CareLink.Status.REVOKED and link.ended_by == "patient"
    withdrawal = ConsentEvent.objects.filter(care_link=link, granted=False).get()
    assert withdrawal.channel == "telegram"
    assert telegram_api.calls_to("editMessageText")[-1]["text"] == "Vera can no longer see your data."

    # The same button again: the sharing has already ended, said in the answer.
    post_update(callback_update(yes["callback_data"]))
    assert telegram_api.calls_to("answerCallbackQuery")[-1]["text"] == "This sharing has already ended."


def test_share_in_russian_and_with_nobody(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/share", language="ru"))
    post_update(message_update(text="/share"))
    assert telegram_api.sent_texts() == [
        "Вы никому не открывали свои данные.",
        "You do not share your data with anyone.",
    ]
    assert "reply_markup" not in telegram_api.calls_to("sendMessage")[0]


def test_cancel_changes_nothing(telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount) -> None:
    link = link_patient(linked.user, PsychologistProfileFactory().user)
    post_update(callback_update("share:no"))
    assert telegram_api.calls_to("editMessageText")[-1]["text"] == "Cancelled. Nothing was changed."
    link.refresh_from_db()
    assert link.is_active


@pytest.mark.parametrize(
    ("data", "language", "answer"),
    [
        ("share:yes:abc", "en", "Sorry, I did not understand that button."),
        ("share:drop:1", "en", "Sorry, I did not understand that button."),
        ("share:yes:99999999999999999999", "en", "Sorry, I did not understand that button."),
        ("share:yes:{theirs}", "en", "No such sharing link."),
        ("share:ask:{theirs}", "ru", "Такого доступа нет."),
    ],
)
def test_bad_or_someone_elses_button_is_refused_and_changes_nothing(
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    linked: TelegramAccount,
    data: str,
    language: str,
    answer: str,
) -> None:
    theirs = link_patient(UserFactory(), PsychologistProfileFactory().user)

    post_update(callback_update(data.format(theirs=theirs.pk), language=language))

    assert telegram_api.calls_to("answerCallbackQuery")[-1]["text"] == answer
    theirs.refresh_from_db()
    assert theirs.is_active
    assert telegram_api.calls_to("editMessageText") == []


def test_share_in_an_unlinked_chat_asks_to_connect(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    post_update(message_update(text="/share"))
    [text] = telegram_api.sent_texts()
    assert text.startswith("This chat is not connected to an account yet.")
