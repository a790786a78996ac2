"""The cache contract, run against the in-process cache and real Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from infra.cache import Cache, CacheError, MemoryCache, RedisCache, create_cache
from tests.conftest import REDIS_HOST, REDIS_PORT, require_redis

REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "redis":
        require_redis()
        adapter = create_cache(REDIS_URL)
    else:
        adapter = create_cache(None)
    yield adapter
    await adapter.close()


@pytest.fixture
async def key(cache: Cache) -> AsyncIterator[str]:
    """A key no other test (or earlier run) uses; deleted afterwards on Redis."""
    name = f"test:cache:{uuid.uuid4().hex}"
    yield name
    await cache.delete(name)


async def test_get_missing_key_is_none(cache: Cache, key: str) -> None:
    assert await cache.get(key) is None
    assert await cache.delete(key) is False


async def test_set_get_overwrite_delete(cache: Cache, key: str) -> None:
    await cache.set(key, b"first")
    assert await cache.get(key) == b"first"
    await cache.set(key, b"second")
    assert await cache.get(key) == b"second"
    assert await cache.delete(key) is True
    assert await cache.get(key) is None


async def test_ttl_expires_value(cache: Cache, key: str) -> None:
    await cache.set(key, b"short", ttl=0.05)
    await cache.set(key + ":long", b"long", ttl=60)
    await asyncio.sleep(0.15)
    assert await cache.get(key) is None
    assert await cache.get(key + ":long") == b"long"
    await cache.delete(key + ":long")


async def test_set_if_absent_only_first_wins(cache: Cache, key: str) -> None:
    assert await cache.set_if_absent(key, b"one", ttl=60) is True
    assert await cache.set_if_absent(key, b"two", ttl=60) is False
    assert await cache.get(key) == b"one"


@pytest.mark.parametrize("ttl", [0, -1.5])
async def test_nonpositive_ttl_is_rejected(cache: Cache, key: str, ttl: float) -> None:
    with pytest.raises(ValueError, match="ttl must be a positive"):
        await cache.set(key, b"x", ttl=ttl)
    with pytest.raises(ValueError, match="ttl must be a positive"):
        await cache.incr(key, ttl=ttl)


async def test_incr_counts_from_zero_and_by_amount(cache: Cache, key: str) -> None:
    assert await cache.incr(key) == 1
    assert await cache.incr(key) == 2
    assert await cache.incr(key, amount=5) == 7
    assert await cache.incr(key, amount=-3) == 4
    assert await cache.get(key) == b"4"


async def test_incr_is_atomic_under_concurrency(cache: Cache, key: str) -> None:
    results = await asyncio.gather(*(cache.incr(key, ttl=60) for _ in range(50)))
    assert sorted(results) == list(range(1, 51))


async def test_incr_window_expires_and_restarts(cache: Cache, key: str) -> None:
    assert await cache.incr(key, ttl=0.05) == 1
    # A later increment in the same window must not push the expiry out.
    assert await cache.incr(key, ttl=60) == 2
    await asyncio.sleep(0.15)
    assert await cache.incr(key, ttl=60) == 1


async def test_incr_on_non_integer_value_is_a_clear_error(cache: Cache, key: str) -> None:
    await cache.set(key, b"not a number")
    with pytest.raises(CacheError, match="not an integer"):
        await cache.incr(key)
    assert await cache.get(key) == b"not a number"


async def test_publish_reaches_every_subscriber(cache: Cache) -> None:
    channel = f"test:channel:{uuid.uuid4().hex}"
    async with cache.subscribe(channel) as first, cache.subscribe(channel) as second:
        assert await cache.publish(channel, b"hello") == 2
        assert await cache.publish(channel, b"world") == 2
        for messages in (first, second):
            assert await asyncio.wait_for(anext(messages), 5) == b"hello"
            assert await asyncio.wait_for(anext(messages), 5) == b"world"


async def test_publish_without_subscribers_reaches_nobody(cache: Cache) -> None:
    channel = f"test:channel:{uuid.uuid4().hex}"
    assert await cache.publish(channel, b"lost") == 0
    async with cache.subscribe(channel) as messages:
        # Only messages sent while subscribed arrive; the earlier one is gone.
        await cache.publish(channel, b"kept")
        assert await asyncio.wait_for(anext(messages), 5) == b"kept"


async def test_leaving_subscription_unsubscribes(cache: Cache) -> None:
    channel = f"test:channel:{uuid.uuid4().hex}"
    async with cache.subscribe(channel):
        assert await cache.publish(channel, b"x") == 1
    assert await cache.publish(channel, b"y") == 0


async def test_subscriber_only_gets_its_channel(cache: Cache) -> None:
    mine, other = (f"test:channel:{uuid.uuid4().hex}" for _ in range(2))
    async with cache.subscribe(mine) as messages:
        await cache.publish(other, b"not for me")
        await cache.publish(mine, b"for me")
        assert await asyncio.wait_for(anext(messages), 5) == b"for me"


async def test_memory_cache_sweeps_expired_entries() -> None:
    now = [0.0]
    cache = MemoryCache(clock=lambda: now[0])
    for i in range(10):
        await cache.set(f"old:{i}", b"x", ttl=1)
    now[0] = 5.0
    for i in range(1000):
        await cache.set(f"new:{i}", b"y")
    # The expired counters were swept on write, not merely hidden until someone reads them.
    assert len(cache._entries) == 1000
    assert await cache.get("old:0") is None


def test_factory_picks_adapter_by_url() -> None:
    assert isinstance(create_cache(None), MemoryCache)
    assert isinstance(create_cache("memory://"), MemoryCache)
    assert isinstance(create_cache("redis://127.0.0.1:6379/0"), RedisCache)
    with pytest.raises(ValueError, match="unsupported cache URL scheme 'memcached'"):
        create_cache("memcached://127.0.0.1:11211")
