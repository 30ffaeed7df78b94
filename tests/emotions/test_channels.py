"""The core hands work to channels only through the registry (accounts/channels.py): with a second channel
registered here, and with none at all, alerts, results, the profile, export, erasure and a withdrawal still work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import channels
from accounts.channels import ALERT_BY_EMAIL, RegisteredChannel, channel_register, channel_unregister
from accounts.models import ConsentKind, PsychologistProfile, User
from accounts.personal_data import PersonalDataSection
from accounts.services import _export_sections, consent_withdraw, user_erase_confirmed
from emotions.models import PhotoAssessment, QuestionnaireResponse
from emotions.photos import photo_validate
from emotions.services import assessment_create, burnout_flag_evaluate
from tests.conftest import link_patient
from tests.emotions import images
from tests.factories import PsychologistProfileFactory

pytestmark = pytest.mark.django_db


class TinyChannel:
    """A channel of the test's own: records what the core hands it."""

    def __init__(self, *, takes_alerts: bool = True) -> None:
        self.takes_alerts = takes_alerts
        self.alerts: list[tuple[int, list[int]]] = []
        self.results: list[int] = []
        self.withdrawn: list[int] = []
        self.erased: list[int] = []

    def registered(self) -> RegisteredChannel:
        return RegisteredChannel(
            name="tiny",
            label="Tiny",
            connect_url_name="accounts:privacy",
            connect_help=lambda *, user: f"Tiny for {user.username}",
            connected=lambda *, user: True,
            deliver_alert=self.deliver_alert,
            source=PhotoAssessment.Source.API,
            notify_result=lambda *, assessment_id: self.results.append(assessment_id),
            personal_data=(
                PersonalDataSection(
                    name="tiny",
                    rows=lambda *, user: [{"user": user.pk}],
                    erase=lambda *, user: self.erased.append(user.pk),
                ),
            ),
            consent_withdrawn=lambda *, user: self.withdrawn.append(user.pk),
        )

    def deliver_alert(self, *, link: Any, flags: list[Any]) -> bool:
        self.alerts.append((link.pk, [flag.pk for flag in flags]))
        return self.takes_alerts


@pytest.fixture
def tiny() -> Iterator[TinyChannel]:
    channel = TinyChannel()
    channel_register(channel.registered())
    yield channel
    channel_unregister(name="tiny")


@pytest.fixture
def no_channels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channels, "_CHANNELS", {})


@pytest.fixture
def psychologist_of(user: User) -> Callable[[str], User]:
    def make(alert_channel: str) -> User:
        psychologist = PsychologistProfileFactory(user__email="doc@example.com", alert_channel=alert_channel).user
        link_patient(user, psychologist)
        return psychologist

    return make


def _raise_flag(user: User, capture: Callable) -> list[Any]:
    QuestionnaireResponse.objects.create(user=user, answers={}, score=100)
    with capture(execute=True):
        return burnout_flag_evaluate(user=user)


def _analysed_photo(user: User, capture: Callable, *, source: str) -> PhotoAssessment:
    with capture(execute=True):
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()), source=source)
    assessment.refresh_from_db()
    assert assessment.status != PhotoAssessment.Status.PENDING
    return assessment


# --- a second channel beside Telegram ---------------------------------------------------------------------


def test_an_alert_goes_to_the_registered_channel_the_psychologist_chose(
    user: User, tiny: TinyChannel, psychologist_of: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    psychologist = psychologist_of("tiny")
    [flag] = _raise_flag(user, django_capture_on_commit_callbacks)
    link_id = psychologist.care_links_as_psychologist.get().pk
    assert tiny.alerts == [(link_id, [flag.pk])]
    assert mail.outbox == []


def test_an_alert_the_channel_does_not_take_goes_by_email(
    user: User, tiny: TinyChannel, psychologist_of: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    tiny.takes_alerts = False
    psychologist_of("tiny")
    _raise_flag(user, django_capture_on_commit_callbacks)
    assert len(tiny.alerts) == 1
    assert [message.to for message in mail.outbox] == [["doc@example.com"]]


def test_an_email_chooser_is_not_handed_to_any_channel(
    user: User, tiny: TinyChannel, psychologist_of: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    psychologist_of(ALERT_BY_EMAIL)
    _raise_flag(user, django_capture_on_commit_callbacks)
    assert tiny.alerts == []
    assert [message.to for message in mail.outbox] == [["doc@example.com"]]


def test_a_finished_photo_is_told_to_the_channel_of_its_source_only(
    user: User, tiny: TinyChannel, django_capture_on_commit_callbacks: Callable
) -> None:
    from_tiny = _analysed_photo(user, django_capture_on_commit_callbacks, source=PhotoAssessment.Source.API)
    _analysed_photo(user, django_capture_on_commit_callbacks, source=PhotoAssessment.Source.WEB)
    assert tiny.results == [from_tiny.pk]


def test_the_profile_lists_every_registered_channel_to_connect(
    client_logged_in: Client, user: User, tiny: TinyChannel
) -> None:
    body = client_logged_in.get(reverse("accounts:profile")).content.decode()
    assert "Connect Telegram" in body and reverse("telegram_bridge:connect") in body
    assert "Connect Tiny" in body and f"Tiny for {user.username}" in body
    assert f'href="{reverse("accounts:privacy")}"' in body


def test_export_erasure_and_withdrawal_reach_the_channel(user: User, tiny: TinyChannel) -> None:
    assert _export_sections(user)["tiny"] == [{"user": user.pk}]
    consent_withdraw(user=user, kind=ConsentKind.PROCESSING)
    assert tiny.withdrawn == [user.pk]
    user_pk = user.pk
    user_erase_confirmed(user=user, channel="web")
    assert tiny.erased == [user_pk]


ALERTS = "/accounts/psychologist/alerts/"


def test_the_alert_settings_page_offers_every_registered_channel_by_its_label(
    portal_client: Client, verified_psychologist: User, tiny: TinyChannel
) -> None:
    page = portal_client.get(ALERTS).content.decode()
    assert 'value="tiny"' in page and "Tiny" in page
    assert "Your Tiny account is connected." in page

    assert portal_client.post(ALERTS, {"alert_channel": "tiny"}).status_code == 302
    assert PsychologistProfile.objects.get(user=verified_psychologist).alert_channel == "tiny"


def test_a_channel_gone_since_it_was_chosen_means_email(
    portal_client: Client, verified_psychologist: User, tiny: TinyChannel
) -> None:
    PsychologistProfile.objects.filter(user=verified_psychologist).update(alert_channel="tiny")
    channel_unregister(name="tiny")
    page = portal_client.get(ALERTS).content.decode()
    assert "You chose tiny, but no tiny account is connected: alerts go by e-mail to" in page
    response = portal_client.post(ALERTS, {"alert_channel": "tiny"})
    assert response.status_code == 400
    assert response.context["form"].errors["alert_channel"] == [
        "Select a valid choice. tiny is not one of the available choices."
    ]


# --- no channel at all ------------------------------------------------------------------------------------


def test_without_channels_alerts_go_by_email_and_photos_are_still_analysed(
    user: User, no_channels: None, psychologist_of: Callable, django_capture_on_commit_callbacks: Callable
) -> None:
    psychologist_of("telegram")
    _raise_flag(user, django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [["doc@example.com"]]
    assessment = _analysed_photo(user, django_capture_on_commit_callbacks, source=PhotoAssessment.Source.TELEGRAM)
    assert assessment.notified_at is None


def test_without_channels_alerts_can_only_go_by_email(portal_client: Client, no_channels: None) -> None:
    response = portal_client.get(ALERTS)
    assert [value for value, _label in response.context["form"].fields["alert_channel"].choices] == [ALERT_BY_EMAIL]
    assert "Connect" not in response.content.decode()
    assert portal_client.post(ALERTS, {"alert_channel": "telegram"}).status_code == 400


def test_without_channels_the_profile_offers_nothing_to_connect(client_logged_in: Client, no_channels: None) -> None:
    response = client_logged_in.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "Connect" not in response.content.decode()


def test_without_channels_export_erasure_and_withdrawal_still_work(
    user: User, no_channels: None, django_capture_on_commit_callbacks: Callable
) -> None:
    sections = _export_sections(user)
    assert sections and "assessments" not in sections  # accounts' own data only
    consent_withdraw(user=user, kind=ConsentKind.PROCESSING)
    user_erase_confirmed(user=user, channel="web")
    assert not User.objects.filter(username=user.username).exists()
