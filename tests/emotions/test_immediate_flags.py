"""Flags that react at once, and the questionnaire's result page that reads the score by the usual bands.

The evaluation is queued after the commit of each new answer, mood rating or photo result (Q_SYNC runs it in
the test process); tests/e2e/test_immediate_flags.py does the same with a real worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from emotions.models import CBI_ITEM_KEYS, BurnoutFlag, QuestionnaireResponse, SelfReport
from emotions.services import assessment_create, photo_validate, questionnaire_cbi_create
from tests.conftest import link_patient, photo_history
from tests.emotions import images
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

CBI_URL = "/questionnaires/cbi/"


def _answers(answer: str) -> dict[str, str]:
    return dict.fromkeys(CBI_ITEM_KEYS, answer)


@pytest.fixture
def psychologist_with(user: User) -> User:
    psychologist = PsychologistProfileFactory(user__email="doc@example.com").user
    link_patient(user, psychologist)
    return psychologist


def _post(client: Client, capture: Callable, answer: str, **extra: Any) -> Any:
    with capture(execute=True):
        return client.post(CBI_URL, _answers(answer), follow=True, **extra)


def test_a_high_score_shows_the_card_at_once_and_alerts_once_per_episode(
    client_logged_in: Client, user: User, psychologist_with: User, django_capture_on_commit_callbacks: Callable
) -> None:
    response = _post(client_logged_in, django_capture_on_commit_callbacks, "often")  # 75 of 100

    page = response.content.decode()
    [(url, status)] = response.redirect_chain
    assert (url, status) == (
        reverse("emotions:questionnaire_cbi_result", args=[QuestionnaireResponse.objects.get().pk]),
        302,
    )
    assert "In the bands commonly used with this questionnaire, that is high (75–99)." in page
    assert "Your answers describe high exhaustion: it is a good time to talk to someone about it." in page
    assert "Take care of yourself" in page and "This is not a diagnosis, and feeling this way is common." in page
    assert "call your local emergency number now" in page and reverse("care:index") in page
    assert BurnoutFlag.objects.filter(user=user, rule="cbi", cleared_at=None).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["doc@example.com"]
    assert "High burnout questionnaire score" in mail.outbox[0].body

    # The same episode goes on: a worse score is told to the person, not alerted again.
    page = _post(client_logged_in, django_capture_on_commit_callbacks, "always").content.decode()
    assert "that is severe (100)." in page
    assert "please talk to a psychologist or a doctor soon" in page
    assert BurnoutFlag.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1


def test_a_low_score_has_its_band_and_the_caveat_without_the_card(
    client_logged_in: Client, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    page = _post(client_logged_in, django_capture_on_commit_callbacks, "sometimes").content.decode()  # 50: moderate

    assert "that is moderate (50–74)." in page and "Take care of yourself" in page

    page = _post(client_logged_in, django_capture_on_commit_callbacks, "seldom").content.decode()  # 25: low
    assert "that is low (0–49)." in page
    assert "Your answers are in the range where burnout is not usually seen." in page
    assert "A questionnaire score is not a diagnosis." in page and "Take care of yourself" not in page
    # The evaluation after the low answer closed the episode the moderate one had opened.
    assert not BurnoutFlag.objects.filter(user=user, cleared_at=None).exists()


def test_the_result_page_in_russian(
    client_logged_in: Client, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    page = _post(client_logged_in, django_capture_on_commit_callbacks, "often", HTTP_ACCEPT_LANGUAGE="ru")
    page = page.content.decode()

    assert "Ваш результат опросника" in page
    assert "По градациям, которые обычно применяют к этому опроснику, это высокий уровень (75–99)." in page
    assert "Позаботьтесь о себе" in page and "Это не диагноз" in page  # noqa: RUF001


def test_someone_elses_or_a_missing_result_is_not_found(client_logged_in: Client) -> None:
    theirs = questionnaire_cbi_create(user=UserFactory(), answers=_answers("always"))

    for pk in (theirs.pk, theirs.pk + 1000):
        response = client_logged_in.get(reverse("emotions:questionnaire_cbi_result", args=[pk]))
        assert response.status_code == 404
        # The styled 404 page (templates/404.html), which shows nothing of the answer.
        assert "Page not found" in response.content.decode() and "<strong>100</strong>" not in response.content.decode()


def test_the_result_page_needs_a_sign_in(client: Client, user: User) -> None:
    mine = questionnaire_cbi_create(user=user, answers=_answers("always"))

    response = client.get(reverse("emotions:questionnaire_cbi_result", args=[mine.pk]))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_mood_rating_evaluates_at_once(
    client_logged_in: Client, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    photo_history(user, now=timezone.now(), days_ago=range(0, 5), per_day=1, negative_per_day=1)  # not evaluated
    assert not BurnoutFlag.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(reverse("emotions:self_report_new"), {"mood": "2"})

    assert SelfReport.objects.filter(user=user).count() == 1
    assert list(BurnoutFlag.objects.values_list("rule", flat=True)) == ["negative_share"]


def test_a_photo_result_evaluates_at_once(user: User, django_capture_on_commit_callbacks: Callable) -> None:
    photo_history(user, now=timezone.now(), days_ago=range(1, 5), per_day=1, negative_per_day=1)

    with django_capture_on_commit_callbacks(execute=True):  # the upload, its analysis, then the evaluation
        assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source="web")

    # Five analysed photos, at least four of them negative: over the 60 % share.
    assert list(BurnoutFlag.objects.values_list("rule", flat=True)) == ["negative_share"]


def test_a_broker_outage_keeps_the_answer_and_is_logged(
    user: User,
    django_capture_on_commit_callbacks: Callable,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr("django_q.tasks.async_task", broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        questionnaire_cbi_create(user=user, answers=_answers("always"))

    assert QuestionnaireResponse.objects.filter(user=user).count() == 1
    assert f"could not enqueue the burnout evaluation of user {user.pk}" in caplog.text
    assert not BurnoutFlag.objects.exists()  # the daily evaluation raises it


def test_a_burst_queues_one_evaluation_until_it_starts(
    user: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Callable
) -> None:
    """Five ratings in a row queue one evaluation; once it starts, the next rating queues a new one."""
    from django_q.brokers import get_broker
    from django_q.conf import Conf

    from emotions import tasks
    from emotions.services import burnout_evaluation_started, self_report_create

    monkeypatch.setattr(Conf, "SYNC", False)  # queue for a worker, as in production, instead of running at once
    broker = get_broker()
    before = broker.queue_size()
    try:
        for mood in (1, 2, 3, 4, 5):
            with django_capture_on_commit_callbacks(execute=True):
                self_report_create(user=user, mood=mood, source=SelfReport.Source.WEB)
        assert broker.queue_size() - before == 1

        tasks.evaluate_person_burnout_flags(user.pk)  # what the worker runs: it starts, then reads
        with django_capture_on_commit_callbacks(execute=True):
            self_report_create(user=user, mood=3, source=SelfReport.Source.WEB)
        assert broker.queue_size() - before == 2
    finally:
        while broker.queue_size() > before and broker.dequeue():
            pass
        burnout_evaluation_started(user_id=user.pk)
