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
