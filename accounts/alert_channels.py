"""Where a psychologist's burnout alerts can go: now part of the channel registry (accounts/channels.py).

Kept for the callers that import the alert-channel questions from here.
"""

from __future__ import annotations

from .channels import (
    alert_channel_connect_path,
    alert_channel_connect_url,
    alert_channel_connected,
    alert_channel_effective,
)

__all__ = [
    "alert_channel_connect_path",
    "alert_channel_connect_url",
    "alert_channel_connected",
    "alert_channel_effective",
]
