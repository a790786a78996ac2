"""Choose an event bus adapter from a URL (the ``REDIS_URL`` setting)."""

from __future__ import annotations

from urllib.parse import urlsplit

from infra.bus.memory import InMemoryEventBus
from infra.bus.port import EventBus
from infra.bus.redis_streams import DEFAULT_STREAM_PREFIX, RedisStreamsEventBus

REDIS_SCHEMES = frozenset({"redis", "rediss", "unix"})


def create_event_bus(
    url: str | None = None, *, stream_prefix: str = DEFAULT_STREAM_PREFIX
) -> EventBus:
    """``None``, ``""`` or ``memory://`` give the in-process bus; ``redis://…`` gives Streams."""
    if not url or url == "memory://":
        return InMemoryEventBus()
    scheme = urlsplit(url).scheme
    if scheme in REDIS_SCHEMES:
        return RedisStreamsEventBus.from_url(url, stream_prefix=stream_prefix)
    raise ValueError(
        f"unsupported event bus URL scheme {scheme!r} in {url!r}: "
        "use memory:// or redis://host:port/db"
    )
