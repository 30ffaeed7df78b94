"""The Procfile's web server as it runs in production: a real gunicorn started from the Procfile's own line.

Two things the issue found: every gunicorn shared one control socket (~/.gunicorn/gunicorn.ctl, so a second
instance took over the first's), and export download links wrote their token into the access log.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
START_SECONDS = 60
EXPORT_TOKEN = "eyJlIjoxMiwidSI6MzR9:Qm9ndXNfc2lnbmF0dXJlX29mX2ZvcnR5X3RocmVlX2NoYQ"  # the shape of a real one


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _procfile_line(name: str) -> str:
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {name}: line in the Procfile")


def _get(url: str) -> int:
    """The status of a GET, redirects not followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", parts.path)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """The Procfile's `web` line in a home folder of its own; yields (base URL, home, log file)."""
    port = _free_port()
    home = tmp_path / "home"
    home.mkdir()
    log = tmp_path / "web.log"
    env = {
        # As `make run` does: the venv's bin first, so the line's `gunicorn` is the venv's.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),  # no XDG_RUNTIME_DIR: gunicorn's default socket would be ~/.gunicorn/gunicorn.ctl
        "ENV_FILE": os.devnull,
        "DEBUG": "0",
        "SECRET_KEY": "gunicorn-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "1",
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            ["bash", "-c", _procfile_line("web")], cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert server.poll() is None, log.read_text()
            try:
                _get(f"{url}/api/v1/me/")  # a JSON 401: no template, no static files needed
                break
            except OSError:
                assert time.monotonic() < deadline, f"gunicorn did not answer in {START_SECONDS} s:\n{log.read_text()}"
                time.sleep(0.2)
        yield url, home, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_our_gunicorn_opens_no_shared_control_socket(web_server: tuple[str, Path, Path]) -> None:
    _url, home, _log = web_server
    assert not (home / ".gunicorn").exists()
    assert not list(home.rglob("*.ctl"))


def test_export_download_tokens_stay_out_of_the_access_log(web_server: tuple[str, Path, Path]) -> None:
    url, _home, log = web_server
    # Not logged in: the page redirects to the login, the API answers 401; both are logged with their path.
    assert _get(f"{url}/accounts/privacy/export/{EXPORT_TOKEN}/") == 302, log.read_text()
    assert _get(f"{url}/api/v1/me/exports/download/{EXPORT_TOKEN}/") == 401, log.read_text()
    deadline = time.monotonic() + 10
    while '/exports/download/[redacted]/ HTTP/1.1"' not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    written = log.read_text()
    assert re.search(r'"GET /accounts/privacy/export/\[redacted\]/ HTTP/1\.1" 302', written), written
    assert re.search(r'"GET /api/v1/me/exports/download/\[redacted\]/ HTTP/1\.1" 401', written), written
    assert EXPORT_TOKEN not in written
    assert EXPORT_TOKEN.split(":")[1] not in written
