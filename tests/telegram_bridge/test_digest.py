"""/digest Sun 19:00: a weekly summary in words with a real PNG chart (sendPhoto), at the person's local day and
time, once a week; /stats sends the same chart; no reminder on a day the person already checked in."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from django_q.models import Schedule
from PIL import Image

from emotions.models import PhotoAssessment, SelfReport
from emotions.selectors.summary import Direction, week_summary_get
from emotions.summary_words import summary_rows
from telegram_bridge import tasks
from telegram_bridge.digests import telegram_digest_set
from telegram_bridge.handlers.texts.digest import digest_text
from telegram_bridge.models import TelegramAccount
from telegram_bridge.services import telegram_reminder_set
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bridge.conftest import message_update

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Sunday 1 March 2026, 16:00 UTC = 19:00 in Moscow.
SUNDAY_19_MOSCOW = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)


def assert_png(data: object) -> None:
    assert isinstance(data, bytes) and data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size[0] >= 600


def _history(account: TelegramAccount, now: datetime) -> None:
    """Four weeks at 30 % negative and mood 3, then a week at 80 % negative and mood 2."""
    for offset in range(1, 35):
        day = now - timedelta(days=offset)
        this_week = offset < 7
        for index in range(5):
            negative = index < (4 if this_week else 1) + (0 if this_week else (offset % 2))
            PhotoAssessment.objects.create(
                user=account.user,
                captured_at=day,
                status=PhotoAssessment.Status.DONE,
                label="sad" if negative else "happy",
                valence="negative" if negative else "positive",
                negativity=0.9 if negative else 0.1,
            )
        SelfReport.objects.create(user=account.user, at=day, mood=2 if this_week else 3)


@pytest.mark.parametrize(
    ("language", "text", "reply"),
    [
        ("en", "/digest Sun 19:00", "Weekly digest: Sunday, 19:00 (Europe/Moscow time). /digest off stops it."),
        (
            "ru",
            "/digest вс 19:00",
            "Еженедельная сводка: воскресенье, 19:00 (время Europe/Moscow). /digest off отключает её.",
        ),
        ("en", "/digest sunday 7:05", "Weekly digest: Sunday, 07:05 (Europe/Moscow time). /digest off stops it."),
    ],
)
def test_digest_command_sets_the_day_and_time(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, language: str, text: str, reply: str
) -> None:
    linked.user.timezone = "Europe/Moscow"
    linked.user.save()
    post_update(message_update(text=text, language=language))
    linked.refresh_from_db()
    assert linked.digest_weekday == 6
    assert telegram_api.sent_texts()[-1] == reply


@pytest.mark.parametrize(
    ("language", "text", "reply"),
    [
        ("en", "/digest Funday 19:00", "I do not know the day “funday”. Use Mon, Tue, Wed, Thu, Fri, Sat or Sun."),
        ("en", "/digest Sun 25:00", "I could not read the time “25:00”. Give it as HH:MM, for example 19:00."),
        ("en", "/digest Sun", "Send the day and the time, for example: /digest Sun 19:00."),
        ("ru", "/digest Вс 7pm", "Не удалось прочитать время «7pm». Укажите его как ЧЧ:ММ, например 19:00."),  # noqa: RUF001
        ("ru", "/digest Празд 19:00", "Я не знаю день «празд». Используйте Пн, Вт, Ср, Чт, Пт, Сб или Вс."),  # noqa: RUF001
    ],
)
def test_bad_input_is_explained_and_keeps_the_earlier_choice(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount, language: str, text: str, reply: str
) -> None:
    telegram_digest_set(account=linked, schedule=(2, time(8, 0)))
    post_update(message_update(text=text, language=language))
    linked.refresh_from_db()
    assert (linked.digest_weekday, linked.digest_at) == (2, time(8, 0))
    assert telegram_api.sent_texts()[-1] == reply


def test_digest_off_and_the_usage(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    telegram_digest_set(account=linked, schedule=(0, time(9, 0)))
    post_update(message_update(text="/digest"))
    assert telegram_api.sent_texts()[-1] == (
        "Send /digest Sun 19:00 to get a weekly summary with a chart on that day and time, or /digest off. "
        "Weekly digest: Monday, 09:00 (UTC time). /digest off stops it."
    )
    post_update(message_update(text="/digest off"))
    linked.refresh_from_db()
    assert (linked.digest_weekday, linked.digest_at) == (None, None)
    assert telegram_api.sent_texts()[-1] == "Weekly digest is off."


def test_the_digest_arrives_once_a_week_at_local_time_with_words_and_a_png(
    telegram_api: FakeTelegramAPI, linked: TelegramAccount
) -> None:
    linked.user.timezone = "Europe/Moscow"
    linked.user.save()
    with time_machine.travel(SUNDAY_19_MOSCOW - timedelta(days=2), tick=False):
        telegram_digest_set(account=linked, schedule=(6, time(19, 0)))
    with time_machine.travel(SUNDAY_19_MOSCOW - timedelta(minutes=1), tick=False):
        _history(linked, timezone.now())
        assert tasks.send_digests() == 0  # 18:59 there
    with time_machine.travel(SUNDAY_19_MOSCOW + timedelta(minutes=2), tick=False):
        assert tasks.send_digests() == 1
        assert tasks.send_digests() == 0  # the next sweep, or a second worker, sends nothing
    with time_machine.travel(SUNDAY_19_MOSCOW + timedelta(days=1), tick=False):
        assert tasks.send_digests() == 0  # Monday
    with time_machine.travel(SUNDAY_19_MOSCOW + timedelta(days=7, minutes=3), tick=False):
        assert tasks.send_digests() == 1
    first, _second = telegram_api.calls_to("sendPhoto")
    assert first["chat_id"] == str(linked.chat_id)
    assert_png(first["photo"])
    caption = first["caption"]
    assert caption.startswith("Your week:\nPhotos: 30, 80% looked negative; worse than the four weeks before (")
    assert "Mood: 2.0 of 5 on average (ratings: 6); worse than the four weeks before (3.0)." in caption
    assert caption.endswith("Dashboard: https://burnout.example/dashboard/")
    assert telegram_api.calls_to("sendMessage") == []


def test_the_digest_in_russian_without_earlier_data(telegram_api: FakeTelegramAPI, linked: TelegramAccount) -> None:
    linked.language = "ru"
    linked.save()
    with time_machine.travel(SUNDAY_19_MOSCOW, tick=False):
        telegram_digest_set(account=linked, schedule=(6, time(0, 0)))
        linked.refresh_from_db()
        linked.digest_last_on = None
        linked.save()
        SelfReport.objects.create(user=linked.user, mood=4, at=timezone.now() - timedelta(hours=1))
        assert tasks.send_digests() == 1
    [photo] = telegram_api.calls_to("sendPhoto")
    assert_png(photo["photo"])
    assert photo["caption"].startswith(
        "Ваша неделя:\nФото: на этой неделе не анализировались.\nНастроение: в среднем 4,0 из 5 (оценок: 1); "  # noqa: RUF001
        "сравнивать пока не с чем.\nОбзор: https://burnout.example/dashboard/"  # noqa: RUF001
    )


def test_stats_sends_the_same_chart(
    telegram_api: FakeTelegramAPI, post_update: Callable, linked: TelegramAccount
) -> None:
    post_update(message_update(text="/stats"))
    assert telegram_api.sent_texts()[-1].startswith("Last 7 days")
    [photo] = telegram_api.calls_to("sendPhoto")
    assert_png(photo["photo"])


def test_the_digest_schedule_exists() -> None:
    schedule = Schedule.objects.get(name="telegram: send weekly digests")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == ("telegram_bridge.tasks.send_digests", "I", 5)


def test_no_reminder_on_a_day_the_person_already_checked_in(
    telegram_api: FakeTelegramAPI, linked: TelegramAccount
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False):
        telegram_reminder_set(account=linked, at=time(9, 0))
        SelfReport.objects.create(user=linked.user, mood=3)  # checked in at 08:00
    with time_machine.travel(datetime(2026, 3, 2, 9, 1, tzinfo=UTC), tick=False):
        assert tasks.send_reminders() == 0
        assert tasks.send_reminders() == 0
    with time_machine.travel(datetime(2026, 3, 3, 9, 1, tzinfo=UTC), tick=False):
        assert tasks.send_reminders() == 1  # no check-in on the next day: reminded
    assert len(telegram_api.calls_to("sendMessage")) == 1


@pytest.mark.parametrize(
    ("language", "photos_line"),
    [
        ("en", "Photos: 2, 100% looked negative; too little to compare with the four weeks before (50%)."),
        ("ru", "Фото: 2, негативных 100%; слишком мало данных, чтобы сравнить с четырьмя неделями до этого (50%)."),  # noqa: RUF001
    ],
)
def test_the_digest_says_when_there_is_too_little_to_compare_as_the_dashboard_does(
    linked: TelegramAccount, language: str, photos_line: str
) -> None:
    """Two photos a side are below the readings a direction needs: the digest and the dashboard both hold back."""
    now = timezone.now()
    for offset, negative in ((1, True), (2, True), (10, True), (11, False)):
        PhotoAssessment.objects.create(
            user=linked.user,
            captured_at=now - timedelta(days=offset),
            status=PhotoAssessment.Status.DONE,
            label="sad" if negative else "happy",
            valence="negative" if negative else "positive",
            negativity=0.9 if negative else 0.1,
        )
    summary = week_summary_get(user=linked.user)
    with translation.override(language):
        lines = digest_text(summary).splitlines()
        [negative_row] = [row for row in summary_rows(summary) if row.key == "negative"]
    assert lines[1] == photos_line
    assert summary.negative.direction == Direction.UNKNOWN and negative_row.direction == "unknown"
