"""Timing a page through Django's test client, for the bench_* commands (figures, not tests)."""

from __future__ import annotations

import gc
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from burnout_site.bench.stats import percentile


def logged_in_client(user: Any) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def time_page(client: Client, url: str, requests: int) -> dict[str, float]:
    """p50/p95 of `requests` GETs after one warm-up, and the number of queries one page runs."""
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    # execute_wrapper, not CaptureQueriesContext: each request resets the debug query log.
    with connection.execute_wrapper(count):
        if client.get(url, secure=True).status_code != 200:  # warm-up, and a sanity check
            raise CommandError(f"{url} did not answer 200")
    # As burnout_site/wsgi.py does once the application is loaded: what exists now (the app, and here the
    # generated data) is kept out of the full garbage collections, which would otherwise add 80-100 ms
    # pauses to a few requests.
    gc.freeze()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": _rounded(percentile(timings, 50)),
        "p95_ms": _rounded(percentile(timings, 95)),
        "queries": len(queries),
    }


def _rounded(value: float | None) -> float:
    assert value is not None  # at least one request was timed
    return round(value, 1)
