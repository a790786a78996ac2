"""Redis cache (``redis.asyncio``): shared by every replica in the distributed topology."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.exceptions import ResponseError

from infra.cache.port import CacheError, check_ttl, raise_if_cancel_requested

SUBSCRIBE_CONFIRM_TIMEOUT = 5.0

# INCRBY and "set the expiry if the key has none" must happen together, or a crash between the
# two would leave a rate-limit counter that never resets. A script runs atomically on the server.
_INCR_WITH_EXPIRY = """
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl_ms = tonumber(ARGV[2])
if ttl_ms > 0 and redis.call('PTTL', KEYS[1]) == -1 then
    redis.call('PEXPIRE', KEYS[1], ttl_ms)
end
return value
"""


def _milliseconds(ttl: float | None) -> int | None:
    return None if ttl is None else max(1, round(ttl * 1000))


class _PubSubMessages:
    """The async iterator handed to a subscriber: the data of each pub/sub message."""

    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    def __aiter__(self) -> _PubSubMessages:
        return self

    async def __anext__(self) -> bytes:
        while True:
            raise_if_cancel_requested()  # see infra.bus.consumer: redis-py may swallow it
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            if message is not None and message["type"] == "message":
                data: bytes = message["data"]
                return data


class RedisCache:
    """The production :class:`~infra.cache.port.Cache` on one Redis database."""

    def __init__(self, client: aioredis.Redis) -> None:
        self._redis = client
        self._incr_script = client.register_script(_INCR_WITH_EXPIRY)

    @classmethod
    def from_url(cls, url: str) -> RedisCache:
        """``redis://host:port/db`` (or ``rediss://`` for TLS). Connects lazily, on first use."""
        return cls(aioredis.Redis.from_url(url, decode_responses=False))

    async def get(self, key: str) -> bytes | None:
        value = await self._redis.get(key)
        # decode_responses=False, so Redis hands back bytes (the stubs also allow str).
        return value.encode() if isinstance(value, str) else value

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        check_ttl(ttl)
        await self._redis.set(key, value, px=_milliseconds(ttl))

    async def set_if_absent(self, key: str, value: bytes, *, ttl: float | None = None) -> bool:
        check_ttl(ttl)
        stored: Any = await self._redis.set(key, value, px=_milliseconds(ttl), nx=True)
        return bool(stored)

    async def delete(self, key: str) -> bool:
        removed: int = await self._redis.delete(key)
        return removed > 0

    async def incr(self, key: str, *, amount: int = 1, ttl: float | None = None) -> int:
        check_ttl(ttl)
        try:
            value: Any = await self._incr_script(keys=[key], args=[amount, _milliseconds(ttl) or 0])
        except ResponseError as error:
            if "not an integer" in str(error):
                raise CacheError(f"cannot increment {key!r}: its value is not an integer") from None
            raise
        return int(value)

    async def publish(self, channel: str, message: bytes) -> int:
        receivers: int = await self._redis.publish(channel, message)
        return receivers

    @asynccontextmanager
    async def _subscription(self, channel: str) -> AsyncIterator[AsyncIterator[bytes]]:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.subscribe(channel)
            await _wait_for_confirmation(pubsub, channel, "subscribe")
            yield _PubSubMessages(pubsub)
            # Leave explicitly and wait for the server to agree, so a publish right after the
            # block is guaranteed not to count this subscriber.
            await pubsub.unsubscribe(channel)
            await _wait_for_confirmation(pubsub, channel, "unsubscribe")
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
        return self._subscription(channel)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


async def _wait_for_confirmation(pubsub: PubSub, channel: str, kind: str) -> None:
    """Block until the server has registered the (un)subscription.

    The client only sends SUBSCRIBE/UNSUBSCRIBE; a PUBLISH from another connection could
    otherwise overtake it, which would break "active exactly inside the ``async with`` block".
    Messages that arrive meanwhile are for a subscriber that is leaving, and are dropped.
    """
    while True:
        message = await pubsub.get_message(timeout=SUBSCRIBE_CONFIRM_TIMEOUT)
        if message is None:
            raise CacheError(f"Redis did not confirm the {kind} to {channel!r}")
        if message["type"] == kind:
            return
