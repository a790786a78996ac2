"""Bounded concurrency per provider, with priorities: a player waiting goes before a batch.

At most ``limit`` calls run at once. When all slots are taken, callers wait in order of
priority (``Priority.INTERACTIVE`` first), then of arrival; a freed slot goes straight to the
best waiter, so a stream of background work can never starve an interactive request.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from subgraphs.llm.generator import Priority


class PriorityGate:
    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a gate needs at least one slot")
        self.limit = limit
        self.running = 0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrival = itertools.count()

    @property
    def waiting(self) -> int:
        return sum(1 for *_, future in self._waiting if not future.done())

    @asynccontextmanager
    async def slot(self, priority: Priority) -> AsyncIterator[None]:
        await self._acquire(priority)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, priority: Priority) -> None:
        if self.running < self.limit and not self.waiting:
            self.running += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (int(priority), next(self._arrival), future))
        try:
            await future  # the releaser hands its slot over: ``running`` already counts us
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release()  # handed a slot at the moment we gave up: pass it on
            raise

    def _release(self) -> None:
        while self._waiting:
            *_, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(None)
                return
        self.running -= 1
