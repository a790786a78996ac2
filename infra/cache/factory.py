"""Choose a cache adapter from a URL (the ``REDIS_URL`` setting)."""

from __future__ import annotations

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


_process_caches: dict[str | None, Cache] = {}


def process_cache(url: str | None) -> Cache:
    """One cache per process and URL. In the embedded stack every service and the router run in
    one process and so share one in-process cache: what one of them writes (a revoked sign-in)
    the others read. With Redis the sharing reaches across processes anyway; one client per
    process keeps the connection pools few."""
    key = url or None
    if key not in _process_caches:
        _process_caches[key] = create_cache(key)
    return _process_caches[key]
