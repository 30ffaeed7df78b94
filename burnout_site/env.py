"""Typed readers of environment variables for settings.py, and the one parser of rates ("30/min").

Plain Python (Django's ImproperlyConfigured only): settings.py imports it before Django is set up, and
burnout_site/rate_limits.py reads the same rate format at run time with the same parser.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The spellings env_bool knows; anything else is refused at start rather than read as "off", so a typo such as
# HTTPS=ture cannot quietly leave production without TLS flags.
BOOL_TRUE = frozenset({"1", "true", "yes", "on"})
BOOL_FALSE = frozenset({"0", "false", "no", "off"})

# A rate's period by the first letter after the slash, as DRF writes rates ("30/min", "5/hour").
RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from .env; real environment variables win."""
    if not path.is_file():
        return
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def env_str(name: str, default: str = "") -> str:
    # Empty counts as unset, as in env_bool/env_int: a blank line copied from .env.example keeps the default.
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    spelled = value.strip().lower()
    if spelled in BOOL_TRUE:
        return True
    if spelled in BOOL_FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1, true, yes, on (on) or 0, false, no, off (off), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def rate_parse(rate: str) -> tuple[int, int]:
    """ "30/min" -> (30, 60): a positive count, then the period's first letter (s, m, h or d); ValueError else."""
    count, _sep, period = rate.strip().partition("/")
    if not (count.isdecimal() and int(count) > 0 and period[:1] in RATE_PERIODS):
        raise ValueError(f"not a rate like 30/min: {rate!r}")
    return int(count), RATE_PERIODS[period[0]]


def env_rate(name: str, default: str) -> str:
    """A rate as DRF writes them, "30/min"; refused at start when malformed."""
    value = env_str(name, default).strip()
    try:
        rate_parse(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a rate such as 30/min, got {value!r}") from exc
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]
