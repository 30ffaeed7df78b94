"""E-mail for web-only people: the settings page, the daily reminder (not on a checked-in day), the weekly digest
with its PNG chart, and the signed unsubscribe link that works without logging in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django_q.models import Schedule

from accounts.models import User
from emotions import tasks
from emotions.models import EmailNotifications, SelfReport
from emotions.services.email_notifications import email_notifications_set, email_unsubscribe_token

pytestmark = pytest.mark.django_db

SETTINGS = "/settings/email/"
MONDAY_8 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _unsubscribe_link(message: mail.EmailMessage) -> str:
    [url] = re.findall(r"https?://\S+/email/unsubscribe/\S+/", message.body)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_the_settings_page_saves_both(client_logged_in: Client, user: User) -> None:
    response = client_logged_in.post(
        SETTINGS,
        {"remind": "on", "remind_at": "09:30", "digest": "on", "digest_weekday": "6", "digest_at": "19:00"},
        follow=True,
    )
    assert "Your e-mail settings are saved." in response.content.decode()
    row = EmailNotifications.objects.get(user=user)
    assert (row.remind_at, row.digest_weekday, row.digest_at) == (time(9, 30), 6, time(19, 0))
    assert 'href="/settings/email/"' in client_logged_in.get("/accounts/profile/").content.decode()


@pytest.mark.parametrize(
    ("language", "data", "message"),
    [
        ("en", {"remind": "on", "remind_at": ""}, "Choose the time of the daily reminder."),
        ("ru", {"remind": "on", "remind_at": ""}, "Выберите время ежедневного напоминания."),
        ("en", {"remind": "on", "remind_at": "25:99"}, "Enter a valid time."),
        ("en", {"digest": "on", "digest_weekday": "9", "digest_at": "19:00"}, "Select a valid choice."),
        ("ru", {"digest": "on", "digest_weekday": "1", "digest_at": ""}, "Выберите время еженедельной сводки."),
    ],
)
def test_bad_input_is_a_400_that_says_why_and_saves_nothing(
    client_logged_in: Client, user: User, language: str, data: dict, message: str
) -> None:
    email_notifications_set(user=user, remind_at=time(8, 0), digest=None)
    response = client_logged_in.post(SETTINGS, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert EmailNotifications.objects.get(user=user).remind_at == time(8, 0)


def test_without_an_email_address_nothing_is_turned_on(client_logged_in: Client, user: User) -> None:
    user.email = ""
    user.save()
    response = client_logged_in.post(SETTINGS, {"remind": "on", "remind_at": "09:00"})
    assert response.status_code == 400
    assert "Add an e-mail address to your profile first" in response.content.decode()
    assert not EmailNotifications.objects.filter(user=user, remind_at__isnull=False).exists()


def test_the_daily_reminder_once_a_day_and_not_after_a_check_in(user: User) -> None:
    with time_machine.travel(MONDAY_8, tick=False):
        email_notifications_set(user=user, remind_at=time(9, 0), digest=None)
    with time_machine.travel(MONDAY_8 + timedelta(hours=1, minutes=1), tick=False):
        assert tasks.send_email_notifications() == 1
        assert tasks.send_email_notifications() == 0
    with time_machine.travel(MONDAY_8 + timedelta(days=1), tick=False):
        SelfReport.objects.create(user=user, mood=4)  # checked in on Tuesday at 08:00
    with time_machine.travel(MONDAY_8 + timedelta(days=1, hours=2), tick=False):
        assert tasks.send_email_notifications() == 0
    [message] = mail.outbox
    assert message.to == [user.email] and message.subject == "Your daily check-in"
    assert "Time for your daily check-in" in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_the_weekly_digest_has_words_and_a_png_chart(user: User) -> None:
    user.language = "ru"
    user.save()
    with time_machine.travel(MONDAY_8, tick=False):
        email_notifications_set(user=user, remind_at=None, digest=(0, time(7, 0)))
        EmailNotifications.objects.filter(user=user).update(digest_last_on=None)
        SelfReport.objects.create(user=user, mood=2)
        assert tasks.send_email_notifications() == 1
    [message] = mail.outbox
    assert message.subject == "Ваша неделя"
    assert "Настроение: в среднем 2,0 из 5 (оценок: 1)" in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("week.png", "image/png")
    assert content.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_unsubscribe_link_works_without_logging_in(user: User) -> None:
    with time_machine.travel(MONDAY_8, tick=False):
        email_notifications_set(user=user, remind_at=time(7, 0), digest=(0, time(7, 0)))
        EmailNotifications.objects.filter(user=user).update(remind_last_on=None)
        tasks.send_email_notifications()
    link = _unsubscribe_link(mail.outbox[0])
    anonymous = Client()
    page = anonymous.get(link)
    assert page.status_code == 200 and "Stop these e-mails" in page.content.decode()
    assert EmailNotifications.objects.get(user=user).remind_at == time(7, 0)  # a GET changes nothing
    done = anonymous.post(link)
    assert "You will get no more daily reminders by e-mail." in done.content.decode()
    row = EmailNotifications.objects.get(user=user)
    assert row.remind_at is None and row.digest_at == time(7, 0)  # only that kind of e-mail stops


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This unsubscribe link is not valid. Log in to change your e-mails."),
        ("ru", "Эта ссылка для отписки недействительна. Войдите, чтобы изменить письма."),
    ],
)
def test_a_forged_unsubscribe_link_is_refused(user: User, language: str, message: str) -> None:
    email_notifications_set(user=user, remind_at=time(7, 0), digest=None)
    token = email_unsubscribe_token(user=user, kind="reminder")
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = Client().post(f"/email/unsubscribe/{forged}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert EmailNotifications.objects.get(user=user).remind_at == time(7, 0)


def test_the_schedule_exists() -> None:
    schedule = Schedule.objects.get(name="emotions: send e-mail reminders and digests")
    assert schedule.func == "emotions.tasks.send_email_notifications"
