"""Signals of the emotions app, for the channels built on it: emotions never imports them (docs/burnout-flags.md)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the commit that raised burnout flags for one person (sender: BurnoutFlag; kwargs: `links`, the
# person's active CareLinks, psychologist and patient loaded; `flags`, the BurnoutFlags just raised).
# A receiver that takes the alert of some psychologists over (Telegram) returns the ids of their links;
# every other link gets the e-mail. Sent robustly: a receiver that raises is logged, and its links get
# the e-mail, since a second alert is better than none.
burnout_flags_raised = Signal()
