"""/remind HH:MM: one daily check-in in the person's time zone, sent once even with several workers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

import pytest
import time_machine
from django_q.models import Schedule

from telegram_bridge import tasks
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import telegram_reminder_claim_due, telegram_reminder_set
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import message_update

pytestmark = pytest.mark.django_db


def test_remind_command_sets_and_turns_off(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/remind 09:30"))
    linked.refresh_from_db()
    assert linked.remind_at == time(9, 30)
    post_update(message_update(text="/remind nonsense"))
    post_update(message_update(text="/remind off"))
    linked.refresh_from_db()
    assert linked.remind_at is None
    set_text, usage, off = telegram_api.sent_texts()
    assert set_text == "Done! I will remind you every day at 09:30 (UTC)."
    assert usage.startswith("I remind you every day at 09:30. Use /remind HH:MM")
    assert off == "Daily reminders are off."


def test_reminder_is_sent_once_a_day_at_local_time(telegram_api: FakeTelegramAPI, linked: TelegramAccount) -> None:
    linked.user.timezone = "Europe/Moscow"  # UTC+3
    linked.user.save()
    with time_machine.travel(datetime(2026, 3, 2, 5, 0, tzinfo=UTC), tick=False):  # 08:00 in Moscow
        telegram_reminder_set(account=linked, at=time(9, 0))
        assert tasks.send_reminders() == 0
    with time_machine.travel(datetime(2026, 3, 2, 6, 1, tzinfo=UTC), tick=False):  # 09:01 in Moscow
        assert tasks.send_reminders() == 1
        assert tasks.send_reminders() == 0  # a second worker, or the next sweep, sends nothing
    with time_machine.travel(datetime(2026, 3, 3, 6, 5, tzinfo=UTC), tick=False):
        assert tasks.send_reminders() == 1
    [first, _second] = telegram_api.calls_to("sendMessage")
    assert first["text"].startswith("Time for your daily check-in")
    assert len(first["reply_markup"]["inline_keyboard"][0]) == 5


def test_a_time_already_past_today_starts_tomorrow(linked: TelegramAccount) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False):
        telegram_reminder_set(account=linked, at=time(9, 0))
        assert telegram_reminder_claim_due() == []


def test_the_sweep_is_scheduled() -> None:
    schedule = Schedule.objects.get(func="telegram_bridge.tasks.send_reminders")
    assert (schedule.schedule_type, schedule.minutes) == ("I", 5)
