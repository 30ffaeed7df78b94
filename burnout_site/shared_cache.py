"""What the shared cache (Redis, or the database cache without REDIS_URL) raises when it cannot be reached.

Counters and markers kept there (rate limits, API throttles, the waiting burnout evaluation) are conveniences:
while the cache restarts, callers go on without them and log it, instead of turning a request into a 500.
Catching only these keeps a real bug (a malformed rate, a typo) loud.
"""

from __future__ import annotations

from django.db import DatabaseError
from redis.exceptions import RedisError

SHARED_CACHE_UNAVAILABLE: tuple[type[BaseException], ...] = (RedisError, DatabaseError, OSError)
