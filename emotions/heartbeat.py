"""Worker heartbeats: which worker processes have the emotion model loaded, and when they last said so.

A scheduled task (`emotions.tasks.worker_heartbeat`, every minute) loads the model in the worker that runs it
(once per process: the predictor is cached) and records, per host and process id, the model version or the
reason it could not be loaded. /health/ (burnout_site/health.py) reads the records: a fresh one with a model
proves that workers run, take tasks from the broker and can analyse. Kept in the "shared" cache (Redis, or
the database table), which every web process and worker reads.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEATS_KEY = "worker-heartbeats"
# Records of processes silent for this long are dropped: a restarted worker has a new pid.
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Heartbeat:
    host: str
    pid: int
    at: datetime
    model_version: str  # empty when the model could not be loaded
    model_error: str  # the error's class name when it could not


# A busy worker also beats after its analyses, at most this often, so that every process at work is counted
# (the scheduled beat reaches one process a minute).
BEAT_EVERY = timedelta(seconds=60)
_last_beat: datetime | None = None


def worker_heartbeat_after_analysis(*, now: datetime | None = None) -> None:
    """Called by the worker after it ran the model: a beat, unless this process beat less than a minute ago."""
    now = now or timezone.now()
    if _last_beat is not None and now - _last_beat < BEAT_EVERY:
        return
    try:
        worker_heartbeat_record(now=now)
    except Exception:
        # The beat is for monitoring only: a cache outage must not fail the analysis that was just stored.
        logger.warning("could not record the worker heartbeat", exc_info=True)


def worker_heartbeat_record(*, now: datetime | None = None) -> Heartbeat:
    """Load the model here (cached per process) and record this process's heartbeat; returns it."""
    now = now or timezone.now()
    version, error = "", ""
    try:
        # Imported here: the predictor loads torch, which Django must not import at start-up.
        from emotions.predictor import get_predictor

        version = get_predictor(settings.EMOTION_MODEL_PATH).model_version
    except Exception as exc:
        error = type(exc).__name__
    beat = Heartbeat(socket.gethostname(), os.getpid(), now, version, error)
    cache = caches["shared"]
    # Read-modify-write without a lock: two workers writing at once may drop the other's record for a
    # minute, never their own, and the next beat puts it back.
    records = {
        key: value
        for key, value in (cache.get(HEARTBEATS_KEY) or {}).items()
        if value.get("at") and value["at"] > now - FORGET_AFTER
    }
    records[f"{beat.host}:{beat.pid}"] = {
        "host": beat.host,
        "pid": beat.pid,
        "at": beat.at,
        "model_version": beat.model_version,
        "model_error": beat.model_error,
    }
    cache.set(HEARTBEATS_KEY, records, timeout=int(FORGET_AFTER.total_seconds()))
    global _last_beat  # one process's own memory of its last beat
    _last_beat = now
    return beat


def worker_heartbeats() -> list[Heartbeat]:
    """Every recorded heartbeat, newest first."""
    records = caches["shared"].get(HEARTBEATS_KEY) or {}
    beats = [Heartbeat(**record) for record in records.values()]
    return sorted(beats, key=lambda beat: beat.at, reverse=True)
