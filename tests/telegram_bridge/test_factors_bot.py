"""After /mood the bot asks for the optional factors (workload, sleep, own tags), each skippable."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import User
from emotions.factor_models import FactorTag
from emotions.models import SelfReport
from tests.factories import UserFactory
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import callback_update, message_update

pytestmark = pytest.mark.django_db


def test_the_bot_asks_for_factors_after_mood(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: object, user: User
) -> None:
    FactorTag.objects.create(user=user, name="deadline")
    post_update(message_update(text="/mood"))
    post_update(callback_update("mood:0:2"))
    report = SelfReport.objects.get(user=user)
    question = telegram_api.calls_to("sendMessage")[-1]
    assert question["text"] == "Anything behind it? Your workload today, from 1 (light) to 5 (overwhelming):"
    assert question["reply_markup"]["inline_keyboard"][-1][0]["text"] == "Skip"
    post_update(callback_update(f"fac:w:{report.pk}:4"))
    assert telegram_api.calls_to("sendMessage")[-1]["text"] == "How many hours did you sleep last night?"
    post_update(callback_update(f"fac:s:{report.pk}:skip"))
    tags_question = telegram_api.calls_to("sendMessage")[-1]
    [[deadline], [done]] = tags_question["reply_markup"]["inline_keyboard"]
    post_update(callback_update(deadline["callback_data"]))
    post_update(callback_update(done["callback_data"]))
    report.refresh_from_db()
    assert (report.workload, report.sleep_hours) == (4, None)
    assert [tag.name for tag in report.tags.all()] == ["deadline"]
    # Someone else's rating cannot be changed by a forged button.
    other = SelfReport.objects.create(user=UserFactory(), mood=5)
    post_update(callback_update(f"fac:w:{other.pk}:1"))
    other.refresh_from_db()
    assert other.workload is None
    assert telegram_api.calls_to("answerCallbackQuery")[-1]["text"] == "No such mood rating."
