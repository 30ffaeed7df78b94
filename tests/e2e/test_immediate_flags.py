"""A CBI answer over the threshold raises its flag and alerts the psychologist within a minute, with the real worker.

Real web server, real qcluster (SQLite + django-q2's ORM broker), the real Telegram channel talking to the fake
Bot API over HTTP. The answer comes through the REST API; its commit queues the person's evaluation, the worker
raises the `cbi` flag and hands the alert to the psychologist's chosen channel (Telegram), whose own task sends
it. A second high answer in the same episode raises nothing and alerts no one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import urllib.request
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest

from emotions.models import CBI_ITEM_KEYS
from tests.e2e.live import Processes, free_port, post, wait_for_http
from tests.fakes.telegram_api import FakeTelegramAPI

pytestmark = pytest.mark.e2e

ALERT_WITHIN_S = 60
DOC_CHAT = 770_000_001
ALERT_TEXT = "A burnout signal was raised for"

SETUP_SCRIPT = """
from knox.models import AuthToken
from accounts.models import ConsentKind, User
from accounts.selectors import consent_current_document
from accounts.services import care_link_create, consent_grant
from telegram_bridge.models import TelegramAccount
from tests.factories import PsychologistProfileFactory

patient = User.objects.create_user(username="flag-patient", email="p@example.com", password="a-long-flag-password-1")
consent_grant(user=patient, document=consent_current_document(kind=ConsentKind.PROCESSING))
doctor = PsychologistProfileFactory(user__email="doc@example.com", alert_channel="telegram").user
TelegramAccount.objects.create(user=doctor, telegram_user_id={chat}, chat_id={chat}, language="en")
care_link_create(patient=patient, code=doctor.psychologist_profile.code, categories=["questionnaire", "flags"])
_instance, token = AuthToken.objects.create(patient)
print("TOKEN=" + token)
"""


def _answer(base_url: str, token: str, answer: str) -> int:
    body = json.dumps({"answers": dict.fromkeys(CBI_ITEM_KEYS, answer)}).encode()
    return post(
        base_url + "/api/v1/questionnaires/cbi/",
        body=body,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )


def _flags(database: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(database, timeout=30)) as connection:
        return connection.execute("SELECT rule, cleared_at FROM emotions_burnoutflag").fetchall()


def _evaluations_done(database: Path) -> int:
    with closing(sqlite3.connect(database, timeout=30)) as connection:
        return connection.execute(
            "SELECT count(*) FROM django_q_task WHERE func = 'emotions.tasks.evaluate_person_burnout_flags'"
            " AND success = 1"
        ).fetchone()[0]


def _alerts(telegram: FakeTelegramAPI) -> list[str]:
    return [
        str(call.get("text", ""))
        for call in telegram.calls_to("sendMessage")
        if call.get("chat_id") == str(DOC_CHAT) and ALERT_TEXT in str(call.get("text", ""))
    ]


def _wait(condition: Any, timeout: float, processes: Processes, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s\n{processes.log_tail()}")


def test_a_high_cbi_flags_and_alerts_once_within_a_minute(tmp_path: Path) -> None:
    database = tmp_path / "flags.sqlite3"
    with ExitStack() as stack:
        telegram = stack.enter_context(FakeTelegramAPI())
        inherited = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env = {
            **inherited,
            "SQLITE_PATH": str(database),
            "DJANGO_SETTINGS_MODULE": "tests.e2e.settings",
            "E2E_MEDIA_ROOT": str(tmp_path / "media"),
            "Q_SYNC": "0",
            "Q_WORKERS": "1",
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_BOT_USERNAME": telegram.bot_username,
            "TELEGRAM_WEBHOOK_SECRET": "flags-test-webhook-secret",
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "TELEGRAM_FILE_BASE_URL": telegram.file_base_url,
            "SECRET_KEY": "flags-test-" + "k" * 60,
            "PYTHONUNBUFFERED": "1",
        }
        processes = Processes(env, tmp_path)
        stack.callback(processes.stop_all)
        processes.manage("migrate", "--noinput")
        processes.manage("createcachetable")
        token = processes.manage("shell", "-c", SETUP_SCRIPT.format(chat=DOC_CHAT)).split("TOKEN=", 1)[1].split()[0]
        base_url = f"http://127.0.0.1:{free_port()}"
        processes.start("web", "runserver", base_url.removeprefix("http://"), "--noreload")
        wait_for_http(base_url + "/")
        processes.start("worker", "qcluster")
        processes.wait_for_log("worker", "running.", timeout=120)

        assert _answer(base_url, token, "often") == 201  # 75 of 100
        flagged_s = _wait(lambda: _flags(database) == [("cbi", None)], ALERT_WITHIN_S, processes, "the cbi flag")
        alerted_s = _wait(lambda: len(_alerts(telegram)) == 1, ALERT_WITHIN_S, processes, "the alert")
        print(f"flag raised {flagged_s:.1f} s and alert sent {alerted_s + flagged_s:.1f} s after the answer")

        assert _answer(base_url, token, "always") == 201  # 100: the same episode
        _wait(lambda: _evaluations_done(database) == 2, ALERT_WITHIN_S, processes, "the second evaluation")
        time.sleep(3)  # a second alert task, had one been queued, would have run by now

        assert _flags(database) == [("cbi", None)]
        [alert] = _alerts(telegram)
        assert "High burnout questionnaire score" in alert and "A signal is not a diagnosis." in alert
        assert flagged_s + alerted_s < ALERT_WITHIN_S
        # What the person's phone reads: their own open flag.
        request = urllib.request.Request(base_url + "/api/v1/flags/", headers={"Authorization": f"Token {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            [flag] = json.load(response)["results"]
        assert (flag["rule"], flag["value"]) == ("cbi", 75.0)
