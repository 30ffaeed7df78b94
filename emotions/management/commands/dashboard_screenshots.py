"""manage.py dashboard_screenshots [FOLDER] [--chromium PATH]

Writes the dashboard's screenshots for docs/screenshots/: the demo account (seed_demo) at desktop width and
at 390 px (a phone), in English and in Russian. Everything runs on a throwaway SQLite database in a temporary
folder: migrated, seeded, served by `runserver` on 127.0.0.1, removed afterwards; the project's own database
is never touched. Needs the `playwright` package (requirements-dev.txt) and a Chromium (Debian's by default).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from PIL import Image

DEMO_PASSWORD = "screenshots-demo-password"  # a throwaway database's demo account
# (name, width, height): a laptop and an iPhone 12-14 sized phone, at device scale 1 so the PNGs stay small.
VIEWPORTS = (("desktop", 1280, 900), ("phone", 390, 844))
LANGUAGES = ("en", "ru")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("the web server exited while starting")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise CommandError(f"{url} did not answer within {timeout} s")


def _shrink(path: Path) -> None:
    """256 colours: a page of flat colours and text reads the same at a third of the bytes (docs stay small)."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


class Command(BaseCommand):
    help = "Write dashboard screenshots (desktop and 390 px, English and Russian) from demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", nargs="?", default="docs/screenshots", help="where the PNGs go")
        parser.add_argument("--chromium", default="/usr/bin/chromium", help="the browser to drive")

    def handle(self, *args: Any, folder: str, chromium: str, **options: Any) -> None:
        if not Path(chromium).exists():
            raise CommandError(f"No browser at {chromium}: install chromium or pass --chromium.")
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="dashboard-shots-") as scratch:
            env = self._env(Path(scratch))
            for step in (["migrate", "--noinput", "-v0"], ["seed_demo", "--password", DEMO_PASSWORD]):
                self._manage(step, env)
            port = _free_port()
            log = (Path(scratch) / "server.log").open("wb")
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_for(f"http://127.0.0.1:{port}/", server)
                written = self._shoot(f"http://127.0.0.1:{port}", out, chromium)
            finally:
                server.terminate()
                server.wait(timeout=20)
                log.close()
        for path in written:
            self.stdout.write(str(path))

    def _env(self, scratch: Path) -> dict[str, str]:
        # Never the configured database or broker: a scratch SQLite file, DEBUG so runserver serves static files.
        inherited = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        return {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "burnout_site.settings",
            "DEBUG": "1",
            "SECRET_KEY": "",
            "SQLITE_PATH": str(scratch / "db.sqlite3"),
            "MEDIA_ROOT": str(scratch / "media"),
            "HTTPS": "0",
            "Q_SYNC": "1",
        }

    def _manage(self, command: list[str], env: dict[str, str]) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise CommandError(f"manage.py {command[0]} failed:\n{result.stdout}{result.stderr}")

    def _shoot(self, base_url: str, out: Path, chromium: str) -> list[Path]:
        # Imported here: playwright is a development dependency, the product runs without it.
        from playwright.sync_api import sync_playwright

        written = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            try:
                for language in LANGUAGES:
                    for name, width, height in VIEWPORTS:
                        context = browser.new_context(
                            viewport={"width": width, "height": height},
                            device_scale_factor=1,
                            locale=language,
                            extra_http_headers={"Accept-Language": language},
                            reduced_motion="reduce",  # charts drawn at once, not mid-animation
                        )
                        page = context.new_page()
                        page.goto(base_url + "/accounts/login/")
                        page.fill("input[name=username]", "demo")
                        page.fill("input[name=password]", DEMO_PASSWORD)
                        page.locator("main form button[type=submit]").last.click()
                        page.goto(base_url + "/dashboard/?days=90")
                        page.wait_for_load_state("networkidle")
                        page.wait_for_timeout(300)
                        for suffix, full_page in (("", False), ("-full", True)):
                            path = out / f"dashboard-{name}-{language}{suffix}.png"
                            page.screenshot(path=str(path), full_page=full_page)
                            _shrink(path)
                            written.append(path)
                        context.close()
            finally:
                browser.close()
        return written
