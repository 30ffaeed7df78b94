"""The open-loop scheduler of the webhook benchmark (burnout_site/bench/webhook.py): correctness, not timing.

A slow "server" (a send that sleeps far longer than the gap between arrivals) must not slow the arrivals
down, must never see more than max_in_flight sends at once, must get every update exactly once, and the
latency recorded must count from each arrival's scheduled time, the wait for a free slot included.
"""

from __future__ import annotations

import asyncio

from burnout_site.bench.webhook import LoadResult, open_loop, update_body

ARRIVALS = 30
GAP_S = 0.001  # 1,000 arrivals per second on the clock
SERVICE_S = 0.02  # each answer takes 20 times the gap
MAX_IN_FLIGHT = 4


def _drive(send_statuses: dict[int, int | None] | None = None) -> tuple[LoadResult, list[int], list[int], list[float]]:
    result = LoadResult()
    sent: list[int] = []
    in_flight_seen: list[int] = []
    started_at: list[float] = []
    in_flight = 0

    async def send(index: int) -> int | None:
        nonlocal in_flight
        loop = asyncio.get_running_loop()
        started_at.append(loop.time())
        in_flight += 1
        in_flight_seen.append(in_flight)
        sent.append(index)
        await asyncio.sleep(SERVICE_S)
        in_flight -= 1
        return (send_statuses or {}).get(index, 200)

    async def run() -> None:
        offsets = [index * GAP_S for index in range(ARRIVALS)]
        await open_loop(send, offsets=offsets, max_in_flight=MAX_IN_FLIGHT, result=result)

    asyncio.run(run())
    return result, sent, in_flight_seen, started_at


def test_every_arrival_is_sent_exactly_once_in_order() -> None:
    result, sent, _in_flight, _started = _drive()
    assert sorted(sent) == list(range(ARRIVALS))
    assert len(result.latencies_ms) == ARRIVALS
    assert result.statuses == {200: ARRIVALS}
    assert len(result.start_lag_ms) == ARRIVALS


def test_arrivals_do_not_wait_for_answers_but_connections_are_bounded() -> None:
    _result, _sent, in_flight_seen, _started = _drive()
    # A closed loop with one client would never have two in flight; the open loop fills every slot...
    assert max(in_flight_seen) == MAX_IN_FLIGHT
    # ...and never more than the bound (Telegram's max_connections).
    assert all(count <= MAX_IN_FLIGHT for count in in_flight_seen)


def test_latency_counts_from_the_scheduled_arrival_including_the_wait_for_a_slot() -> None:
    result, _sent, _in_flight, _started = _drive()
    # 30 arrivals through 4 slots of 20 ms each: the last ones wait for several rounds of answers, so the
    # recorded latencies must grow well past one service time (measured from the send alone, they would not).
    rounds = ARRIVALS / MAX_IN_FLIGHT
    assert max(result.latencies_ms) >= (rounds - 1) * SERVICE_S * 1000
    assert min(result.latencies_ms) >= SERVICE_S * 1000 * 0.9  # the event loop may wake a tick early


def test_a_failed_send_is_an_error_not_a_latency() -> None:
    result, _sent, _in_flight, _started = _drive({3: None, 7: 503})
    assert result.errors == 1
    assert result.statuses == {200: ARRIVALS - 2, 503: 1}
    assert len(result.latencies_ms) == ARRIVALS - 1


def test_update_body_names_its_sender() -> None:
    assert b'"id": 42' in update_body(5, sender_id=42)
    assert update_body(5).startswith(b'{"update_id": 5')
