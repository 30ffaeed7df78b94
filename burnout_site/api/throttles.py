"""Scoped throttling whose rates are read at request time, and the per-person photo limit as a throttle."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.cache import caches
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from burnout_site.rate_limits import RateLimited, photo_upload_take
from burnout_site.shared_cache import SHARED_CACHE_UNAVAILABLE

if TYPE_CHECKING:
    # For the annotations only: rest_framework.views loads this module (DEFAULT_THROTTLE_CLASSES).
    from rest_framework.request import Request
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


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

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except SHARED_CACHE_UNAVAILABLE:
            # The shared cache (Redis) is unreachable, e.g. restarting: let the request through uncounted, as the
            # photo limit does (burnout_site.rate_limits), rather than answer a log-in with a server error. The
            # log-in lockout (django-axes) keeps its failed log-ins per username and address in the database.
            logger.warning("throttle %s not counted: the shared cache is unreachable", self.scope, exc_info=True)
            return True


class PhotoUploadThrottle(BaseThrottle):
    """The per-person photo limit of every channel (burnout_site.rate_limits), as the API's throttle.

    Beyond the limit it answers 429 `throttled` with the same sentence the web form and the bot say,
    and the Retry-After header.
    """

    def allow_request(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            return True  # the view's permission refuses them first
        try:
            photo_upload_take(user_id=request.user.pk)
        except RateLimited as exc:
            throttled = Throttled(detail=exc.message)
            throttled.wait = exc.retry_after  # after __init__, which would append DRF's own sentence
            raise throttled from None
        return True
