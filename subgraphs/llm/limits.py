"""Per-user rate limits, shared by every replica through the cache port (Redis in production).

A window per user and kind of work, opened by the first request: it creates the counter with a
one-minute expiry (``Cache.incr`` with ``ttl``, atomic on Redis) and notes when it opened; each
request adds one, and a request past the limit is refused with the seconds until the window
closes. (Windows opened by use rather than aligned to the clock's minutes: a burst straddling a
minute boundary cannot get twice the limit through.)
``text`` counts generations, ``image`` is there for image generation to share the same rule.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graphql import GraphQLError

from infra.cache.port import Cache

WINDOW_SECONDS = 60
log = logging.getLogger("dndcreator.llm.limits")


class RateLimited(Exception):
    def __init__(self, kind: str, limit: int, retry_after: float) -> None:
        super().__init__(
            f"Too many {kind} requests: at most {limit} a minute. "
            f"Try again in {math.ceil(retry_after)} s."
        )
        self.kind, self.limit, self.retry_after = kind, limit, retry_after

    def as_graphql(self) -> GraphQLError:
        return GraphQLError(
            str(self),
            extensions={
                "code": "RATE_LIMITED",
                "retryAfterSeconds": math.ceil(self.retry_after),
                "limitPerMinute": self.limit,
            },
        )


@dataclass
class RateLimiter:
    cache: Cache
    limits: Mapping[str, int]  # kind -> requests per minute; 0 = unlimited
    prefix: str = "llm:"
    clock: Callable[[], float] = time.time

    async def admit(self, user: uuid.UUID, kind: str) -> None:
        limit = self.limits.get(kind, 0)
        if limit <= 0:
            return
        now = self.clock()
        key = f"{self.prefix}rate:{kind}:{user}"
        try:
            count = await self.cache.incr(key, ttl=WINDOW_SECONDS)
            if count == 1:
                await self.cache.set(f"{key}:opened", str(now).encode(), ttl=WINDOW_SECONDS)
            opened = await self.cache.get(f"{key}:opened") if count > limit else None
        except Exception as exc:  # a cache outage must not stop every generation: let it pass
            log.warning("rate limit not checked, the cache is unavailable: %r", exc)
            return
        if count > limit:
            closes = (float(opened) if opened else now) + WINDOW_SECONDS
            raise RateLimited(kind, limit, max(closes - now, 1.0))
