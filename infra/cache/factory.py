"""Choose a cache adapter from a URL (the ``REDIS_URL`` setting)."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from infra.cache.memory import MemoryCache
from infra.cache.port import Cache
from infra.cache.redis_cache import RedisCache

REDIS_SCHEMES = frozenset({"redis", "rediss", "unix"})


def create_cache(url: str | None = None) -> Cache:
    """``None``, ``""`` or ``memory://`` give the in-process cache; ``redis://…`` gives Redis."""
    if not url or url == "memory://":
        return MemoryCache()
    scheme = urlsplit(url).scheme
    if scheme in REDIS_SCHEMES:
        return RedisCache.from_url(url)
    raise ValueError(
        f"unsupported cache URL scheme {scheme!r} in {url!r}: use memory:// or redis://host:port/db"
    )


_process_caches: dict[tuple[str | None, int], Cache] = {}


def process_cache(url: str | None) -> Cache:
    """One cache per URL for the services a thread builds. In the embedded stack every service
    and the router run in one thread and so share one in-process cache: what one of them writes
    (a revoked sign-in) the others read. With Redis the sharing reaches across processes anyway;
    one client keeps the connection pools few. A second thread with an event loop of its own (a
    test's background graph) gets caches of its own, as asyncio objects serve one loop (like
    ``subgraphs.kit.runtime.process_event_bus``)."""
    key = (url or None, threading.get_ident())
    if key not in _process_caches:
        _process_caches[key] = create_cache(url or None)
    return _process_caches[key]
