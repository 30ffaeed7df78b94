"""/delete: erasure of the account and everything about the person, confirmed with a bound, expiring button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from accounts.models import AuditEvent, User
from emotions.models import CBI_ITEM_KEYS, PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.services import assessment_create, photo_validate, questionnaire_cbi_create
from telegram_bridge.models import CbiProgress, ProcessedUpdate, TelegramAccount
from telegram_bridge.services import telegram_account_erase_token_sign
from tests.emotions import images
from tests.factories import UserFactory
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import callback_update, message_update

pytestmark = pytest.mark.django_db

DELETED = "Your account and all your data have been deleted."
NOT_FOR_YOU = "This button is not valid for you. Nothing was deleted."


def _confirmation(telegram_api: FakeTelegramAPI, post_update: Callable) -> tuple[str, str]:
    """Send /delete; the callback data of its "Yes" and "Cancel" buttons."""
    post_update(message_update(text="/delete"))
    [[yes, cancel]] = telegram_api.calls_to("sendMessage")[-1]["reply_markup"]["inline_keyboard"]
    assert (yes["text"], cancel["text"]) == ("Yes, delete everything", "Cancel")
    return yes["callback_data"], cancel["callback_data"]


def _last_answer(telegram_api: FakeTelegramAPI) -> str:
    return telegram_api.calls_to("answerCallbackQuery")[-1]["text"]


@pytest.fixture
def with_data(
    telegram_api: FakeTelegramAPI,
    post_update: Callable,
    linked: TelegramAccount,
    django_capture_on_commit_callbacks: Callable,
    media_root: Path,
) -> User:
    """The linked person with a photo (file kept while its analysis waits), a mood, a questionnaire, one half done."""
    user = linked.user
    with django_capture_on_commit_callbacks(execute=False):
        assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))
    assert any(path.is_file() for path in media_root.rglob("*"))
    post_update(callback_update("mood:0:4"))
    questionnaire_cbi_create(user=user, answers=dict.fromkeys(CBI_ITEM_KEYS, "often"))
    post_update(message_update(text="/cbi"))
    assert SelfReport.objects.filter(user=user).exists() and CbiProgress.objects.exists()
    return user


def test_confirming_erases_the_account_and_everything(
    telegram_api: FakeTelegramAPI, post_update: Callable, with_data: User, media_root: Path
) -> None:
    user_id = with_data.pk
    yes, _cancel = _confirmation(telegram_api, post_update)
    text = telegram_api.sent_texts()[-1]
    assert text.startswith("Delete your account and all your data?")
    assert "It cannot be undone. The button works for 10 minutes." in text
    assert len(yes.encode()) <= 64

    post_update(callback_update(yes))

    assert not User.objects.filter(pk=user_id).exists()
    for model in (PhotoAssessment, SelfReport, QuestionnaireResponse):
        assert not model.objects.filter(user_id=user_id).exists(), model
    assert not TelegramAccount.objects.exists() and not CbiProgress.objects.exists()
    assert not ProcessedUpdate.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))
    erased = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_ERASED)
    assert (erased.actor, erased.subject_user, erased.detail) == (None, None, {"channel": "telegram"})
    [edit] = telegram_api.calls_to("editMessageText")
    assert edit["text"] == DELETED and "reply_markup" not in edit
    assert _last_answer(telegram_api) == DELETED


def test_cancel_deletes_nothing(telegram_api: FakeTelegramAPI, post_update: Callable, with_data: User) -> None:
    _yes, cancel = _confirmation(telegram_api, post_update)
    post_update(callback_update(cancel))
    assert User.objects.filter(pk=with_data.pk).exists()
    assert SelfReport.objects.filter(user=with_data).exists() and TelegramAccount.objects.exists()
    [edit] = telegram_api.calls_to("editMessageText")
    assert edit["text"] == "Cancelled. Nothing was deleted." and "reply_markup" not in edit
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_ERASED).exists()


def test_an_expired_button_deletes_nothing(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    with time_machine.travel(timezone.now() - timedelta(minutes=11)):
        old = telegram_account_erase_token_sign(account=linked)
    post_update(callback_update(old))
    assert User.objects.filter(pk=linked.user_id).exists() and TelegramAccount.objects.exists()
    expired = "This confirmation has expired and nothing was deleted. Send /delete again if you still want to."
    assert _last_answer(telegram_api) == expired
    assert telegram_api.calls_to("editMessageText")[-1]["text"] == expired


def test_someone_elses_button_deletes_nothing(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    yes, _cancel = _confirmation(telegram_api, post_update)
    other = UserFactory(consents=["processing"])
    TelegramAccount.objects.create(user=other, telegram_user_id=555, chat_id=555)
    # Forwarded to another linked person, who taps it: the signature is bound to the one who asked.
    post_update(callback_update(yes, user_id=555))
    assert _last_answer(telegram_api) == NOT_FOR_YOU
    # Nor does a button made before the chat was relinked to another account erase the new one.
    TelegramAccount.objects.filter(pk=linked.pk).update(user=UserFactory())
    post_update(callback_update(yes))
    assert _last_answer(telegram_api) == NOT_FOR_YOU
    post_update(callback_update("del:forged:token"))
    assert _last_answer(telegram_api) == NOT_FOR_YOU
    assert User.objects.filter(pk__in=[linked.user_id, other.pk]).count() == 2
    assert TelegramAccount.objects.count() == 2
    assert not telegram_api.calls_to("editMessageText")


def test_not_linked(telegram_api: FakeTelegramAPI, post_update: Callable, user: User) -> None:
    post_update(message_update(text="/delete"))
    post_update(callback_update("del:cancel"))
    [text] = telegram_api.sent_texts()
    assert text.startswith("This chat is not connected to an account yet.")
    assert "reply_markup" not in telegram_api.calls_to("sendMessage")[0]
    assert _last_answer(telegram_api).startswith("This chat is not connected to an account yet.")
    assert User.objects.filter(pk=user.pk).exists()
