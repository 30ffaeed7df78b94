"""Load generator for the webhook benchmark (manage.py bench_webhook).

Telegram keeps a few connections open and posts updates on them, so each simulated client here holds
one keep-alive HTTP/1.1 connection and posts update after update, each with a new update_id (a replay
would take the cheaper "already seen" path). Written on asyncio streams so that one process can keep
50 connections busy without the load generator's own threads dominating a small machine.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from burnout_site.bench.stats import percentile

# A text message from a private chat, as Telegram sends it (the handlers ignore an unknown user).
_UPDATE_TEMPLATE = {
    "message": {
        "message_id": 1,
        "date": 1_790_000_000,
        "chat": {"id": 700_000_001, "type": "private", "first_name": "Bench"},
        "from": {"id": 700_000_001, "is_bot": False, "first_name": "Bench", "language_code": "en"},
        "text": "hello",
    }
}


def update_body(update_id: int) -> bytes:
    return json.dumps({"update_id": update_id, **_UPDATE_TEMPLATE}).encode()


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies_ms)
        return {
            "requests": len(ordered),
            "errors": self.errors,
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
            "requests_per_s": round(len(ordered) / self.seconds, 1) if self.seconds else None,
            "p50_ms": _percentile(ordered, 50),
            "p95_ms": _percentile(ordered, 95),
            "p99_ms": _percentile(ordered, 99),
            "max_ms": round(ordered[-1], 2) if ordered else None,
            "mean_ms": round(statistics.fmean(ordered), 2) if ordered else None,
        }


def _percentile(ordered: list[float], percent: int) -> float | None:
    value = percentile(ordered, percent)
    return None if value is None else round(value, 2)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status code, and whether the server keeps the connection open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {name.strip().lower(): value.strip() for name, _sep, value in (line.partition(":") for line in lines[1:])}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


async def _client(url: str, secret: str, ids: Iterator[int], until: int, result: LoadResult) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request_head = (
        f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\nConnection: keep-alive\r\n"
    )
    reader = writer = None
    for update_id in ids:
        if update_id >= until:
            break
        body = update_body(update_id)
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            writer.write(f"{request_head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
            status, keep_alive = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            writer = None
            continue
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if not keep_alive:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _run(url: str, secret: str, first_id: int, requests: int, concurrency: int) -> LoadResult:
    result = LoadResult()
    ids = itertools.count(first_id)  # shared: every request carries a new update_id
    started = time.perf_counter()
    await asyncio.gather(*(_client(url, secret, ids, first_id + requests, result) for _index in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def post_updates(*, url: str, secret: str, first_id: int, requests: int, concurrency: int) -> LoadResult:
    """Post `requests` new updates to the webhook from `concurrency` clients at once."""
    return asyncio.run(_run(url, secret, first_id, requests, concurrency))
