"""manage.py storage_prepare [--wait SECONDS]: make the file store ready (create the S3 bucket if it is missing).

Run at each release beside `migrate` (and by `make run-prod`); idempotent, and safe from several machines at once.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser

from burnout_site.object_storage import bucket_ensure, is_s3


class Command(BaseCommand):
    help = "Create the photo bucket (MEDIA_STORAGE=s3) or the MEDIA_ROOT folder if missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait", type=float, default=0, help="seconds to keep trying while the store does not answer yet"
        )

    def handle(self, *args: object, **options: object) -> None:
        storage = storages["default"]
        if not is_s3(storage):
            Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
            self.stdout.write(f"local media folder ready: {settings.MEDIA_ROOT}")
            return
        try:
            created = bucket_ensure(storage, wait_seconds=float(options["wait"]))  # type: ignore[arg-type]
        except Exception as exc:
            # The error's class and the endpoint: enough to act on, and no credential in either.
            raise CommandError(
                f"object storage {settings.S3_ENDPOINT_URL or 'AWS S3'} bucket {settings.S3_BUCKET!r} is not "
                f"usable: {type(exc).__name__}: {exc}"
            ) from exc
        state = "created" if created else "already there"
        self.stdout.write(f"bucket {settings.S3_BUCKET!r} at {settings.S3_ENDPOINT_URL or 'AWS S3'}: {state}")
