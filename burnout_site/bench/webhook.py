"""Load generator for the webhook benchmark (manage.py bench_webhook) and the load tests.

Telegram keeps a few connections open and posts updates on them, so each connection here is one
keep-alive HTTP/1.1 connection posting update after update. Two ways to drive them:

- closed loop (`post_updates`): `concurrency` clients, each posting its next update as soon as the
  previous one is answered. It measures capacity (requests/s); its latency is concurrency ÷ throughput.
- open loop (`post_at_rate`): updates arrive on a clock at a fixed rate whether or not earlier ones were
  answered, on at most `max_connections` connections at once (Telegram's setWebhook max_connections, 40 by
  default). Latency counts from each update's scheduled arrival, so an update that waited for a free
  connection counts its wait (no coordinated omission). This is what Telegram's traffic looks like.

Written on asyncio streams so that one process can keep 50 connections busy without the load generator's
own threads dominating a small machine.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from burnout_site.bench.stats import percentile

BENCH_SENDER_ID = 700_000_001


def update_body(update_id: int, sender_id: int = BENCH_SENDER_ID, text: str = "hello") -> bytes:
    """A text message from a private chat, as Telegram sends it (the handlers ignore an unknown user)."""
    person = {"id": sender_id, "first_name": "Bench"}
    message = {
        "message_id": update_id % 2**31,
        "date": 1_790_000_000,
        "chat": {**person, "type": "private"},
        "from": {**person, "is_bot": False, "language_code": "en"},
        "text": text,
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0
    # Open loop only: how late the generator itself started an arrival (a busy machine delays its clock).
    start_lag_ms: list[float] = field(default_factory=list)

    def record(self, status: int, latency_ms: float) -> None:
        self.latencies_ms.append(latency_ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies_ms)
        report: dict[str, object] = {
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
        if self.start_lag_ms:
            report["generator_lag_p99_ms"] = _percentile(sorted(self.start_lag_ms), 99)
        return report


def _percentile(ordered: list[float], percent: int) -> float | None:
    value = percentile(ordered, percent)
    return None if value is None else round(value, 2)


class Connection:
    """One keep-alive HTTP/1.1 connection to the webhook, opened on first use and again after a failure."""

    def __init__(self, url: str, secret: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.head = (
            f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
            "Connection: keep-alive\r\n"
        )
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> int | None:
        """The status code, or None when the connection failed (it is closed and reopened next time)."""
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            assert self.reader is not None
            self.writer.write(f"{self.head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await self.writer.drain()
            status, keep_alive = await _read_response(self.reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            self.close()
            return None
        if not keep_alive:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status code, and whether the server keeps the connection open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {name.strip().lower(): value.strip() for name, _sep, value in (line.partition(":") for line in lines[1:])}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


# --- closed loop: capacity ----------------------------------------------------------------------------


async def _client(url: str, secret: str, ids: Iterator[int], until: int, result: LoadResult) -> None:
    connection = Connection(url, secret)
    for update_id in ids:
        if update_id >= until:
            break
        started = time.perf_counter()
        status = await connection.post(update_body(update_id))
        if status is None:
            result.errors += 1
            continue
        result.record(status, (time.perf_counter() - started) * 1000)
    connection.close()


async def _run(url: str, secret: str, first_id: int, requests: int, concurrency: int) -> LoadResult:
    result = LoadResult()
    ids = itertools.count(first_id)  # shared: every request carries a new update_id
    started = time.perf_counter()
    await asyncio.gather(*(_client(url, secret, ids, first_id + requests, result) for _index in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def post_updates(*, url: str, secret: str, first_id: int, requests: int, concurrency: int) -> LoadResult:
    """Closed loop: post `requests` new updates to the webhook from `concurrency` clients at once."""
    return asyncio.run(_run(url, secret, first_id, requests, concurrency))


# --- open loop: latency at an offered rate -------------------------------------------------------------


async def open_loop(
    send: Callable[[int], Awaitable[int | None]],
    *,
    offsets: Sequence[float],
    max_in_flight: int,
    result: LoadResult,
) -> None:
    """Start `send(i)` at `offsets[i]` seconds after the start, whether earlier sends have answered or not.

    At most `max_in_flight` sends run at once; an arrival that finds them all busy waits for one, and its
    latency (from its scheduled time, not from when it got a connection) includes that wait. A send that
    returns None counts as an error.
    """
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(max_in_flight)
    start = loop.time()

    async def arrive(index: int, due: float) -> None:
        async with slots:
            status = await send(index)
        if status is None:
            result.errors += 1
        else:
            result.record(status, (loop.time() - due) * 1000)

    tasks = []
    for index, offset in enumerate(offsets):
        due = start + offset
        if (delay := due - loop.time()) > 0:
            await asyncio.sleep(delay)
        result.start_lag_ms.append(max(0.0, loop.time() - due) * 1000)
        tasks.append(asyncio.create_task(arrive(index, due)))
    await asyncio.gather(*tasks)
    result.seconds = loop.time() - start


async def _run_at_rate(url: str, secret: str, bodies: Sequence[bytes], rate: float, max_connections: int) -> LoadResult:
    result = LoadResult()
    idle = [Connection(url, secret) for _index in range(max_connections)]

    async def send(index: int) -> int | None:
        connection = idle.pop()  # the semaphore in open_loop guarantees one is free
        try:
            return await connection.post(bodies[index])
        finally:
            idle.append(connection)

    offsets = [index / rate for index in range(len(bodies))]
    await open_loop(send, offsets=offsets, max_in_flight=max_connections, result=result)
    for connection in idle:
        connection.close()
    return result


def post_at_rate(*, url: str, secret: str, bodies: Sequence[bytes], rate: float, max_connections: int) -> LoadResult:
    """Open loop: post `bodies` in order, `rate` per second on the clock, on at most `max_connections`."""
    return asyncio.run(_run_at_rate(url, secret, bodies, rate, max_connections))
