"""The cache backends: Redis, and process memory while Redis is unreachable.

django-cache-fallback does the switch (see CACHES in settings); this subclass adds the
circuit breaker of `cocreation.core.queue`, so that an outage costs one failed connection
per `BROKER_RETRY_AFTER` seconds and one line in the log, instead of a connection attempt
and a traceback for every cache call.

`PageCache` (the `pages` alias, `cocreation.core.page_cache`) has no memory fallback: a
page kept in one process's memory could outlive a change made through another process,
so while Redis is away every read misses and every write is dropped.
"""

from __future__ import annotations

import pybreaker
from cache_fallback.cache import FallbackCache, get_cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from .queue import CACHE


class _KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client with one redis-py client per connection pool.

    Django builds a new `redis.Redis` for every cache call; redis-py 5 and later fill
    about 170 response callbacks into each new client, which was a third of the time of
    an anonymous page served from the cache (three cache calls per page). The client is
    a thin wrapper of its pool, which Django already keeps and which is thread-safe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PortalRedisCache(RedisCache):
    """`CACHES["main_cache"]`: Django's Redis cache, its client kept per pool
    (`_KeptClientRedisCacheClient`). Same settings, keys and values as Django's."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClientRedisCacheClient


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


class PageCache(PortalCache):
    """`CACHES["pages"]`: the `main_cache` alias (Redis) behind the same breaker, with
    nothing behind it: while Redis is unreachable a read is a miss and a write is dropped
    (`DummyCache`), never an error. `get_many`/`set_many` are one round trip each."""

    def __init__(self, location, params):
        BaseCache.__init__(self, params)
        self._cache = get_cache("main_cache")
        self._cache_fallback = DummyCache(location, params)

    def get_many(self, keys, version=None):
        return self._call_with_fallback("get_many", keys, version=version)

    def set_many(self, data, timeout=None, version=None):
        return self._call_with_fallback("set_many", data, timeout=timeout, version=version)

    def stored(self, data: dict, timeout=None) -> bool:
        """Set every key of `data` in Redis with `timeout` (seconds; None: for ever); True
        when Redis took them, False (never an error) when it is unreachable."""
        try:
            CACHE.call(self._call_main_cache, "set_many", data, timeout=timeout)
        except Exception:  # noqa: BLE001 - the breaker's refusal or redis-py's error
            return False
        return True
