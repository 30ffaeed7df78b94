"""Where a psychologist's burnout alerts can go, for channels that accounts does not own.

A psychologist chooses e-mail or Telegram (`PsychologistProfile.alert_channel`). Telegram lives in
telegram_bridge, which depends on accounts and never the other way round; it registers here, from its
AppConfig.ready(), how to tell whether a person's Telegram is connected and where to connect it. The
settings page and the API ask here. A channel nobody registered is never connected, so alerts go by e-mail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from .models import PsychologistProfile

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class AlertChannelSetup:
    """How to tell whether `user` can receive alerts on `channel` now, and the page that connects it."""

    channel: str
    connected: Callable[[User], bool]
    connect_url_name: str


_SETUPS: dict[str, AlertChannelSetup] = {}


def alert_channel_register(setup: AlertChannelSetup) -> None:
    # Keyed by channel, so a second ready() (tests reloading apps) replaces rather than duplicates.
    _SETUPS[setup.channel] = setup


def alert_channel_connected(*, user: User, channel: str) -> bool:
    # E-mail needs nothing to connect: it is the channel every other one falls back to.
    if channel == PsychologistProfile.AlertChannel.EMAIL:
        return True
    setup = _SETUPS.get(channel)
    return setup is not None and setup.connected(user)


def alert_channel_connect_path(*, channel: str) -> str | None:
    """The page that connects `channel`; None for a channel nobody registered."""
    setup = _SETUPS.get(channel)
    return reverse(setup.connect_url_name) if setup is not None else None


def alert_channel_connect_url(*, channel: str) -> str | None:
    """The same page as an absolute address, for messages read outside the site (API answers)."""
    path = alert_channel_connect_path(channel=channel)
    return settings.SITE_URL + path if path is not None else None


def alert_channel_effective(*, profile: PsychologistProfile) -> str:
    """The channel alerts actually go by now: the chosen one if connected, e-mail otherwise."""
    if alert_channel_connected(user=profile.user, channel=profile.alert_channel):
        return profile.alert_channel
    return PsychologistProfile.AlertChannel.EMAIL
