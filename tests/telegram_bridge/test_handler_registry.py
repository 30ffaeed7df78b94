"""The command registry and /help agree: every command /help lists has a handler, and every handler is listed."""

from __future__ import annotations

import re

from django.utils import translation

from telegram_bridge.handlers import COMMAND_HANDLERS
from telegram_bridge.handlers.texts import help_text


def test_help_lists_exactly_the_registered_commands() -> None:
    with translation.override("en"):
        listed = set(re.findall(r"^(/[a-z]+)\b", help_text(), flags=re.MULTILINE))
    assert listed == set(COMMAND_HANDLERS)
