"""Burnout alerts by the channel each psychologist chose: e-mail, or Telegram through the fake Bot API (real HTTP)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.utils import translation
from django_q.models import Schedule

from accounts.models import CareLink, PsychologistProfile, User
from accounts.services import care_link_revoke
from emotions.models import BurnoutFlag, QuestionnaireResponse
from emotions.services import burnout_flag_evaluate
from telegram_bridge import tasks
from telegram_bridge.delivery import NOTIFY_ATTEMPTS
from telegram_bridge.models import TelegramAccount
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory
from tests.fakes.telegram_api import FakeTelegramAPI

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 6, tzinfo=UTC)
DOC_CHAT = 424242
ALIAS = "Patient A."
ALERT_TASK = "telegram_bridge.tasks.burnout_alert_send"


def _psychologist_of(patient: User, *, channel: str, chat: int | None = None, email: str = "doc@example.com") -> User:
    """A verified psychologist sharing with `patient` under ALIAS, alerts by `channel`, Telegram linked to `chat`."""
    psychologist = PsychologistProfileFactory(user__email=email, alert_channel=channel).user
    link = link_patient(patient, psychologist)
    CareLink.objects.filter(pk=link.pk).update(alias=ALIAS)
    if chat is not None:
        TelegramAccount.objects.create(user=psychologist, telegram_user_id=chat, chat_id=chat, language="en")
    return psychologist


def _raise_flag(patient: User, capture: Callable) -> list[BurnoutFlag]:
    """A CBI score over the threshold, evaluated the way the daily task does, with its after-commit alerts run."""
    QuestionnaireResponse.objects.create(user=patient, answers={}, score=75, at=START)
    with time_machine.travel(START, tick=False), capture(execute=True):
        return burnout_flag_evaluate(user=patient)


def _portal_url(patient: User) -> str:
    return f"https://burnout.example/portal/patients/{patient.pk}/"


def test_email_choice_sends_one_mail_and_no_telegram_message(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    _psychologist_of(user, channel="email", chat=DOC_CHAT)  # a linked chat does not matter: e-mail was chosen

    assert len(_raise_flag(user, django_capture_on_commit_callbacks)) == 1

    assert telegram_api.calls_to("sendMessage") == []
    [message] = mail.outbox
    assert message.to == ["doc@example.com"]
    assert message.subject == f"Burnout signal for {ALIAS}"
    assert "High burnout questionnaire score" in message.body
    assert _portal_url(user) in message.body
    assert "A signal is not a diagnosis." in message.body


def test_telegram_choice_with_a_linked_chat_sends_a_message_and_no_mail(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    _psychologist_of(user, channel="telegram", chat=DOC_CHAT)

    _raise_flag(user, django_capture_on_commit_callbacks)

    [sent] = telegram_api.calls_to("sendMessage")
    assert int(sent["chat_id"]) == DOC_CHAT
    assert f"A burnout signal was raised for {ALIAS}" in sent["text"]
    assert "High burnout questionnaire score" in sent["text"]
    assert _portal_url(user) in sent["text"]
    assert "A signal is not a diagnosis." in sent["text"]
    assert mail.outbox == []


def test_telegram_message_is_in_the_psychologists_language(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    psychologist = _psychologist_of(user, channel="telegram", chat=DOC_CHAT)
    User.objects.filter(pk=psychologist.pk).update(language="ru")

    _raise_flag(user, django_capture_on_commit_callbacks)

    [text] = telegram_api.sent_texts()
    with translation.override("ru"):
        rule = str(BurnoutFlag.Rule.CBI.label)
    assert f"Появился сигнал выгорания у пациента {ALIAS}" in text  # noqa: RUF001
    assert rule in text and "Сигнал — это не диагноз." in text
    assert _portal_url(user) in text


def test_each_psychologist_gets_the_channel_they_chose(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    _psychologist_of(user, channel="telegram", chat=DOC_CHAT, email="tg@example.com")
    _psychologist_of(user, channel="email", email="mail@example.com")

    _raise_flag(user, django_capture_on_commit_callbacks)

    assert [int(sent["chat_id"]) for sent in telegram_api.calls_to("sendMessage")] == [DOC_CHAT]
    assert [message.to for message in mail.outbox] == [["mail@example.com"]]


def test_telegram_choice_without_a_linked_chat_falls_back_to_mail(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    _psychologist_of(user, channel="telegram")  # chose Telegram, then unlinked (or never linked)

    _raise_flag(user, django_capture_on_commit_callbacks)

    assert telegram_api.calls_to("sendMessage") == []
    [message] = mail.outbox
    assert message.to == ["doc@example.com"] and ALIAS in message.body


def test_telegram_choice_while_the_bot_is_off_falls_back_to_mail(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable, settings
) -> None:
    _psychologist_of(user, channel="telegram", chat=DOC_CHAT)
    settings.TELEGRAM_BOT_TOKEN = ""

    _raise_flag(user, django_capture_on_commit_callbacks)

    assert telegram_api.calls == []
    assert len(mail.outbox) == 1


def test_revoked_link_gets_nothing(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    psychologist = _psychologist_of(user, channel="telegram", chat=DOC_CHAT)
    care_link_revoke(patient=user, link=CareLink.objects.get(psychologist=psychologist))

    assert len(_raise_flag(user, django_capture_on_commit_callbacks)) == 1

    assert telegram_api.calls_to("sendMessage") == []
    assert mail.outbox == []


def test_link_revoked_before_a_retry_gets_nothing(telegram_api: FakeTelegramAPI, user: User) -> None:
    psychologist = _psychologist_of(user, channel="telegram", chat=DOC_CHAT)
    link = CareLink.objects.get(psychologist=psychologist)
    flag = BurnoutFlag.objects.create(user=user, rule="cbi", value=75)
    care_link_revoke(patient=user, link=link)

    tasks.burnout_alert_send(link.pk, [flag.pk], 2)

    assert telegram_api.calls_to("sendMessage") == []
    assert mail.outbox == []


def test_blocked_bot_is_not_retried_and_the_alert_goes_by_mail(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    _psychologist_of(user, channel="telegram", chat=DOC_CHAT)
    telegram_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

    flags = _raise_flag(user, django_capture_on_commit_callbacks)

    assert len(telegram_api.calls_to("sendMessage")) == 1
    assert not Schedule.objects.filter(func=ALERT_TASK).exists()
    [message] = mail.outbox
    assert message.to == ["doc@example.com"]
    assert BurnoutFlag.objects.get().pk == flags[0].pk  # the flag stays raised whatever the channel did


def test_network_failure_is_retried_later_then_sent(
    telegram_api: FakeTelegramAPI, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    psychologist = _psychologist_of(user, channel="telegram", chat=DOC_CHAT)
    telegram_api.fail_next("sendMessage", 500, "Internal Server Error")

    [flag] = _raise_flag(user, django_capture_on_commit_callbacks)

    link = CareLink.objects.get(psychologist=psychologist)
    [retry] = Schedule.objects.filter(func=ALERT_TASK)
    assert retry.args == f"{link.pk}, [{flag.pk}], 2"
    assert retry.schedule_type == Schedule.ONCE
    assert mail.outbox == []

    tasks.burnout_alert_send(*ast.literal_eval(retry.args))  # what the scheduler will call

    assert len(telegram_api.calls_to("sendMessage")) == 2
    assert ALIAS in telegram_api.sent_texts()[-1]
    assert mail.outbox == []


def test_last_attempt_failing_falls_back_to_mail(telegram_api: FakeTelegramAPI, user: User) -> None:
    psychologist = _psychologist_of(user, channel="telegram", chat=DOC_CHAT)
    link = CareLink.objects.get(psychologist=psychologist)
    flag = BurnoutFlag.objects.create(user=user, rule="cbi", value=75)
    telegram_api.fail_next("sendMessage", 500, "Internal Server Error")

    tasks.burnout_alert_send(link.pk, [flag.pk], NOTIFY_ATTEMPTS)

    assert not Schedule.objects.filter(func=ALERT_TASK).exists()
    [message] = mail.outbox
    assert message.to == ["doc@example.com"] and ALIAS in message.body


def test_psychologist_who_switched_to_email_before_a_retry_gets_a_mail(
    telegram_api: FakeTelegramAPI, user: User
) -> None:
    psychologist = _psychologist_of(user, channel="telegram", chat=DOC_CHAT)
    link = CareLink.objects.get(psychologist=psychologist)
    flag = BurnoutFlag.objects.create(user=user, rule="cbi", value=75)
    PsychologistProfile.objects.filter(user=psychologist).update(alert_channel="email")

    tasks.burnout_alert_send(link.pk, [flag.pk], 2)

    assert telegram_api.calls_to("sendMessage") == []
    assert len(mail.outbox) == 1
