"""manage.py bench_webhook [--rate 200 --duration 30 [--max-connections 40]] [--requests 3000 --concurrency 50]
[--database-url URL] [--redis-url URL]

Starts the production web server (gunicorn, as the Procfile does) on a free port of 127.0.0.1 with a
scratch database and prints one JSON line with the latency percentiles, what was stored and what was queued.
Two loads (burnout_site/bench/webhook.py says why both):

- `--rate R --duration S`: open loop, the SLA figure. R new updates per second arrive on a clock for S
  seconds, whether or not earlier ones were answered, on at most `--max-connections` connections (Telegram's
  setWebhook default, 40); latency counts from each update's scheduled arrival.
- otherwise: closed loop, the capacity figure. `--concurrency` keep-alive clients each post their next
  update as soon as the previous one is answered (`--requests` in all); requests/s is the capacity.

By default the scratch database is a new SQLite file in a temporary folder with the ORM broker (the
embedded set-up). `--database-url`/`--redis-url` measure the scale-out set-up instead: give a database
and a Redis database that hold nothing else, because the command migrates the database, and at the end
deletes the updates it posted and empties that broker's queue.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from burnout_site.bench.webhook import LoadResult, post_at_rate, post_updates, update_body

WEBHOOK_PATH = "/telegram/webhook/"
# Far above real update ids, so the cleanup cannot touch anything but the benchmark's rows.
FIRST_UPDATE_ID = 9_000_000_000_000
SERVER_START_SECONDS = 60
TALLY = """
import json
from burnout_site.bench.webhook_tally import webhook_tally
print(json.dumps(webhook_tally(first_id={first})))
"""
CLEANUP = """
from django_q.brokers import get_broker
from telegram_bridge.models import ProcessedUpdate
ProcessedUpdate.objects.filter(update_id__gte={first}).delete()
get_broker().purge_queue()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = "Load-test the Telegram webhook on the production server and print the latency percentiles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=3000, help="Measured requests (default 3000).")
        parser.add_argument("--warmup", type=int, default=300, help="Requests before measuring (default 300).")
        parser.add_argument("--concurrency", type=int, default=50, help="Clients posting at once (default 50).")
        parser.add_argument("--rate", type=float, default=0, help="Open loop: updates per second offered.")
        parser.add_argument("--duration", type=float, default=30, help="Open loop: seconds (default 30).")
        parser.add_argument(
            "--max-connections", type=int, default=40, help="Open loop: connections at most (Telegram's default, 40)."
        )
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 2)))
        parser.add_argument("--database-url", default="", help="A scratch database (default: a new SQLite file).")
        parser.add_argument("--redis-url", default="", help="A scratch Redis database for the broker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if min(options["requests"], options["concurrency"], options["workers"], options["threads"]) < 1:
            raise CommandError("--requests, --concurrency, --workers and --threads must be at least 1.")
        if options["rate"] < 0 or options["duration"] <= 0 or options["max_connections"] < 1:
            raise CommandError("--rate must not be negative, --duration positive, --max-connections at least 1.")
        load_before = os.getloadavg()[0]  # the machine is shared: the figures say how busy it was
        with tempfile.TemporaryDirectory(prefix="bench-webhook-") as folder:
            env = self._server_env(Path(folder), options)
            self._manage(env, "migrate", "--noinput")
            port = _free_port()
            server = self._start_server(env, port, options)
            try:
                url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
                self._wait_until_up(url, server)
                secret = env["TELEGRAM_WEBHOOK_SECRET"]
                post_updates(
                    url=url,
                    secret=secret,
                    first_id=FIRST_UPDATE_ID,
                    requests=options["warmup"],
                    concurrency=options["concurrency"],
                )
                measured_from = FIRST_UPDATE_ID + options["warmup"]
                result = self._measure(url, secret, measured_from, options)
                tally_out = self._manage(env, "shell", "-c", TALLY.format(first=measured_from))
                tally = json.loads(tally_out.strip().splitlines()[-1])  # the last line: start-up may print first
            finally:
                server.terminate()
                server.wait(timeout=30)
                if options["database_url"] or options["redis_url"]:
                    self._manage(env, "shell", "-c", CLEANUP.format(first=FIRST_UPDATE_ID))
        report: dict[str, Any] = {"mode": "open" if options["rate"] else "closed"}
        if options["rate"]:
            report.update(offered_per_s=options["rate"], max_connections=options["max_connections"])
        else:
            report["concurrency"] = options["concurrency"]
        report.update(result.summary())
        report.update(tally)
        report.update(
            {
                "server": f"gunicorn {options['workers']} workers x {options['threads']} threads",
                "database": "postgresql" if options["database_url"].startswith("postgres") else "sqlite",
                "broker": "redis" if options["redis_url"] else "orm",
                "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            }
        )
        self.stdout.write(json.dumps(report))

    def _measure(self, url: str, secret: str, first_id: int, options: dict[str, Any]) -> LoadResult:
        if not options["rate"]:
            return post_updates(
                url=url,
                secret=secret,
                first_id=first_id,
                requests=options["requests"],
                concurrency=options["concurrency"],
            )
        count = round(options["rate"] * options["duration"])
        return post_at_rate(
            url=url,
            secret=secret,
            bodies=[update_body(first_id + index) for index in range(count)],
            rate=options["rate"],
            max_connections=options["max_connections"],
        )

    def _server_env(self, folder: Path, options: dict[str, Any]) -> dict[str, str]:
        """Production settings on a scratch database; nothing from the checkout's .env."""
        env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(
            ENV_FILE=os.devnull,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            TELEGRAM_WEBHOOK_SECRET=secrets.token_urlsafe(32),
            TELEGRAM_BOT_TOKEN="",
            ALLOWED_HOSTS="127.0.0.1",
            SQLITE_PATH=str(folder / "bench.sqlite3"),
            DJANGO_SETTINGS_MODULE="burnout_site.settings",
        )
        if options["database_url"]:
            env["DATABASE_URL"] = options["database_url"]
        if options["redis_url"]:
            env["REDIS_URL"] = options["redis_url"]
        return env

    def _manage(self, env: dict[str, str], *args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def _start_server(self, env: dict[str, str], port: int, options: dict[str, Any]) -> subprocess.Popen[bytes]:
        # The Procfile's web line, access log included (it is part of the production cost).
        command = [sys.executable, "-m", "gunicorn", "-c", "python:burnout_site.gunicorn_conf", "burnout_site.wsgi"]
        command += ["--bind", f"127.0.0.1:{port}"]
        command += ["--workers", str(options["workers"]), "--threads", str(options["threads"])]
        command += ["--access-logfile", "-"]
        return subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def _wait_until_up(self, url: str, server: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited with status {server.returncode} before serving.")
            try:
                urllib.request.urlopen(url, timeout=2)
            except urllib.error.HTTPError:
                return  # a 405 to GET: the server is answering
            except OSError:
                time.sleep(0.2)
            else:
                return
        raise CommandError(f"gunicorn did not answer on {url} within {SERVER_START_SECONDS} s.")
