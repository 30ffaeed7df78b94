"""Burnout flags: raised once per episode by the daily task, cleared when the rule stops holding (time travel)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_q.models import Schedule

from accounts.channels import RegisteredChannel, channel_register, channel_unregister
from accounts.models import CareLink, PsychologistProfile, User
from emotions import tasks
from emotions.models import BurnoutFlag, PhotoAssessment, QuestionnaireResponse
from emotions.services import burnout_flag_evaluate
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import PsychologistProfileFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 6, tzinfo=UTC)


def _photos(user: User, *, when: datetime, negative: int, other: int) -> None:
    for index in range(negative + other):
        valence = "negative" if index < negative else "positive"
        PhotoAssessment.objects.create(
            user=user,
            captured_at=when + timedelta(minutes=index),
            status="done",
            valence=valence,
            label="sad" if valence == "negative" else "happy",
            negativity=0.8 if valence == "negative" else 0.1,
        )


def _daily(days: int, capture: Callable) -> None:
    for day in range(days):
        with time_machine.travel(START + timedelta(days=day), tick=False), capture(execute=True):
            tasks.evaluate_burnout_flags()


@pytest.fixture
def psychologist_with(user: User) -> User:
    psychologist = PsychologistProfileFactory(user__email="doc@example.com").user
    link_patient(user, psychologist)
    return psychologist


def test_flag_is_raised_once_per_episode_and_cleared(
    user: User, psychologist_with: User, django_capture_on_commit_callbacks: Callable
) -> None:
    _photos(user, when=START - timedelta(days=3), negative=4, other=1)  # 80 % over 5 photos

    _daily(5, django_capture_on_commit_callbacks)

    flags = list(BurnoutFlag.objects.filter(user=user))
    # No photos in the previous window: a rise cannot be measured, so only the share rule.
    assert [(flag.rule, flag.raised_at, flag.cleared_at) for flag in flags] == [("negative_share", START, None)]
    assert flags[0].value == pytest.approx(0.8)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["doc@example.com"]
    assert "Many negative photos" in mail.outbox[0].body and "not a diagnosis" in mail.outbox[0].body

    # Re-running days already evaluated changes nothing; 15 days after the photos they have left the
    # 14-day window (at day 11 the first is exactly on its edge), and the episode ends.
    _daily(14, django_capture_on_commit_callbacks)
    flag = BurnoutFlag.objects.get(user=user)
    assert flag.cleared_at == START + timedelta(days=12)
    assert len(mail.outbox) == 1


def test_a_new_episode_is_a_new_flag(user: User, django_capture_on_commit_callbacks: Callable) -> None:
    with time_machine.travel(START, tick=False):
        QuestionnaireResponse.objects.create(user=user, answers={}, score=75, at=START)
        burnout_flag_evaluate(user=user)
    with time_machine.travel(START + timedelta(days=7), tick=False):
        QuestionnaireResponse.objects.create(user=user, answers={}, score=25, at=START + timedelta(days=7))
        burnout_flag_evaluate(user=user)
    with time_machine.travel(START + timedelta(days=14), tick=False):
        QuestionnaireResponse.objects.create(user=user, answers={}, score=50, at=START + timedelta(days=14))
        burnout_flag_evaluate(user=user)
    flags = list(BurnoutFlag.objects.filter(user=user).order_by("raised_at"))
    assert [(f.rule, f.raised_at, f.cleared_at, f.value) for f in flags] == [
        ("cbi", START, START + timedelta(days=7), 75),
        ("cbi", START + timedelta(days=14), None, 50),
    ]


def test_rise_rule(user: User) -> None:
    _photos(user, when=START - timedelta(days=20), negative=1, other=4)  # 20 % in the previous window
    _photos(user, when=START - timedelta(days=2), negative=2, other=2)  # 50 % now, 4 photos: no share flag
    with time_machine.travel(START, tick=False):
        raised = burnout_flag_evaluate(user=user)
    assert [flag.rule for flag in raised] == ["rise"]
    assert raised[0].value == pytest.approx(0.3)


def test_patient_sees_supportive_words_and_portal_shows_the_flag(
    client_logged_in: Client, user: User, psychologist_with: User
) -> None:
    BurnoutFlag.objects.create(user=user, rule="cbi", value=60)
    page = client_logged_in.get(reverse("emotions:dashboard")).content.decode()
    assert "Take care of yourself" in page and "High burnout questionnaire score" in page
    assert "call your local emergency number" in page

    portal = two_factor_client_for(psychologist_with)
    listing = portal.get(reverse("portal:patients"))
    assert listing.context["rows"][0].flagged is True and "Burnout signal" in listing.content.decode()
    detail = portal.get(reverse("portal:patient_detail", args=[user.pk])).content.decode()
    assert "Burnout signals" in detail and "High burnout questionnaire score" in detail


def test_no_mail_without_an_active_link(user: User, django_capture_on_commit_callbacks: Callable) -> None:
    QuestionnaireResponse.objects.create(user=user, answers={}, score=100)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(burnout_flag_evaluate(user=user)) == 1
    assert mail.outbox == []


def test_daily_schedule_exists() -> None:
    schedule = Schedule.objects.get(name="emotions: evaluate burnout flags")
    assert (schedule.func, schedule.schedule_type) == ("emotions.tasks.evaluate_burnout_flags", "D")


def test_the_mail_names_the_alias_and_links_the_portal_page(
    user: User, psychologist_with: User, django_capture_on_commit_callbacks: Callable, settings
) -> None:
    settings.SITE_URL = "https://burnout.example"
    CareLink.objects.filter(psychologist=psychologist_with).update(alias="Anna K.")
    QuestionnaireResponse.objects.create(user=user, answers={}, score=100)
    with django_capture_on_commit_callbacks(execute=True):
        burnout_flag_evaluate(user=user)
    [message] = mail.outbox
    assert message.subject == "Burnout signal for Anna K."
    assert f"https://burnout.example/portal/patients/{user.pk}/" in message.body


def test_a_link_another_channel_takes_over_gets_no_mail(
    user: User, psychologist_with: User, django_capture_on_commit_callbacks: Callable
) -> None:
    taken: list[list[int]] = []

    def take_all(*, link: CareLink, flags: list[BurnoutFlag]) -> bool:
        taken.append([flag.pk for flag in flags])
        return True

    with _chosen_channel(psychologist_with, deliver_alert=take_all):
        QuestionnaireResponse.objects.create(user=user, answers={}, score=100)
        with django_capture_on_commit_callbacks(execute=True):
            [flag] = burnout_flag_evaluate(user=user)
    assert taken == [[flag.pk]]
    assert mail.outbox == []


def test_a_failing_channel_never_stops_the_flag_nor_the_mail(
    user: User, psychologist_with: User, django_capture_on_commit_callbacks: Callable
) -> None:
    def broken(**kwargs: object) -> bool:
        raise RuntimeError("channel down")

    with _chosen_channel(psychologist_with, deliver_alert=broken):
        QuestionnaireResponse.objects.create(user=user, answers={}, score=100)
        with django_capture_on_commit_callbacks(execute=True):
            assert len(burnout_flag_evaluate(user=user)) == 1
    assert BurnoutFlag.objects.filter(user=user, cleared_at=None).count() == 1
    assert [message.to for message in mail.outbox] == [["doc@example.com"]]


@contextlib.contextmanager
def _chosen_channel(psychologist: User, *, deliver_alert: Callable[..., bool]) -> Iterator[None]:
    """A channel registered for the test, and the psychologist's alerts set to it (the database allows any name)."""
    channel_register(RegisteredChannel(name="test-channel", deliver_alert=deliver_alert))
    PsychologistProfile.objects.filter(user=psychologist).update(alert_channel="test-channel")
    try:
        yield
    finally:
        channel_unregister(name="test-channel")
