"""The image rate limit: 10 a minute per user, counted in the shared cache (Redis across
replicas), in fixed windows."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from infra.cache import MemoryCache, RedisCache
from subgraphs.image.limits import ImageRateLimit, RateLimited


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.asyncio
async def test_ten_a_minute_then_refused_until_the_next_window() -> None:
    clock = Clock(60 * 16_667 + 20.0)  # 20 s into a window
    limit = ImageRateLimit(MemoryCache(), clock=clock)
    user, other = uuid.uuid4(), uuid.uuid4()
    for _ in range(10):
        await limit.take(user)
    with pytest.raises(RateLimited) as refused:
        await limit.take(user)
    assert refused.value.retry_after == 40
    await limit.take(other)  # per user
    clock.now += 40
    await limit.take(user)  # a new window


@pytest.mark.asyncio
async def test_replicas_share_the_count_through_redis(redis_url: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}:image:rate:"  # our own keys on the shared server
    first, second = RedisCache.from_url(redis_url), RedisCache.from_url(redis_url)
    try:
        replicas = [ImageRateLimit(first, prefix=prefix), ImageRateLimit(second, prefix=prefix)]
        user = uuid.uuid4()
        outcomes = await asyncio.gather(
            *(replicas[i % 2].take(user) for i in range(14)), return_exceptions=True
        )
        refused = [o for o in outcomes if isinstance(o, RateLimited)]
        assert len(refused) == 4  # 10 allowed in all, whichever replica counted them
    finally:
        await first.close()
        await second.close()
