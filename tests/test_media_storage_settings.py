"""MEDIA_STORAGE and the S3_* settings, as a fresh process reads them (settings are read once, at import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET = "settings-test-" + "s" * 50

_PROBE = """
import json
from burnout_site import settings as s
default = s.STORAGES["default"]
options = default.get("OPTIONS", {})
print(json.dumps({
    "backend": default["BACKEND"],
    "bucket": options.get("bucket_name"),
    "endpoint": options.get("endpoint_url"),
    "region": options.get("region_name"),
    "file_overwrite": options.get("file_overwrite"),
    "timeouts": [options["client_config"].connect_timeout, options["client_config"].read_timeout] if options else None,
}))
"""


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {"PATH": os.environ.get("PATH", ""), "ENV_FILE": os.devnull, "SECRET_KEY": SECRET, **env}
    return subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=60
    )


def test_the_default_is_the_local_folder() -> None:
    done = _run()

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["backend"] == "django.core.files.storage.FileSystemStorage"


def test_s3_puts_photos_and_exports_in_the_bucket() -> None:
    done = _run(
        MEDIA_STORAGE="s3",
        S3_ENDPOINT_URL="http://127.0.0.1:8333",
        S3_BUCKET="photos",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
        S3_REGION="eu-central-1",
        S3_TIMEOUT_SECONDS="3",
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "backend": "storages.backends.s3.S3Storage",
        "bucket": "photos",
        "endpoint": "http://127.0.0.1:8333",
        "region": "eu-central-1",
        "file_overwrite": False,
        "timeouts": [3, 3],
    }


def test_s3_without_its_bucket_and_keys_refuses_to_start_naming_what_is_missing() -> None:
    done = _run(MEDIA_STORAGE="s3", S3_ACCESS_KEY_ID="key", S3_SECRET_ACCESS_KEY="do-not-print-me")

    assert done.returncode != 0
    assert "MEDIA_STORAGE=s3 needs S3_BUCKET." in done.stderr
    assert "do-not-print-me" not in done.stderr


def test_an_unknown_media_storage_refuses_to_start() -> None:
    done = _run(MEDIA_STORAGE="nfs")

    assert done.returncode != 0
    assert "MEDIA_STORAGE must be local or s3, got 'nfs'" in done.stderr
