"""Every page at 390×844 (a phone) in Debian's chromium: no sideways scroll, the dashboard's state on screen one.

One server for the module: a migrated SQLite file with the demo data (seed_demo), served by `runserver` with
the e2e settings, as tests/e2e/test_upload_flow.py does. The sessions of the demo patient and of the demo
psychologist (past two-factor sign-in, as tests/conftest.py `two_factor_client_for` marks it) are made by a
`manage.py shell` step on the same database; the pages are every GET page of the url confs that a person
reaches by a link (the ones that need a one-off token, a POST or staff rights are left out, see SKIPPED).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.live import Processes, free_port, wait_for_http

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 390, 844

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt install chromium)"),
]

# Run in the server's environment: sessions for both roles and the ids the pages need, as JSON.
SESSIONS = """
import json
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import PsychologistProfile, User
from emotions.models import PhotoAssessment, QuestionnaireResponse

patient = User.objects.get(username="demo")
doctor = User.objects.get(username="demo-psychologist")
device = TOTPDevice.objects.create(user=doctor, name="e2e", confirmed=True)
cookies = {}
for name, user in (("patient", patient), ("psychologist", doctor)):
    client = Client()
    client.force_login(user)
    if user == doctor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    cookies[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
print(json.dumps({
    "cookie_name": settings.SESSION_COOKIE_NAME,
    "cookies": cookies,
    "patient_id": patient.pk,
    "assessment_id": PhotoAssessment.objects.filter(user=patient, status="done").latest("captured_at").pk,
    "cbi_id": QuestionnaireResponse.objects.filter(user=patient).latest("at").pk,
    "code": PsychologistProfile.objects.get(user=doctor).code,
}))
"""

# (who, url name, arguments by the ids above). None: not logged in.
PAGES: list[tuple[str | None, str, tuple[str, ...]]] = [
    (None, "home", ()),
    (None, "accounts:login", ()),
    (None, "accounts:signup", ()),
    (None, "accounts:password_reset", ()),
    (None, "accounts:password_reset_done", ()),
    (None, "accounts:password_reset_complete", ()),
    ("patient", "home", ()),
    ("patient", "emotions:dashboard", ()),
    ("patient", "emotions:dashboard?days=90", ()),
    ("patient", "emotions:dashboard?days=365&bucket=day", ()),
    ("patient", "emotions:upload", ()),
    ("patient", "emotions:assessment_detail", ("assessment_id",)),
    ("patient", "emotions:questionnaire_cbi", ()),
    ("patient", "emotions:questionnaire_cbi_result", ("cbi_id",)),
    ("patient", "care:index", ()),
    ("patient", "care:invite", ("code",)),
    ("patient", "accounts:privacy", ()),
    ("patient", "accounts:consent", ("=processing",)),
    ("patient", "accounts:profile", ()),
    ("patient", "accounts:password_change", ()),
    ("patient", "accounts:password_change_done", ()),
    ("patient", "accounts:devices", ()),
    ("patient", "accounts:delete", ()),
    ("patient", "telegram_bridge:connect", ()),
    ("psychologist", "portal:patients", ()),
    ("psychologist", "portal:patient_detail", ("patient_id",)),
    ("psychologist", "portal:patient_detail?days=365", ("patient_id",)),
    ("psychologist", "accounts:psychologist_profile", ()),
    ("psychologist", "accounts:psychologist_alerts", ()),
    ("psychologist", "accounts:profile", ()),
    ("psychologist", "accounts:privacy", ()),
    ("psychologist", "accounts:otp_recovery_codes", ()),
]
# Left out: webhook, status (JSON), feedback, mood, alias, end link, revokes, withdraw, export, sessions, flag
# acknowledgement, thresholds, report.pdf and patients.csv (POST or a file),
# password reset confirm and export download (one-off tokens), two-factor setup/verify (already verified),
# psychologist pending (only before verification), admin (staff, Django's own pages).


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("mobile")
    inherited = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.settings",
        "E2E_MEDIA_ROOT": str(tmp / "media"),
        "SQLITE_PATH": str(tmp / "e2e.sqlite3"),
        "STATIC_ROOT": str(tmp / "static"),
        "PYTHONUNBUFFERED": "1",
    }
    processes = Processes(env, tmp)
    processes.manage("migrate", "--noinput")
    processes.manage("createcachetable")
    processes.manage("collectstatic", "--noinput", "-v0")
    processes.manage("seed_demo", "--password", "a-long-e2e-password-91")
    ids = json.loads(processes.manage("shell", "-c", SESSIONS).strip().splitlines()[-1])
    port = free_port()
    processes.start("server", "runserver", f"127.0.0.1:{port}", "--noreload")
    try:
        wait_for_http(f"http://127.0.0.1:{port}/")
        yield {**ids, "base_url": f"http://127.0.0.1:{port}", "processes": processes}
    finally:
        processes.stop_all()


@contextlib.contextmanager
def _browser() -> Iterator[Any]:
    # Inside each test, not a module fixture: Playwright's sync API runs an event loop, and the suite's autouse
    # database fixtures refuse to run while one is running.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: the test may run as root in a container, where Chromium's sandbox cannot start.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def _url(site: dict[str, Any], name: str, args: tuple[str, ...]) -> str:
    from django.urls import reverse

    name, _, query = name.partition("?")
    values = [arg[1:] if arg.startswith("=") else site[arg] for arg in args]
    return site["base_url"] + reverse(name, args=values) + (f"?{query}" if query else "")


def _page(browser: Any, site: dict[str, Any], who: str | None) -> Any:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
    if who:
        cookie = {"name": site["cookie_name"], "value": site["cookies"][who], "url": site["base_url"]}
        context.add_cookies([cookie])
    return context.new_page()


def _overflow(browser: Any, site: dict[str, Any], who: str | None, name: str, args: tuple[str, ...]) -> str | None:
    """Why this page fails at 390 px, or None."""
    page = _page(browser, site, who)
    try:
        response = page.goto(_url(site, name, args))
        if response is None or response.status != 200:
            return f"{who} {name}: status {response and response.status}"
        if who and "/accounts/login/" in page.url:
            return f"{who} {name}: sent to the login page"
        page.wait_for_load_state("networkidle")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            return f"{who} {name}: {widths[0]} px wide at {widths[1]} px"
        # Every <details> open (the data tables): they must not push the page sideways either.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            return f"{who} {name}: {widths[0]} px wide with its details open"
        return None
    finally:
        page.context.close()


def test_no_page_scrolls_sideways_at_390px(site: dict[str, Any]) -> None:
    with _browser() as browser:
        problems = [_overflow(browser, site, who, name, args) for who, name, args in PAGES]
    failures = [problem for problem in problems if problem]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_where_you_stand_and_the_main_chart_are_on_the_first_screen(site: dict[str, Any], language: str) -> None:
    with _browser() as browser:
        _first_screen(browser, site, language)


def _first_screen(browser: Any, site: dict[str, Any], language: str) -> None:
    page = _page(browser, site, "patient")
    try:
        page.set_extra_http_headers({"Accept-Language": language})
        page.goto(_url(site, "emotions:dashboard", ()))
        page.wait_for_load_state("networkidle")
        standing = page.locator("section.standing").bounding_box()
        chart = page.locator("#negative-share-chart").bounding_box()
        assert standing is not None and chart is not None
        assert standing["y"] >= 0 and standing["y"] + standing["height"] <= HEIGHT, standing
        # The whole chart, drawn (Chart.js sized it), within the first 844 px.
        assert chart["height"] > 100 and chart["y"] + chart["height"] <= HEIGHT, chart
        # The calendar's colouring toggle works without a script of the page's own (CSS and radio buttons).
        cell = page.locator("table.heatmap td[data-mood]").last
        by_negative = cell.evaluate("(td) => getComputedStyle(td).backgroundColor")
        page.locator("label[for=heatmap-by-mood]").click()
        by_mood = cell.evaluate("(td) => getComputedStyle(td).backgroundColor")
        assert by_mood != by_negative, (by_negative, by_mood)
        assert page.locator(".legend-mood").is_visible() and not page.locator(".legend-negative").is_visible()
    finally:
        page.context.close()
