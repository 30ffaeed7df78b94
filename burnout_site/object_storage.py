"""Photos and export archives in an S3-compatible bucket (MEDIA_STORAGE=s3): the storage's settings, the bucket.

settings.py builds STORAGES["default"] with `s3_storage`; `manage.py storage_prepare` (run by `make run-prod` and
at each release, beside `migrate`) creates the bucket with `bucket_ensure`; /health/ asks `bucket_check`.
Nothing here is imported by Django at start-up beyond this module: boto3 is imported inside the functions, so
the default local set-up never loads it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

logger = logging.getLogger(__name__)

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storage(
    *,
    endpoint_url: str,
    bucket: str,
    access_key: str,
    secret_key: str,
    region: str,
    addressing_style: str,
    timeout_seconds: int,
) -> dict[str, Any]:
    """The STORAGES entry of a private bucket; the test fixtures build theirs with it too."""
    from botocore.config import Config  # only when the bucket is used: the local set-up never loads boto

    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,  # None: AWS itself
            "access_key": access_key,
            "secret_key": secret_key,
            "region_name": region,
            # Private objects: nothing is ever served from the bucket directly, the site streams exports.
            "default_acl": None,
            "querystring_auth": True,
            # Never replace an object: two uploads that draw the same name get distinct keys.
            "file_overwrite": False,
            "client_config": Config(
                s3={"addressing_style": addressing_style},
                signature_version="s3v4",
                connect_timeout=timeout_seconds,
                read_timeout=timeout_seconds,
                # One retry: a store that is down answers the person in seconds (503), not after boto's backoff.
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }


def is_s3(storage: object) -> bool:
    return type(storage).__module__ + "." + type(storage).__name__ == S3_BACKEND


def bucket_check(storage: Any) -> None:
    """Raise if the bucket cannot be reached with our credentials (a HEAD: no object is read)."""
    storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)


def bucket_ensure(storage: Any, *, wait_seconds: float = 0) -> bool:
    """Create the bucket if it is missing; True when this call created it. Idempotent.

    `wait_seconds`: keep trying while the store does not answer yet (a store started beside us).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return _bucket_create_if_missing(storage)
        except (BotoCoreError, ClientError) as exc:
            # Not the exception's text alone: it names the endpoint, never a credential.
            if time.monotonic() >= deadline:
                raise
            logger.info("object storage not ready yet (%s): trying again", type(exc).__name__)
            time.sleep(1)


def _bucket_create_if_missing(storage: Any) -> bool:
    from botocore.exceptions import ClientError

    client = storage.connection.meta.client
    try:
        client.head_bucket(Bucket=storage.bucket_name)
        return False
    except ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
            raise
    params: dict[str, Any] = {"Bucket": storage.bucket_name}
    region = storage.region_name
    if region and region != "us-east-1":
        # us-east-1 is the one region S3 refuses to be named in the request.
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        client.create_bucket(**params)
    except ClientError as exc:
        # Another process (a second web machine starting at once) created it first: that is the goal.
        if exc.response.get("Error", {}).get("Code") in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            return False
        raise
    logger.info("created the object storage bucket %s", storage.bucket_name)
    return True
