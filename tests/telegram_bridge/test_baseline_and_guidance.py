"""The bot against the person's own baseline (/stats) and the CBI score's band with support when high (/cbi)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from emotions.models import BurnoutFlag, QuestionnaireResponse
from telegram_bridge.models import TelegramAccount
from tests.conftest import photo_history
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import callback_update, message_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday() -> Iterator[None]:
    """Noon, so each generated day's photos (an hour apart before that moment) fall on one calendar day."""
    with time_machine.travel(datetime(2030, 6, 1, 12, tzinfo=UTC)):
        yield


def _history(account: TelegramAccount) -> None:
    now = timezone.now()
    photo_history(account.user, now=now, days_ago=range(15, 100), per_day=3, negative_per_day=1)
    photo_history(account.user, now=now, days_ago=range(0, 14), per_day=3, negative_per_day=2)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Your usual share of negative photos: 33% (255 photos on 85 days).",
                "Last 7 days: 67% negative, +33 points against your usual: clearly more negative than usual for you.",
                "Last 14 days: 67% negative, +33 points against your usual: clearly more negative than usual for you.",
            ],
        ),
        (
            "ru",
            [
                "Ваша обычная доля негативных фото: 33% (255 фото за 85 дн.).",
                "Последние 14 дн.: 67% негативных, +33 п. п. к вашей норме: "
                "заметно больше негативного, чем обычно для вас.",
            ],
        ),
    ],
)
def test_stats_compares_with_the_personal_baseline(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, language: str, expected: list[str]
) -> None:
    _history(linked)

    post_update(message_update(text="/stats", language=language))

    [text] = telegram_api.sent_texts()
    for line in expected:
        assert line in text.splitlines()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "No personal baseline yet: it needs at least 20 analysed photos on 7 different days"),
        ("ru", "Личной нормы пока нет: для неё нужно не меньше 20 обработанных фото за 7 разных дней"),
    ],
)
def test_stats_says_plainly_there_is_no_baseline_yet(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, language: str, expected: str
) -> None:
    post_update(message_update(text="/stats", language=language))

    [text] = telegram_api.sent_texts()
    assert expected in text
    assert "points against your usual" not in text and "к вашей норме" not in text


def _answer_all(telegram_api: FakeTelegramAPI, post_update: Callable, answer: str, language: str) -> str:
    post_update(message_update(text="/cbi", language=language))
    for _item in range(6):
        keyboard = telegram_api.calls_to("sendMessage")[-1]["reply_markup"]["inline_keyboard"]
        data = next(row[0]["callback_data"] for row in keyboard if row[0]["callback_data"].endswith(f":{answer}"))
        post_update(callback_update(data, language=language))
    return telegram_api.sent_texts()[-1]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Thank you. Your score is 75 out of 100.",
                "In the bands commonly used with this questionnaire, that is high (75–99). Your answers describe high "
                "exhaustion: it is a good time to talk to someone about it.",
                "This is not a diagnosis, and feeling this way is common.",
                "If you are in crisis or think about harming yourself, call your local emergency number now.",
                "Share with a psychologist: https://burnout.example/care/",
            ],
        ),
        (
            "ru",
            [
                "По градациям, которые обычно применяют к этому опроснику, это высокий уровень (75–99).",
                "Это не диагноз",
                "Поделиться с психологом: https://burnout.example/care/",  # noqa: RUF001
            ],
        ),
    ],
)
def test_a_high_score_gets_its_band_and_the_card_at_once(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, language: str, expected: list[str]
) -> None:
    result = _answer_all(telegram_api, post_update, "often", language)

    for text in expected:
        assert text in result
    # The reply's evaluation ran after the commit: the episode's flag is open already.
    assert BurnoutFlag.objects.filter(user=linked.user, rule="cbi", cleared_at=None).count() == 1
    assert QuestionnaireResponse.objects.get(user=linked.user).score == 75


def test_a_low_score_gets_its_band_and_the_usual_caveat(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    result = _answer_all(telegram_api, post_update, "seldom", "en")

    assert "In the bands commonly used with this questionnaire, that is low (0–49)." in result
    assert "A questionnaire score is not a diagnosis. It helps you and your psychologist" in result
    assert "call your local emergency number" not in result
    assert not BurnoutFlag.objects.filter(user=linked.user).exists()
