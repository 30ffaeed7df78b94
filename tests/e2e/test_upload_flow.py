"""Browser test of the whole photo path: sign up, upload a face, a real django-q2 worker analyses it.

The web server and the worker run as separate processes on one temporary SQLite
file (migrated first) and a temporary media folder, exactly as `runserver` + `qcluster` do on a laptop. pytest-
django's own test database is not used: an in-memory database cannot be shared with
another process, and switching the whole session to a file (then flushing it after a
transactional test) would also wipe the rows data migrations create for other tests.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.emotions import images

CHROMIUM = Path("/usr/bin/chromium")
ANALYSIS_TIMEOUT_S = 90  # the worker's first task also loads torch and the weights

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt install chromium)"),
]


@dataclass
class Stack:
    base_url: str
    logs: dict[str, Path]

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for name, path in self.logs.items():
            text = path.read_text(errors="replace").splitlines() if path.exists() else []
            parts.append(f"--- {name} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(parts)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(*args: str, env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=180,
        )


def _start(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("a") as out:
        # A session of its own, so that stopping it reaches the worker processes qcluster forks.
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # qcluster stops its workers on SIGTERM
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_for_http(url: str, server: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the web server exited while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """A migrated SQLite file, a web server and a django-q2 cluster on it; both stopped at the end."""
    # The stack runs on its own SQLite file and ORM broker even when the suite itself
    # runs on PostgreSQL + Redis: it must never write into the shared test database.
    inherited = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.settings",  # burnout_site.test_settings + a private MEDIA_ROOT
        "E2E_MEDIA_ROOT": str(tmp_path / "media"),
        "SQLITE_PATH": str(tmp_path / "e2e.sqlite3"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "Q_SYNC": "0",  # the point of this test: the queue, not an inline call
        "Q_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    logs = {name: tmp_path / f"{name}.log" for name in ("setup", "server", "worker")}
    _manage("migrate", "--noinput", env=env, log=logs["setup"])
    _manage("createcachetable", env=env, log=logs["setup"])  # the shared cache: upload limits, throttles
    # DEBUG is off, as in production: WhiteNoise serves collected files, Chart.js included.
    _manage("collectstatic", "--noinput", "-v0", env=env, log=logs["setup"])

    port = _free_port()
    server = _start(["runserver", f"127.0.0.1:{port}", "--noreload"], env=env, log=logs["server"])
    worker = _start(["qcluster"], env=env, log=logs["worker"])
    running = Stack(base_url=f"http://127.0.0.1:{port}", logs=logs)
    try:
        try:
            _wait_for_http(running.base_url + "/", server)
        except RuntimeError as exc:
            pytest.fail(f"{exc}\n{running.log_tail()}")
        yield running
    finally:
        _stop(worker)
        _stop(server)


def _sign_up_and_upload(page: Any, stack: Stack, photo: Path) -> None:
    """Sign up through the real form, accept the processing consent, upload `photo` and wait for its result."""
    from playwright.sync_api import expect

    # Sign up through the real form.
    page.goto(stack.base_url + "/accounts/signup/")
    page.fill("input[name=username]", "e2e-person")
    page.fill("input[name=email]", "e2e-person@example.com")
    page.check("input[name=role][value=patient]")
    page.fill("input[name=password1]", "a-long-e2e-password-91")
    page.fill("input[name=password2]", "a-long-e2e-password-91")
    for checkbox in page.locator("form input[type=checkbox]").all():
        checkbox.check()  # consent boxes, if the sign-up form asks for them
    page.locator("form button[type=submit]").last.click()

    # A new person lands on the dashboard's empty state.
    expect(page.get_by_text("No photos yet")).to_be_visible()
    page.get_by_role("link", name="Add your first photo").click()
    # The first upload asks for the processing consent, then comes back to the upload form.
    expect(page.get_by_role("heading", name="Processing of face photos and emotion data")).to_be_visible()
    page.get_by_role("button", name="I agree").click()

    page.set_input_files("input[name=photo]", str(photo))
    page.get_by_role("button", name="Analyse the photo").click()

    # The detail page polls until the worker has stored the result, then reloads itself.
    expect(page.get_by_role("heading", name="Photo result")).to_be_visible()
    try:
        expect(page.get_by_text("Top emotion:")).to_be_visible(timeout=ANALYSIS_TIMEOUT_S * 1000)
    except AssertionError as exc:
        raise AssertionError(f"no result after {ANALYSIS_TIMEOUT_S} s\n{stack.log_tail()}") from exc


def test_sign_up_upload_and_see_the_result(stack: Stack, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    photo = tmp_path / "selfie.jpg"
    photo.write_bytes(images.face_jpeg(images.HAPPY_FACE))
    console_errors: list[str] = []
    failed_requests: list[str] = []

    with sync_playwright() as playwright:
        # --no-sandbox: the test may run as root in a container, where Chromium's sandbox cannot start.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
            # Browsers ask for /favicon.ico on their own; any other 4xx/5xx is a broken page asset or link.
            page.on(
                "response",
                lambda response: (
                    response.status >= 400
                    and not response.url.endswith("/favicon.ico")
                    and failed_requests.append(f"{response.status} {response.url}")
                ),
            )
            page.set_default_timeout(15_000)

            _sign_up_and_upload(page, stack, photo)
            expect(page.locator("table.probabilities tbody tr")).to_have_count(7)

            page.get_by_role("link", name="Back to the dashboard").click()
            expect(page.get_by_role("heading", name="Share of negative emotions per day")).to_be_visible()
            # One row per photo (a finished one has its "Was this right?" row under it, not counted here).
            expect(page.locator("table.latest tbody tr:not(.feedback-row)")).to_have_count(1)
            expect(page.locator("table.latest tbody tr").first).to_contain_text("Done")
            # Chart.js came from our own static files and drew both charts.
            page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length === 2")
            page.get_by_text("Show the data as a table").first.click()
            expect(page.locator("details[open] table tbody tr")).to_have_count(1)
        finally:
            browser.close()

    assert failed_requests == [], failed_requests
    assert [text for text in console_errors if "Failed to load resource" not in text] == [], console_errors


def test_not_right_then_the_right_emotion_changes_the_agreement_figure(stack: Stack, tmp_path: Path) -> None:
    """Upload → reading → "Not right" → pick the emotion → the dashboard's agreement figure changes. No script
    is needed for it: the buttons are plain POST forms and "Not right" opens a <details>."""
    from playwright.sync_api import expect, sync_playwright

    photo = tmp_path / "selfie.jpg"
    photo.write_bytes(images.face_jpeg(images.HAPPY_FACE))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            _sign_up_and_upload(page, stack, photo)
            result_url = page.url
            # The reading comes with how sure it is, in words and as a percentage.
            expect(page.locator("p.confidence")).to_contain_text(
                re.compile(r"How sure: (sure|fairly sure|unsure) \(\d+%\)")
            )

            page.get_by_role("link", name="Back to the dashboard").click()
            figure = page.locator(".feedback-agreement .agreement-figure")
            expect(figure).to_have_text("You have not checked any reading yet.")

            page.goto(result_url)
            expect(page.get_by_role("heading", name="Was this right?")).to_be_visible()
            page.get_by_text("Not right: choose the emotion").click()
            choice = page.locator(".feedback-choices button").first
            chosen = choice.inner_text().strip()
            choice.click()

            # Back on the photo's page, with what was said.
            expect(page.get_by_text(f"Thank you. You said the photo shows: {chosen}.")).to_be_visible()
            assert page.url == result_url
            expect(page.locator(".feedback-given")).to_have_text(f"You said the photo shows: {chosen}.")

            page.get_by_role("link", name="Back to the dashboard").click()
            expect(figure).to_have_text("You agreed with 0 of 1 reading you checked.")
            # Changing one's mind to "Right" from the dashboard's list moves the figure again.
            page.locator("table.latest .feedback-right").first.click()
            expect(figure).to_have_text("You agreed with 1 of 1 reading you checked.")
        finally:
            browser.close()
