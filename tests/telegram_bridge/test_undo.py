"""/undo: the latest entry, deleted after a tap on "Yes", audited and gone from the journal; "Keep it" keeps it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from emotions.models import PhotoAssessment, SelfReport
from telegram_bridge.models import TelegramAccount
from tests.factories import UserFactory
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import callback_update, message_update

pytestmark = pytest.mark.django_db


def _question(telegram_api: FakeTelegramAPI, post_update: Callable, language: str = "en") -> tuple[str, str, str]:
    post_update(message_update(text="/undo", language=language))
    sent = telegram_api.calls_to("sendMessage")[-1]
    [[yes, keep]] = sent["reply_markup"]["inline_keyboard"]
    return sent["text"], yes["callback_data"], keep["callback_data"]


@pytest.fixture
def latest(linked: TelegramAccount) -> SelfReport:
    user = linked.user
    PhotoAssessment.objects.create(user=user, captured_at=timezone.now() - timedelta(days=1))
    return SelfReport.objects.create(user=user, mood=2, note="rough day", at=timezone.now() - timedelta(hours=1))


def test_undo_asks_about_the_latest_entry_then_deletes_it(
    telegram_api: FakeTelegramAPI, post_update: Callable, latest: SelfReport
) -> None:
    text, yes, keep = _question(telegram_api, post_update)
    assert text.startswith("Delete your latest entry? Mood: 2 of 5 (rough day), ")
    assert yes == f"undo:self_report:{latest.pk}" and keep == "undo:keep"
    assert SelfReport.objects.filter(pk=latest.pk).exists()  # asking deletes nothing
    post_update(callback_update(yes))
    assert not SelfReport.objects.filter(pk=latest.pk).exists()
    assert PhotoAssessment.objects.count() == 1  # only that one entry
    assert telegram_api.calls_to("editMessageText")[-1]["text"] == "Deleted: Mood: 2 of 5 (rough day)."
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENTRY_DELETED)
    assert event.detail == {"kind": "self_report", "channel": "telegram"}
    # A second tap on the same button deletes nothing more and says why.
    post_update(callback_update(yes))
    assert telegram_api.calls_to("answerCallbackQuery")[-1]["text"] == "No such mood rating."
    assert PhotoAssessment.objects.count() == 1


def test_keep_it_keeps_the_entry(telegram_api: FakeTelegramAPI, post_update: Callable, latest: SelfReport) -> None:
    _text, _yes, keep = _question(telegram_api, post_update)
    post_update(callback_update(keep))
    assert SelfReport.objects.filter(pk=latest.pk).exists()
    assert telegram_api.calls_to("editMessageText")[-1]["text"] == "Kept. Nothing was deleted."


def test_in_russian(telegram_api: FakeTelegramAPI, post_update: Callable, latest: SelfReport) -> None:
    text, yes, _keep = _question(telegram_api, post_update, language="ru")
    assert text.startswith("Удалить вашу последнюю запись? Настроение: 2 из 5 (rough day), ")
    post_update(callback_update(yes, language="ru"))
    assert telegram_api.calls_to("editMessageText")[-1]["text"] == "Удалено: Настроение: 2 из 5 (rough day)."


def test_nothing_to_undo(telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount) -> None:
    post_update(message_update(text="/undo"))
    assert telegram_api.calls_to("sendMessage")[-1]["text"] == "You have no entries yet, so there is nothing to delete."


@pytest.mark.parametrize("data", ["undo:self_report:abc", "undo:photo:1", "undo:self_report:" + "9" * 30])
def test_a_forged_button_deletes_nothing(
    telegram_api: FakeTelegramAPI, post_update: Callable, latest: SelfReport, data: str
) -> None:
    post_update(callback_update(data))
    assert SelfReport.objects.filter(pk=latest.pk).exists()
    assert telegram_api.calls_to("answerCallbackQuery")[-1]["text"]


def test_someone_elses_entry_cannot_be_deleted_by_a_forged_button(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    other = SelfReport.objects.create(user=UserFactory(), mood=5)
    post_update(callback_update(f"undo:self_report:{other.pk}"))
    assert SelfReport.objects.filter(pk=other.pk).exists()
    assert telegram_api.calls_to("answerCallbackQuery")[-1]["text"] == "No such mood rating."
