"""Per-person rate limits that hold on every channel: the web form, the API and the bot count together.

One limit is one setting ("N/period", as DRF writes rates) and one counter per person in the "shared"
cache (Redis, or the database table), so a person cannot get around the API's limit through the web
form or the bot, and every web process and worker counts the same attempts. Attempts count whatever
happens to them later (a rejected photo too), as the API's throttles count requests.

The counter is a sliding window made of two fixed ones (this period's count, plus the last period's
count weighted by how much of it still lies within one period from now): a burst straddling the turn
of a period is refused like any other. On Redis each step is atomic (`add`, `incr`), so concurrent
uploads cannot slip under the limit together; the database cache's `incr` is a read and a write, so
there two requests at the same instant may both count as one (a single-machine installation).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import ScopedRateThrottle

from burnout_site.env import rate_parse
from burnout_site.errors import Refusal
from burnout_site.shared_cache import SHARED_CACHE_UNAVAILABLE

CACHE_ALIAS = "shared"

logger = logging.getLogger(__name__)


class RateLimited(Refusal):
    """Beyond the limit: `message` tells the person when to try again; `retry_after` is in seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__("throttled", message)
        self.retry_after = retry_after


def _try_again_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("Please try again in %(count)d second.", "Please try again in %(count)d seconds.", seconds) % {
            "count": seconds
        }
    minutes = math.ceil(seconds / 60)
    return ngettext("Please try again in %(count)d minute.", "Please try again in %(count)d minutes.", minutes) % {
        "count": minutes
    }


@dataclass(frozen=True)
class RateLimit:
    """One action limited per person: `name` goes into the cache keys, `setting` holds the rate."""

    name: str
    setting: str

    def rate(self) -> tuple[int, int]:
        # Read at each use, not at import: tests and a reloaded configuration change it.
        return rate_parse(getattr(settings, self.setting))

    def _key(self, ident: int | str, window: int) -> str:
        return f"rate:{self.name}:{ident}:{window}"

    def take(self, *, user_id: int, message: str) -> None:
        """Count one attempt by this person, or raise RateLimited (`message` + when to try again) beyond the limit.

        A refused attempt is given back, so that hammering does not push the next allowed one further away.
        """
        self.take_for(ident=str(user_id), message=message)

    def take_for(self, *, ident: str, message: str) -> None:
        """`take` for what is counted before anyone is signed in (an address, an e-mail): `ident` names it in the
        cache key, so pass `anonymous_ident(...)`, never the raw value."""
        count, period = self.rate()
        cache = caches[CACHE_ALIAS]
        now = time.time()
        window = int(now // period)
        elapsed = now - window * period
        key = self._key(ident, window)
        try:
            used, previous = self._count(cache, key, self._key(ident, window - 1), window, period, now)
        except SHARED_CACHE_UNAVAILABLE:
            # The shared cache (Redis) is unreachable, e.g. restarting: let the attempt through uncounted rather
            # than refuse a photo with a server error. The limit guards capacity; a minute without it costs little.
            logger.warning("rate limit %s not counted: the shared cache is unreachable", self.name, exc_info=True)
            return
        weight = 1 - elapsed / period
        if previous * weight + used <= count:
            return
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
            cache.decr(key)
        wait = _wait(count, period, used, previous, elapsed)
        raise RateLimited(f"{message} {_try_again_text(wait)}", retry_after=wait)

    @staticmethod
    def _count(cache: BaseCache, key: str, previous_key: str, window: int, period: int, now: float) -> tuple[int, int]:
        """Count this attempt in the window's counter: (this window's count, the previous window's count)."""
        # Kept until the end of the next period, when it is that period's "last period".
        keep_for = math.ceil((window + 2) * period - now)
        cache.add(key, 0, timeout=keep_for)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=keep_for)
            used = 1
        # The database cache's incr writes the default expiry: put ours back (Redis keeps it anyway).
        cache.touch(key, keep_for)
        return used, int(cache.get(previous_key) or 0)

    def forget(self, *, user_id: int) -> None:
        """Remove this person's counters (erasure): every window whose key may still be in the cache."""
        _count, period = self.rate()
        window = int(time.time() // period)
        # A key outlives its window by one period, or by the cache's default expiry if a process died
        # between the database cache's incr and the touch that follows it.
        default_timeout = caches[CACHE_ALIAS].default_timeout or 0
        back = 1 + math.ceil(default_timeout / period)
        caches[CACHE_ALIAS].delete_many([self._key(user_id, w) for w in range(window - back, window + 1)])


def _wait(count: int, period: int, used: int, previous: int, elapsed: float) -> int:
    """Seconds until one more attempt fits: until this period ends if it alone is full, else until enough
    of the last period has slid out of the window."""
    to_period_end = period - elapsed
    if used > count or previous == 0:
        return max(1, math.ceil(to_period_end))
    # previous * (1 - (elapsed + wait) / period) + used <= count
    wait = period * (1 - (count - used) / previous) - elapsed
    return max(1, math.ceil(min(wait, to_period_end)))


def anonymous_ident(value: str) -> str:
    """A cache-key name for an e-mail address or an IP address: keyed by SECRET_KEY and hashed, so the shared
    cache (Redis, a table) holds no address in the clear; case and surrounding space do not count."""
    key = f"{settings.SECRET_KEY}:rate".encode()
    return hashlib.blake2b(value.strip().lower().encode(), key=key[:64], digest_size=16).hexdigest()


PHOTO_UPLOAD = RateLimit(name="photo_upload", setting="PHOTO_UPLOAD_RATE")
# Password reset requests: per client address (one machine asking for many accounts) and per e-mail address
# (one inbox flooded from many machines). Counted whether or not an account has that address, so the
# answer tells nothing about who has an account.
PASSWORD_RESET_PER_IP = RateLimit(name="password_reset_ip", setting="PASSWORD_RESET_RATE_IP")
PASSWORD_RESET_PER_EMAIL = RateLimit(name="password_reset_email", setting="PASSWORD_RESET_RATE_EMAIL")
LIMITS = (PHOTO_UPLOAD,)


def photo_upload_take(*, user_id: int) -> None:
    """One photo sent by this person on any channel (web form, API, Telegram); RateLimited beyond PHOTO_UPLOAD_RATE."""
    PHOTO_UPLOAD.take(user_id=user_id, message=_("You have sent many photos in a short time."))


def password_reset_take(*, client_ip: str, email: str) -> None:
    """One password reset request, from this address for this e-mail (web page or API, counted together);
    RateLimited beyond PASSWORD_RESET_RATE_IP or PASSWORD_RESET_RATE_EMAIL."""
    message = _("Many password reset e-mails were asked for in a short time.")
    PASSWORD_RESET_PER_IP.take_for(ident=anonymous_ident(client_ip), message=message)
    PASSWORD_RESET_PER_EMAIL.take_for(ident=anonymous_ident(email), message=message)


def rate_limits_forget(*, user_id: int) -> None:
    """Erasure: every counter that names this person, ours and those of the API's throttles (by user id)."""
    for limit in LIMITS:
        limit.forget(user_id=user_id)
    scopes = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    caches[CACHE_ALIAS].delete_many(
        [ScopedRateThrottle.cache_format % {"scope": scope, "ident": user_id} for scope in scopes]
    )
