"""`{% burnout_card %}`: the supportive card (why, not a diagnosis, help resources) wherever a signal is shown.

The words come from emotions.guidance, which the bot reads too, so the card is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from emotions import guidance

register = template.Library()


@register.inclusion_tag("emotions/_burnout_card.html")
def burnout_card(*, reason: str = "", items: Sequence[Any] = ()) -> dict[str, Any]:
    """The card with `reason` (default: the open flags' sentence) and a list of `items` (flags: their rule)."""
    return {
        "title": guidance.SUPPORT_TITLE,
        "reason": reason or (guidance.FLAGS_REASON if items else ""),
        "items": [item.get_rule_display() if hasattr(item, "get_rule_display") else item for item in items],
        "paragraphs": guidance.support_paragraphs(),
        "share_link": guidance.SHARE_LINK,
    }
