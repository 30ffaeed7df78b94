"""The one registry through which the core hands work to the apps built on accounts (the channels).

accounts and emotions never import telegram_bridge (dependencies point telegram_bridge → emotions → accounts),
yet a person connects Telegram from their profile, a psychologist's alerts may go there, a photo sent there is
answered there, and export, erasure and a withdrawal of consent must cover what it holds. Each app registers
one `RegisteredChannel` from its AppConfig.ready() saying what it does of these; the core iterates the registry and
asks nothing else. A part left None is a part the channel does not have: emotions registers its data and
what stops on a withdrawal as a channel people never connect. (healthchecks' `Transport` classes and their
registry are the model.) A channel nobody registered does not exist: alerts go by e-mail, nothing to connect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# No import of .models at module level: models.py reads the alert channels' choices from here.
if TYPE_CHECKING:
    from django.utils.functional import Promise

    from .models import CareLink, PsychologistProfile, User
    from .personal_data import PersonalDataSection

# The alert channel every other falls back to, and the one the core has without any app: e-mail.
ALERT_BY_EMAIL = "email"


@dataclass(frozen=True)
class RegisteredChannel:
    """What one app does for the core; every callable takes keyword arguments only.

    - `label`, `connect_url_name`: its name for people and the page that connects a person to it (the
      profile lists it; `connect_help(user=...)` says in a sentence what connecting brings that person).
    - `connected(user=...)`: whether it can reach this person now.
    - `deliver_alert(link=..., flags=...)`: take over the burnout alert of a psychologist who chose this
      channel; False (or an exception) means not taken, and the alert goes by e-mail.
    - `source`, `notify_result(assessment_id=...)`: tell a finished photo uploaded through this channel
      (`PhotoAssessment.source`); called after the commit that settled it, maybe more than once.
    - `personal_data`: what it holds of a person, for export and erasure.
    - `consent_withdrawn(user=...)`: what stops at once, inside the transaction recording the withdrawal
      of the processing consent.
    """

    name: str
    label: str | Promise = ""
    connect_url_name: str | None = None
    connect_help: Callable[..., str] | None = None
    connected: Callable[..., bool] | None = None
    deliver_alert: Callable[..., bool] | None = None
    source: str | None = None
    notify_result: Callable[..., None] | None = None
    personal_data: tuple[PersonalDataSection, ...] = ()
    consent_withdrawn: Callable[..., None] | None = None

    def connect_path(self) -> str | None:
        return reverse(self.connect_url_name) if self.connect_url_name else None

    def is_connected(self, *, user: User) -> bool:
        return self.connected is not None and self.connected(user=user)


_CHANNELS: dict[str, RegisteredChannel] = {}


def channel_register(channel: RegisteredChannel) -> None:
    # Keyed by name, so a second ready() (tests reloading apps) replaces rather than duplicates.
    _CHANNELS[channel.name] = channel


def channel_unregister(*, name: str) -> None:
    """For tests that register a channel of their own."""
    _CHANNELS.pop(name, None)


def channel_list() -> list[RegisteredChannel]:
    return list(_CHANNELS.values())


def channel_get(*, name: str) -> RegisteredChannel | None:
    return _CHANNELS.get(name)


def channel_for_source(*, source: str) -> RegisteredChannel | None:
    """The channel that tells the results of photos uploaded through `source`, if any."""
    return next((channel for channel in _CHANNELS.values() if channel.source == source), None)


def channel_list_connectable() -> list[RegisteredChannel]:
    """The channels a person connects from their profile, in registration order."""
    return [channel for channel in _CHANNELS.values() if channel.connect_url_name]


def channel_consent_withdrawn_notify(*, user: User) -> None:
    for channel in channel_list():
        if channel.consent_withdrawn is not None:
            channel.consent_withdrawn(user=user)


def channel_alert_deliver(*, name: str, link: CareLink, flags: list[Any]) -> bool:
    """Hand one link's alert to the channel its psychologist chose; False when it is to go by e-mail."""
    channel = _CHANNELS.get(name)
    if channel is None or channel.deliver_alert is None:
        return False
    return bool(channel.deliver_alert(link=link, flags=flags))


# Alert channels: the psychologist's choice (`PsychologistProfile.alert_channel`) names a registered channel
# or e-mail, the one every other falls back to.


def alert_channel_list() -> list[RegisteredChannel]:
    """The registered channels that can carry a burnout alert, in registration order."""
    return [channel for channel in _CHANNELS.values() if channel.deliver_alert is not None]


def alert_channel_choices() -> list[tuple[str, str | Promise]]:
    """What `PsychologistProfile.alert_channel` may hold: e-mail, then every registered alert channel.

    A callable, so the model, the form and the API read the registry when they validate, after every app's
    ready() has registered its channel (and the migration names this function rather than a frozen list).
    """
    return [(ALERT_BY_EMAIL, _("E-mail")), *((channel.name, channel.label) for channel in alert_channel_list())]


def alert_channel_label(*, channel: str) -> str:
    """A channel's name for people: the registered label, the stored value itself for a channel gone since."""
    return str(dict(alert_channel_choices()).get(channel, channel))


def alert_channel_connected(*, user: User, channel: str) -> bool:
    # E-mail needs nothing to connect.
    if channel == ALERT_BY_EMAIL:
        return True
    registered = _CHANNELS.get(channel)
    return registered is not None and registered.is_connected(user=user)


def alert_channel_connect_path(*, channel: str) -> str | None:
    """The page that connects `channel`; None for a channel nobody registered."""
    registered = _CHANNELS.get(channel)
    return registered.connect_path() if registered is not None else None


def alert_channel_connect_url(*, channel: str) -> str | None:
    """The same page as an absolute address, for messages read outside the site (API answers)."""
    path = alert_channel_connect_path(channel=channel)
    return settings.SITE_URL + path if path is not None else None


def alert_channel_effective(*, profile: PsychologistProfile) -> str:
    """The channel alerts actually go by now: the chosen one if connected, e-mail otherwise."""
    if alert_channel_connected(user=profile.user, channel=profile.alert_channel):
        return profile.alert_channel
    return ALERT_BY_EMAIL
