"""Secrets never reach a log: one redaction for every handler in LOGGING and for gunicorn's access log.

Libraries log what they see: httpx logs each Bot API request as `POST .../bot<TOKEN>/sendMessage` at INFO,
Django logs the path of every 4xx/5xx (an export download link carries its token), a traceback may hold any
value. So the filter works on the finished text of each record (message with its arguments, traceback,
stack), after any library has had its say, and takes out:

- the configured secrets themselves (SECRET_KEY and its fallbacks, the bot token, the webhook secret, the
  e-mail and database passwords), read from the settings on each record so that an override is honoured;
- anything shaped like one: `bot<id>:<secret>` and bare bot tokens, API device tokens (knox: 64 hex
  digits, `2fa_` first for two-factor ones), `Bearer ...`, values signed with django.core.signing (export
  download and Telegram delete tokens), the token segment of export-download and password-reset addresses,
  `secret=` (TOTP otpauth URLs) and `start=` (Telegram link tokens) parameters, passwords inside URLs.

A filter on the handler, not on a logger: a logger's filters do not see records that propagate from its
children (httpx, telegram, django.request all propagate to the root's handlers). The record is changed in
place, so handlers that run after ours on the same record (pytest's capture, an error reporter) get the
redacted text too.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from urllib.parse import quote

REDACTED = "[redacted]"

# Configured values shorter than this are left alone: replacing a two-letter test password everywhere
# would garble every line, and a real secret is never that short.
_MIN_SECRET_LENGTH = 8


def _keep_prefix(match: re.Match[str]) -> str:
    # A function, not r"\1[redacted]": a template string is parsed again on every call, which made each
    # pattern cost microseconds even on lines it does not match (gunicorn redacts every access-log line).
    return match.group(1) + REDACTED


def _whole(_match: re.Match[str]) -> str:
    return REDACTED


# (pattern, replacement); _keep_prefix keeps group 1, the part that says what was removed.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # Bot API addresses: .../bot<id>:<secret>/method and .../file/bot<id>:<secret>/path (httpx writes the
    # colon of a file address as %3A).
    (re.compile(r"(bot)\d+(?::|%3[Aa])[A-Za-z0-9_-]+"), _keep_prefix),
    # A bare bot token (numeric id, colon, 35 characters of secret).
    (re.compile(r"(?<![\w-])\d{5,}(?::|%3[Aa])[A-Za-z0-9_-]{30,}"), _whole),
    # Passwords in URLs: postgres://user:password@host, redis://:password@host.
    (
        re.compile(r"((?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^@/\s]+@"),
        lambda m: f"{_keep_prefix(m)}@",
    ),
    # Token segments of addresses: /privacy/export/<token>/, /exports/download/<token>/, /reset/<uid>/<token>/.
    (re.compile(r"(/privacy/export/|/exports/download/|/reset/[^/\s]+/)[^/?#\s\"']+"), _keep_prefix),
    # Query parameters that carry secrets: TOTP otpauth URLs, Telegram deep links.
    (re.compile(r"([?&](?:secret|start|token)=)[^&#\s\"']+", re.IGNORECASE), _keep_prefix),
    # Values signed by django.core.signing: <payload>[:<timestamp>]:<43-character signature>. The look-behind
    # starts a match only where a run of such characters starts (linear time on a long blob).
    (
        re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]+(?::[A-Za-z0-9_-]+)?:[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"),
        _whole,
    ),
    # API device tokens (knox: 64 hex digits; ours start with 2fa_ when issued after a two-factor code).
    (re.compile(r"(?<![0-9A-Za-z_])(?:2fa_)?[0-9a-f]{64}(?![0-9A-Za-z_])"), _whole),
    # Bearer credentials in a logged header.
    (re.compile(r"(Bearer\s+)[A-Za-z0-9_.~+/=-]{8,}"), _keep_prefix),
]


def _configured_secrets() -> tuple[str, ...]:
    from django.conf import settings  # imported here: gunicorn's master uses this module without Django

    if not settings.configured:
        return ()
    values = [
        settings.SECRET_KEY,
        *getattr(settings, "SECRET_KEY_FALLBACKS", []),
        getattr(settings, "TELEGRAM_BOT_TOKEN", ""),
        getattr(settings, "TELEGRAM_WEBHOOK_SECRET", ""),
        getattr(settings, "EMAIL_HOST_PASSWORD", ""),
        getattr(settings, "S3_SECRET_ACCESS_KEY", ""),
        *(database.get("PASSWORD") or "" for database in settings.DATABASES.values()),
    ]
    return tuple(str(value) for value in values)


@functools.lru_cache(maxsize=8)
def _searched_forms(secrets: tuple[str, ...]) -> list[str]:
    """Each secret as written and as a URL writes it (a token's colon becomes %3A), longest first so that a
    secret containing another goes whole. Cached: the settings change only in tests."""
    kept = {secret for secret in secrets if len(secret) >= _MIN_SECRET_LENGTH}
    return sorted(kept | {quote(secret, safe="") for secret in kept}, key=len, reverse=True)


def redact(text: str) -> str:
    """`text` with every secret this module knows replaced by [redacted]."""
    for secret in _searched_forms(_configured_secrets()):
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class SecretRedactionFilter(logging.Filter):
    """Attached to every handler in settings.LOGGING; never drops a record, only rewrites it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # Bad arguments: leave the record as it is, the handler reports the formatting error itself.
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is written only in its redacted form.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
