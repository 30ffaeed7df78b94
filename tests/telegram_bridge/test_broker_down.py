"""The bot's queueing when the broker is down: an update waits for the sweep, an alert goes by e-mail."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from emotions.models import QuestionnaireResponse
from emotions.services import burnout_flag_evaluate
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import update_handling_enqueue
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory
from tests.fakes.telegram_api import FakeTelegramAPI

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 6, tzinfo=UTC)
DOC_CHAT = 424242


def _broker_down(*args: object, **kwargs: object) -> None:
    raise ConnectionError("broker unreachable")


def test_an_update_that_cannot_be_queued_is_logged_and_left_to_the_sweep(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("django_q.tasks.async_task", _broker_down)
    with caplog.at_level(logging.ERROR):
        update_handling_enqueue(update_id=5151)  # does not raise: Telegram already has its 200
    assert "could not enqueue Telegram update 5151" in caplog.text


def test_an_alert_that_cannot_be_queued_for_telegram_goes_by_mail(
    telegram_api: FakeTelegramAPI,
    user: User,
    django_capture_on_commit_callbacks: Callable,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    psychologist = PsychologistProfileFactory(user__email="doc@example.com", alert_channel="telegram").user
    link_patient(user, psychologist)
    TelegramAccount.objects.create(user=psychologist, telegram_user_id=DOC_CHAT, chat_id=DOC_CHAT, language="en")
    monkeypatch.setattr("django_q.tasks.async_task", _broker_down)

    QuestionnaireResponse.objects.create(user=user, answers={}, score=75, at=START)
    with time_machine.travel(START, tick=False), django_capture_on_commit_callbacks(execute=True):
        burnout_flag_evaluate(user=user)

    assert telegram_api.calls_to("sendMessage") == []
    [message] = mail.outbox
    assert message.to == ["doc@example.com"]
