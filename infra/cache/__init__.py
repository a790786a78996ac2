"""Cache port: short-lived bytes, rate-limit counters and pub/sub channels.

Use :func:`create_cache` with the configured URL and program against :class:`Cache` only::

    cache = create_cache(settings.redis_url)          # None -> in-process, redis://… -> Redis
    await cache.set("session:42", b"...", ttl=60)
    hits = await cache.incr(f"rate:{ip}", ttl=60)     # fixed-window rate limit counter
    async with cache.subscribe("combat:7") as messages:
        async for message in messages: ...

Two adapters keep the same contract (tests run it against both):

* :class:`MemoryCache` — one process, nothing installed; the embedded default.
* :class:`RedisCache` — shared by all replicas; pub/sub is how subscriptions fan out across them.

Pub/sub here is fire-and-forget (only current listeners receive a message). Anything that must
not be lost goes through the event bus (:mod:`infra.bus`) instead.
"""

from infra.cache.factory import create_cache, process_cache
from infra.cache.memory import MemoryCache
from infra.cache.port import Cache, CacheError
from infra.cache.redis_cache import RedisCache

__all__ = ["Cache", "CacheError", "MemoryCache", "RedisCache", "create_cache", "process_cache"]
