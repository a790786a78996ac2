"""The image rate limit: at most 10 generations a minute per user, shared by every replica.

A fixed one-minute window counted in the cache (``Cache.incr`` with a time-to-live): Redis in
production, so all replicas count together; the in-process cache in the embedded stack.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from infra.cache.port import Cache

log = logging.getLogger("dndcreator.image.limits")

LIMIT_PER_MINUTE = 10
WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(f"At most {limit} images a minute; try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass
class ImageRateLimit:
    cache: Cache
    limit: int = LIMIT_PER_MINUTE
    window: int = WINDOW_SECONDS
    prefix: str = "image:rate:"
    clock: Callable[[], float] = time.time

    async def take(self, user_id: uuid.UUID) -> None:
        """Count one generation for ``user_id``, or raise ``RateLimited`` past the limit."""
        now = self.clock()
        window = int(now // self.window)
        try:
            used = await self.cache.incr(f"{self.prefix}{user_id}:{window}", ttl=self.window * 2)
        except Exception as exc:  # a cache outage must not stop every image: let it pass
            log.warning("image rate limit not checked, the cache is unavailable: %r", exc)
            return
        if used > self.limit:
            raise RateLimited(self.limit, max(1, math.ceil((window + 1) * self.window - now)))
