"""Regenerate the pictures of docs/psychologists.md: `.venv/bin/python docs/tools/clinician_images.py [OUT]`.

A throw-away SQLite database gets a psychologist and a patient with 60 days of generated data and a session;
a `runserver` on 127.0.0.1 serves the patient page, which Debian's chromium (Playwright) photographs at desktop
width and at 390 px (whole pages kept in the temporary folder it prints); the brief is cut out of the desktop
page, and the PDF report is downloaded and its first page photographed in chromium's PDF viewer (no poppler
here: pdftoppm is not installed, and WeasyPrint has no PNG output since version 53). OUT defaults to docs/images/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(tempfile.mkdtemp(prefix="clinician-images-"))
ENV = {
    **os.environ,
    "SQLITE_PATH": str(WORK / "db.sqlite3"),
    "DEBUG": "true",
    "DJANGO_SETTINGS_MODULE": "burnout_site.settings",
}
ENV.pop("DATABASE_URL", None)
ENV.pop("REDIS_URL", None)
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed() -> tuple[int, str, bytes]:
    """The patient's id, a signed-in (two-factor) session id of the psychologist, and the PDF of 90 days."""
    import django

    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from burnout_site.bench.report import year_of_data
    from emotions.models import BurnoutFlag, CareSession, SelfReport

    call_command("migrate", verbosity=0)
    link = year_of_data(days=60, photos_per_day=4)
    patient, psychologist = link.patient, link.psychologist
    patient.first_name, patient.last_name = "Anna", "K."
    patient.save()
    psychologist.first_name, psychologist.last_name = "Irina", "Sokolova"
    psychologist.save()
    now = timezone.now()
    SelfReport.objects.create(user=patient, mood=2, note="Deadline week, slept badly", at=now - timedelta(days=3))
    CareSession.objects.create(link=link, on=timezone.localdate() - timedelta(days=9))
    BurnoutFlag.objects.create(user=patient, rule=BurnoutFlag.Rule.RISE, raised_at=now - timedelta(days=2), value=0.2)
    device = TOTPDevice.objects.create(user=psychologist, name="docs", confirmed=True)
    client = Client()
    client.force_login(psychologist)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.get(f"/portal/patients/{patient.pk}/report.pdf?days=90", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.status_code
    pdf = response.content
    return patient.pk, session.session_key, pdf


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    patient_id, session_key, pdf = _seed()
    (WORK / "report.pdf").write_bytes(pdf)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/health/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        _photograph(base, patient_id, session_key, out)
        print(f"docs pictures in {out}; whole pages in {WORK}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _photograph(base: str, patient_id: int, session_key: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless=new"])
        for name, width in (("psychologist-patient-page", 1280), ("psychologist-patient-page-390", 390)):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": session_key, "url": base}])
            page = context.new_page()
            page.goto(f"{base}/portal/patients/{patient_id}/?days=30")
            page.wait_for_timeout(800)
            # The whole page at both widths, to look at (not part of the docs): in the temporary folder.
            page.screenshot(path=str(WORK / f"{name}.png"), full_page=True)
            if width == 1280:
                page.locator("#brief").screenshot(path=str(out / "psychologist-brief.png"))
            page.goto(f"{base}/portal/")
            page.screenshot(path=str(WORK / f"psychologist-list-{width}.png"), full_page=True)
            context.close()
        # Chromium's own PDF viewer draws the page: A4 proportions, the page fitted to the width.
        viewer = browser.new_page(viewport={"width": 900, "height": 1290})
        viewer.goto(f"file://{WORK / 'report.pdf'}#toolbar=0&navpanes=0&view=FitH")
        viewer.wait_for_timeout(2500)
        viewer.screenshot(path=str(out / "report-page-1.png"))
        browser.close()


if __name__ == "__main__":
    main()
