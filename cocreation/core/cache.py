"""The cache backend: Redis, and process memory while Redis is unreachable.

django-cache-fallback does the switch (see CACHES in settings); this subclass adds the
circuit breaker of `cocreation.core.queue`, so that an outage costs one failed connection
per `BROKER_RETRY_AFTER` seconds and one line in the log, instead of a connection attempt
and a traceback for every cache call.
"""

from __future__ import annotations

import pybreaker
from cache_fallback.cache import FallbackCache

from .queue import CACHE


class PortalCache(FallbackCache):
    """`CACHES["default"]`: the `main_cache` alias (Redis), falling back to
    `fallback_cache` (LocMemCache) while the breaker is open."""

    def _call_with_fallback(self, method, *args, **kwargs):
        try:
            return CACHE.call(self._call_main_cache, method, *args, **kwargs)
        except pybreaker.CircuitBreakerError:
            return self._call_fallback_cache(method, *args, **kwargs)
        except Exception:  # noqa: BLE001 - redis-py's errors, whichever the outage raises
            return self._call_fallback_cache(method, *args, **kwargs)
