"""The bot's result reply and /stats with the reading's confidence, through the fake Bot API (real model)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from emotions.models import PhotoAssessment
from telegram_bridge.models import TelegramAccount
from tests.emotions import images
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import message_update, photo_update

pytestmark = pytest.mark.django_db


def _result_reply(telegram_api: FakeTelegramAPI, post_update: Callable, language: str = "en") -> str:
    content = images.face_jpeg()
    file_id = telegram_api.add_file("photos/confidence.jpg", content)
    post_update(photo_update(file_id, len(content), language=language))
    return telegram_api.sent_texts()[-1]


def test_result_reply_says_how_sure_and_names_the_negative_tone(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, settings: SettingsWrapper
) -> None:
    # Thresholds at 0 and 0: every reading is "sure", whatever the real model answers for this face.
    settings.CONFIDENCE_SURE_PERCENT = settings.CONFIDENCE_UNSURE_BELOW_PERCENT = 0
    text = _result_reply(telegram_api, post_update)
    assessment = PhotoAssessment.objects.get(user=linked.user)
    assert f"How sure: sure ({assessment.confidence_percent}%)" in text
    assert f"Negative tone of this photo: {assessment.negativity_percent}%" in text
    assert "Negative emotions:" not in text
    assert "not counted" not in text


def test_an_unsure_result_says_it_is_kept_but_not_counted(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, settings: SettingsWrapper
) -> None:
    # Thresholds at 100: no probability is above 1, so every reading is "unsure".
    settings.CONFIDENCE_SURE_PERCENT = settings.CONFIDENCE_UNSURE_BELOW_PERCENT = 100
    text = _result_reply(telegram_api, post_update)
    assessment = PhotoAssessment.objects.get(user=linked.user)
    assert assessment.status == PhotoAssessment.Status.DONE and assessment.is_unsure
    assert f"How sure: unsure ({assessment.confidence_percent}%)" in text
    assert (
        "The model is unsure about this photo: it stays in your list but is not counted in your shares, charts "
        "or alerts." in text
    )


def test_result_reply_in_russian(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, settings: SettingsWrapper
) -> None:
    settings.CONFIDENCE_SURE_PERCENT = settings.CONFIDENCE_UNSURE_BELOW_PERCENT = 100
    linked.language = "ru"
    linked.save()
    text = _result_reply(telegram_api, post_update, language="ru")
    assessment = PhotoAssessment.objects.get(user=linked.user)
    assert f"Уверенность: низкая ({assessment.confidence_percent}%)" in text
    assert f"Негативный оттенок снимка: {assessment.negativity_percent}%" in text
    assert "Уверенность модели в этом снимке низкая" in text


def _reading(account: TelegramAccount, label: str, confidence: float) -> None:
    PhotoAssessment.objects.create(
        user=account.user,
        captured_at=timezone.now(),
        status="done",
        label=label,
        valence="negative" if label == "sad" else "positive",
        negativity=0.5,
        confidence=confidence,
    )


def test_stats_leave_unsure_readings_out_and_say_how_many(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    _reading(linked, "sad", 0.8)
    _reading(linked, "happy", 0.9)
    _reading(linked, "sad", 0.3)
    _reading(linked, "sad", 0.2)
    post_update(message_update(text="/stats"))
    [text] = telegram_api.sent_texts()
    assert "Last 7 days: 2 photos, 50% with a negative emotion. 2 unsure readings not counted." in text


def test_stats_in_russian_when_every_reading_is_unsure(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    linked.language = "ru"
    linked.save()
    _reading(linked, "sad", 0.3)
    post_update(message_update(text="/stats", language="ru"))
    [text] = telegram_api.sent_texts()
    assert (
        "За последние 7 дней: нет оценок с достаточной уверенностью. 1 оценка с низкой уверенностью не учтена."  # noqa: RUF001
        in text
    )
