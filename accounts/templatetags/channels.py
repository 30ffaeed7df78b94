"""The registered channels a person can connect, for the profile page (accounts/channels.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from accounts.channels import channel_list_connectable
from accounts.models import User

register = template.Library()


@dataclass(frozen=True)
class ConnectLink:
    label: str
    url: str
    help: str


@register.simple_tag
def channel_connect_links(user: User) -> list[ConnectLink]:
    return [
        ConnectLink(
            label=str(channel.label),
            url=channel.connect_path() or "",
            help=channel.connect_help(user=user) if channel.connect_help else "",
        )
        for channel in channel_list_connectable()
    ]
