"""Scoped throttling whose rates are read at request time."""

from __future__ import annotations

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class ScopedThrottle(ScopedRateThrottle):
    """DRF's ScopedRateThrottle, reading REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] on each request.

    DRF copies the rates into a class attribute at import, so a changed setting (tests, a
    reloaded configuration) would otherwise be ignored. Views name their scope in `throttle_scope`;
    views without one are not throttled. Counters live in the "shared" cache so that every web process
    counts the same requests (DRF's default cache is per process).
    """

    @property
    def cache(self):  # type: ignore[override]
        # Looked up per request, not at import: tests and reloaded settings swap the cache configuration.
        return caches["shared"]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
