"""End to end through the fake Bot API: webhook → task → handlers → python-telegram-bot → HTTP → fake server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from accounts.models import User
from emotions.models import PhotoAssessment, SelfReport
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import link_token_create
from tests.emotions import images
from tests.factories import PsychologistProfileFactory, UserFactory
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import TG_USER_ID, callback_update, message_update, photo_update

pytestmark = pytest.mark.django_db


def test_start_with_a_token_links(telegram_api: FakeTelegramAPI, post_update: Callable, user: User) -> None:
    token, _link = link_token_create(user=user)
    post_update(message_update(text=f"/start {token}", language="ru"))
    account = TelegramAccount.objects.get(user=user)
    assert (account.telegram_user_id, account.language) == (TG_USER_ID, "ru")
    [sent] = telegram_api.calls_to("sendMessage")
    assert sent["chat_id"] == str(TG_USER_ID)
    assert user.username in sent["text"]


def test_a_psychologist_linking_is_pointed_to_the_alert_settings(
    telegram_api: FakeTelegramAPI, post_update: Callable
) -> None:
    psychologist = PsychologistProfileFactory().user
    token, _link = link_token_create(user=psychologist)
    post_update(message_update(text=f"/start {token}"))
    [text] = telegram_api.sent_texts()
    assert "https://burnout.example/accounts/psychologist/alerts/" in text
    assert "selfie" not in text


def test_start_with_a_used_token_says_so(telegram_api: FakeTelegramAPI, post_update: Callable, user: User) -> None:
    token, _link = link_token_create(user=user)
    post_update(message_update(text=f"/start {token}"))
    post_update(message_update(text=f"/start {token}", user_id=5))
    assert telegram_api.sent_texts()[-1].startswith("This link has already been used.")


def test_start_with_an_unknown_token(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    post_update(message_update(text="/start bogus"))
    assert telegram_api.sent_texts() == [
        "This link is not valid. Open your profile on the website and press “Connect Telegram” to get a new link."
    ]


def test_start_without_a_token_explains_and_links_to_sign_up(
    telegram_api: FakeTelegramAPI, post_update: Callable
) -> None:
    post_update(message_update(text="/start"))
    [text] = telegram_api.sent_texts()
    assert "https://burnout.example/accounts/signup/" in text


def test_start_in_a_group_is_refused(telegram_api: FakeTelegramAPI, post_update: Callable, user: User) -> None:
    token, _link = link_token_create(user=user)
    post_update(message_update(text=f"/start {token}", chat_type="group"))
    assert not TelegramAccount.objects.exists()
    assert "private chat" in telegram_api.sent_texts()[0]


def test_help_and_unknown_command(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    post_update(message_update(text="/help"))
    post_update(message_update(text="/frobnicate"))
    help_text, unknown = telegram_api.sent_texts()
    assert "/unlink" in help_text
    assert unknown.startswith("I do not know this command.")


def test_unlink(telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount) -> None:
    post_update(message_update(text="/unlink"))
    post_update(message_update(text="/unlink"))
    assert not TelegramAccount.objects.exists()
    assert telegram_api.sent_texts() == [
        "This chat is no longer connected to your account.",
        "This chat is not connected to any account.",
    ]


def test_face_photo_is_analysed_and_answered_with_mood_buttons(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    content = images.face_jpeg()
    file_id = telegram_api.add_file("photos/file_1.jpg", content)
    post_update(photo_update(file_id, len(content)))

    assessment = PhotoAssessment.objects.get(user=linked.user)
    assert assessment.source == PhotoAssessment.Source.TELEGRAM
    assert assessment.status == PhotoAssessment.Status.DONE
    assert telegram_api.calls_to("getFile")[0]["file_id"] == file_id  # the largest size, not the thumbnail
    actions = [call["action"] for call in telegram_api.calls_to("sendChatAction")]
    assert "upload_photo" in actions
    received, result = telegram_api.calls_to("sendMessage")
    assert received["text"] == "Got it! Analysing your photo…"
    assert f"Your emotion: {assessment.label_display}" in result["text"]
    assert "Mix: " in result["text"] and "Valence: " in result["text"]
    buttons = result["reply_markup"]["inline_keyboard"][0]
    assert [button["text"] for button in buttons] == ["1", "2", "3", "4", "5"]

    post_update(callback_update(buttons[3]["callback_data"]))
    report = SelfReport.objects.get(user=linked.user)
    assert (report.mood, report.assessment_id, report.source) == (4, assessment.pk, "telegram")
    assert telegram_api.calls_to("answerCallbackQuery")[0]["text"] == "Thank you! Your mood is saved."


def test_mood_button_of_someone_elses_photo_is_refused(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(callback_update("mood:999999:3"))
    assert not SelfReport.objects.exists()
    assert telegram_api.calls_to("answerCallbackQuery")


def test_image_sent_as_a_file_without_a_face(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    content = images.gradient_jpeg()
    file_id = telegram_api.add_file("documents/file_2.jpg", content)
    document = {
        "file_id": file_id,
        "file_unique_id": "d",
        "file_name": "me.jpg",
        "mime_type": "image/jpeg",
        "file_size": len(content),
    }
    post_update(message_update(document=document))
    assert PhotoAssessment.objects.get().status == PhotoAssessment.Status.NO_FACE
    result = telegram_api.sent_texts()[-1]
    assert result.startswith("We could not find a face in this photo.")
    assert "reply_markup" not in telegram_api.calls_to("sendMessage")[-1]


def test_unreadable_photo_gets_the_rejection_message(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    content = images.truncated_jpeg()
    file_id = telegram_api.add_file("photos/file_3.jpg", content)
    post_update(photo_update(file_id, len(content)))
    assert not PhotoAssessment.objects.exists()
    assert telegram_api.sent_texts() == ["The image file is damaged or incomplete. Please send the photo again."]


def test_photo_without_consent_asks_to_accept_the_terms(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    person = UserFactory()
    TelegramAccount.objects.create(user=person, telegram_user_id=TG_USER_ID, chat_id=TG_USER_ID)
    content = images.face_jpeg()
    file_id = telegram_api.add_file("photos/file_4.jpg", content)
    post_update(photo_update(file_id, len(content)))
    assert not PhotoAssessment.objects.exists()
    [text] = telegram_api.sent_texts()
    assert "accept the terms on the website: https://burnout.example/accounts/privacy/" in text


def test_photo_from_an_unlinked_chat(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    file_id = telegram_api.add_file("photos/file_5.jpg", images.face_jpeg())
    post_update(photo_update(file_id, 1000))
    assert telegram_api.sent_texts()[0].startswith("This chat is not connected to an account yet.")
    assert not telegram_api.calls_to("getFile")


def test_download_failure_is_answered(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    telegram_api.fail_next("getFile", 400, "Bad Request: wrong file_id")
    post_update(photo_update("file-x", 1000))
    assert telegram_api.sent_texts() == ["I could not download this photo from Telegram. Please send it again."]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"text": "hello"}, "Send me a selfie"),
        (
            {
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                }
            },
            "Nice sticker!",
        ),
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}}, "I cannot listen to voice messages."),
        (
            {"video": {"file_id": "v", "file_unique_id": "v", "width": 1, "height": 1, "duration": 2}},
            "I cannot analyse videos.",
        ),
        (
            {"document": {"file_id": "d", "file_unique_id": "d", "mime_type": "application/pdf"}},
            "This file is not a photo.",
        ),
        (
            {
                "photo": [
                    {"file_id": "big", "file_unique_id": "b", "width": 9000, "height": 9000, "file_size": 30_000_000}
                ]
            },
            "This file is larger than 20 MB",
        ),
    ],
    ids=["text", "sticker", "voice", "video", "pdf", "too-big"],
)
def test_other_messages_get_a_short_helpful_reply(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, extra: dict, expected: str
) -> None:
    text = extra.pop("text", None)
    post_update(message_update(text=text, **extra))
    [reply] = telegram_api.sent_texts()
    assert reply.startswith(expected)
    assert not PhotoAssessment.objects.exists()


def test_result_is_in_the_telegram_users_language(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    linked.language = "ru"
    linked.save()
    content = images.gradient_jpeg()
    file_id = telegram_api.add_file("photos/file_ru.jpg", content)
    post_update(photo_update(file_id, len(content), language="ru"))
    assert telegram_api.sent_texts()[-1].startswith("Нам не удалось найти лицо на этом фото.")


def test_mood_command_stores_a_self_report_without_a_photo(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/mood"))
    [sent] = telegram_api.calls_to("sendMessage")
    buttons = sent["reply_markup"]["inline_keyboard"][0]
    post_update(callback_update(buttons[1]["callback_data"]))
    report = SelfReport.objects.get(user=linked.user)
    assert (report.mood, report.assessment_id) == (2, None)


def test_stats_command(telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount) -> None:
    post_update(message_update(text="/stats"))
    [text] = telegram_api.sent_texts()
    assert "Last 7 days: no analysed photos." in text
    assert "https://burnout.example/dashboard/" in text


def test_stats_needs_a_linked_chat(telegram_api: FakeTelegramAPI, post_update: Callable) -> None:
    post_update(message_update(text="/stats"))
    assert telegram_api.sent_texts()[0].startswith("This chat is not connected to an account yet.")


def _send_face(telegram_api: FakeTelegramAPI, post_update: Callable) -> PhotoAssessment:
    content = images.face_jpeg()
    file_id = telegram_api.add_file("photos/retry.jpg", content)
    post_update(photo_update(file_id, len(content)))
    return PhotoAssessment.objects.get()


def test_result_send_failure_is_retried_later_and_keeps_the_assessment(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    import time_machine
    from django.utils import timezone

    from telegram_bridge import tasks

    # The acknowledgement fails (a reply: logged only), then the result fails for a network reason.
    telegram_api.fail_next("sendMessage", 500, "Internal Server Error")
    telegram_api.fail_next("sendMessage", 500, "Internal Server Error")
    assessment = _send_face(telegram_api, post_update)
    assert assessment.status == PhotoAssessment.Status.DONE
    assert assessment.notified_at is None
    # Not before the back-off (30 s for the second attempt), then once by the sweep.
    assert 25 <= (assessment.notify_lease_until - timezone.now()).total_seconds() <= 31
    tried = len(telegram_api.sent_texts())  # the two failed sends
    tasks.resume_unfinished()
    assert len(telegram_api.sent_texts()) == tried
    with time_machine.travel(timezone.now() + timedelta(seconds=45)):
        tasks.resume_unfinished()
        tasks.resume_unfinished()
    [result] = telegram_api.sent_texts()[tried:]
    assert "Your emotion:" in result
    assessment.refresh_from_db()
    assert assessment.notified_at is not None
    assert assessment.notify_attempts == 2


def test_blocked_bot_is_not_retried(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    from django_q.models import Schedule

    from telegram_bridge import handlers

    assessment = _send_face(telegram_api, post_update)
    telegram_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    PhotoAssessment.objects.filter(pk=assessment.pk).update(notified_at=None)
    handlers.assessment_notify(assessment_id=assessment.pk)
    assert not Schedule.objects.filter(func="telegram_bridge.tasks.assessment_notify_retry").exists()
    assessment.refresh_from_db()
    assert assessment.notified_at is not None  # refused for good: nobody tries again


def test_mood_buttons_go_after_a_rating(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(callback_update("mood:0:5"))
    [edit] = telegram_api.calls_to("editMessageReplyMarkup")
    assert "reply_markup" not in edit or not edit["reply_markup"]
