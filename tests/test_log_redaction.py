"""No secret reaches a log: every configured handler redacts, whatever logged the secret and however.

The bot's own path (httpx logging Bot API addresses) is run against the fake Bot API in
tests/telegram_bridge/test_token_not_logged.py; gunicorn's access log in tests/test_gunicorn.py.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import DataExport, User
from accounts.services import data_export_token
from burnout_site.api.authentication import OTP_TOKEN_PREFIX
from burnout_site.log_redaction import REDACTED, SecretRedactionFilter, redact

BOT_TOKEN = "7312345678:AAHk2x9QvJm4Lr7Tz1Wc8Np3Ys6Bd0Fg5Eh"  # the shape @BotFather gives
WEBHOOK_SECRET = "webhook-secret_Kq84mZtY2w"


@pytest.fixture
def secrets_configured(settings: SettingsWrapper) -> None:
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    settings.TELEGRAM_WEBHOOK_SECRET = WEBHOOK_SECRET


# A fresh process, as the web server and the worker start: the handlers the configuration sets up (and
# the libraries that handle requests add on import), before any test or model load adds its own.
_HANDLERS_PROBE = """
import json, logging
import django
django.setup()
import django_q.conf, httpx, telegram  # noqa: F401 -- libraries that may add handlers of their own
from burnout_site.log_redaction import SecretRedactionFilter
loggers = [logging.getLogger()] + [
    logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
]
print(json.dumps([
    [logger.name, repr(handler), any(isinstance(f, SecretRedactionFilter) for f in handler.filters)]
    for logger in loggers
    for handler in logger.handlers
    if not isinstance(handler, logging.NullHandler)
]))
"""


@pytest.mark.parametrize("debug", ["0", "1"])
def test_every_configured_handler_redacts(debug: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "ENV_FILE": os.devnull,
        "DEBUG": debug,
        "SECRET_KEY": "k" * 50,
        "DJANGO_SETTINGS_MODULE": "burnout_site.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", _HANDLERS_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    handlers = json.loads(done.stdout)
    assert handlers, "no logging handler configured at all?"
    assert [handler for handler in handlers if not handler[2]] == []


@pytest.mark.usefixtures("secrets_configured")
def test_secrets_in_messages_arguments_and_tracebacks_are_redacted(
    log_console: io.StringIO, caplog: pytest.LogCaptureFixture, settings: SettingsWrapper
) -> None:
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("tests.redaction")
    log.debug("calling https://api.telegram.org/bot%s/getMe", BOT_TOKEN)
    log.info("token %s in an argument", BOT_TOKEN)
    log.warning("webhook secret in the message: " + WEBHOOK_SECRET)
    log.info("key=%r", settings.SECRET_KEY)
    try:
        raise RuntimeError(f"failed with {BOT_TOKEN} and {WEBHOOK_SECRET}")
    except RuntimeError:
        log.exception("the call failed")
    log.info("where it happened", stack_info=True, extra={"detail": "kept"})

    output = log_console.getvalue() + caplog.text
    assert "the call failed" in log_console.getvalue() and "RuntimeError" in log_console.getvalue()
    for secret in (BOT_TOKEN, BOT_TOKEN.split(":")[1], WEBHOOK_SECRET, settings.SECRET_KEY):
        assert secret not in output
    assert f"/bot{REDACTED}/getMe" in output


@pytest.mark.django_db
def test_api_tokens_totp_secrets_and_export_links_are_redacted(
    log_console: io.StringIO, caplog: pytest.LogCaptureFixture, user: User
) -> None:
    caplog.set_level(logging.DEBUG)
    _instance, plain = AuthToken.objects.create(user)
    _instance, two_factor = AuthToken.objects.create(user, prefix=OTP_TOKEN_PREFIX)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    export = DataExport.objects.create(user=user, status=DataExport.Status.READY)
    export_token = data_export_token(export=export)
    log = logging.getLogger("tests.redaction")
    log.info("Authorization: Token %s", plain)
    log.info("issued %s", two_factor)
    log.info("scan %s", device.config_url)
    log.info("GET /accounts/privacy/export/%s/ and /api/v1/me/exports/download/%s/", export_token, export_token)
    log.info("the bare token: %s", export_token)

    output = log_console.getvalue() + caplog.text
    totp_secret = device.config_url.split("secret=")[1].split("&")[0]
    for secret in (plain, two_factor, totp_secret, export_token, export_token.split(":")[1]):
        assert secret not in output
    assert f"/accounts/privacy/export/{REDACTED}/" in output


@pytest.mark.django_db
def test_an_export_link_in_djangos_request_log_is_redacted(
    log_console: io.StringIO, caplog: pytest.LogCaptureFixture, client_logged_in: Client, user: User
) -> None:
    # Django logs the path of every 4xx ("Not Found: /accounts/privacy/export/<token>/").
    caplog.set_level(logging.DEBUG)
    someone_else = DataExport.objects.create(user=User.objects.create(username="other"), status="ready")
    token = data_export_token(export=someone_else)
    response = client_logged_in.get(reverse("accounts:export_download", args=[token]))
    assert response.status_code == 404
    output = log_console.getvalue() + caplog.text
    assert "Not Found: /accounts/privacy/export/" in output
    assert token not in output


def test_ordinary_text_is_left_alone() -> None:
    text = (
        "GET /dashboard/?bucket=week 200 at 12:34:56 from fe80::1, model 3e57fb7 "
        "sha1 9d5ed678fe57bcca610140957afab571b8a4c8b3, user 42 sent photo 17"
    )
    assert redact(text) == text


def test_a_record_with_broken_arguments_is_kept() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("one",), None)
    assert SecretRedactionFilter().filter(record) is True
    assert record.args == ("one",)


def test_the_object_store_secret_key_is_redacted(log_console: io.StringIO, settings: SettingsWrapper) -> None:
    settings.S3_SECRET_ACCESS_KEY = "s3-secret-Zx81mQ0pL7aV2nR5tY9wB3cD"

    logging.getLogger("tests.redaction").warning("signing with %s", settings.S3_SECRET_ACCESS_KEY)

    assert "s3-secret-Zx81mQ0pL7aV2nR5tY9wB3cD" not in log_console.getvalue()
    assert f"signing with {REDACTED}" in log_console.getvalue()
