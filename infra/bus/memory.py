"""In-process event bus: per-topic logs in memory, consumer groups with pending lists.

It mirrors Redis Streams closely enough that code tested against one behaves the same on the
other: events are stored in their wire format (so a non-JSON payload fails here too, and every
delivery gets its own copy of the payload), groups start at the oldest retained event, and
unacked deliveries stay pending until acked or claimed by :meth:`redeliver`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from infra.bus.event import Event, decode_event, encode_event
from infra.bus.port import DEFAULT_TOPIC, Delivery, check_count

DEFAULT_MAXLEN = 100_000


@dataclass
class _Pending:
    fields: dict[str, str]
    consumer: str
    since: float


@dataclass
class _Group:
    next_seq: int
    pending: dict[int, _Pending] = field(default_factory=dict)


@dataclass
class _Topic:
    entries: deque[dict[str, str]] = field(default_factory=deque)
    first_seq: int = 1  # sequence number of entries[0]
    groups: dict[str, _Group] = field(default_factory=dict)
    arrival: asyncio.Event = field(default_factory=asyncio.Event)  # set (and replaced) on publish

    @property
    def end_seq(self) -> int:
        return self.first_seq + len(self.entries)


class InMemoryEventBus:
    """The embedded :class:`~infra.bus.port.EventBus`, for one process.

    Each topic keeps its newest ``maxlen`` events (older ones are dropped, as Redis trims its
    streams). ``clock`` measures idle time for :meth:`redeliver` and is injectable for tests.
    """

    def __init__(
        self, *, maxlen: int = DEFAULT_MAXLEN, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if maxlen < 1:
            raise ValueError("maxlen must be at least 1")
        self._maxlen = maxlen
        self._clock = clock
        self._topics: dict[str, _Topic] = {}

    def _topic(self, name: str) -> _Topic:
        return self._topics.setdefault(name, _Topic())

    def _group(self, topic: _Topic, name: str) -> _Group:
        return topic.groups.setdefault(name, _Group(next_seq=topic.first_seq))

    async def publish(self, event: Event, *, topic: str = DEFAULT_TOPIC) -> str:
        fields = encode_event(event)
        log = self._topic(topic)
        log.entries.append(fields)
        while len(log.entries) > self._maxlen:
            log.entries.popleft()
            log.first_seq += 1
        seq = log.end_seq - 1
        log.arrival.set()
        log.arrival = asyncio.Event()
        return str(seq)

    def _deliver(self, topic: str, group: str, seq: int, fields: dict[str, str]) -> Delivery:
        return Delivery(decode_event(fields), str(seq), topic, group)

    def _take_new(self, topic: str, group: str, consumer: str, count: int) -> list[Delivery]:
        log = self._topic(topic)
        state = self._group(log, group)
        start = max(state.next_seq, log.first_seq)  # skip anything trimmed meanwhile
        end = min(log.end_seq, start + count)
        deliveries = []
        now = self._clock()
        for seq in range(start, end):
            fields = log.entries[seq - log.first_seq]
            state.pending[seq] = _Pending(fields, consumer, now)
            deliveries.append(self._deliver(topic, group, seq, fields))
        state.next_seq = max(state.next_seq, end)
        return deliveries

    async def read(
        self,
        *,
        group: str,
        consumer: str,
        topic: str = DEFAULT_TOPIC,
        count: int = 10,
        block: float | None = None,
    ) -> list[Delivery]:
        check_count(count)
        deliveries = self._take_new(topic, group, consumer, count)
        if deliveries or not block:
            return deliveries
        loop = asyncio.get_running_loop()
        deadline = loop.time() + block
        while not deliveries and (remaining := deadline - loop.time()) > 0:
            log = self._topic(topic)
            if getattr(log.arrival, "_loop", loop) not in (None, loop):
                # The bus outlived the event loop that last waited on it (one process, several
                # loops: tests, or a restarted app); a fresh event binds to this loop instead.
                log.arrival = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(log.arrival.wait(), remaining)
            deliveries = self._take_new(topic, group, consumer, count)
        return deliveries

    async def ack(self, delivery: Delivery) -> None:
        log = self._topics.get(delivery.topic)
        state = log.groups.get(delivery.group) if log else None
        if state is not None:
            state.pending.pop(int(delivery.message_id), None)

    async def redeliver(
        self,
        *,
        group: str,
        consumer: str,
        topic: str = DEFAULT_TOPIC,
        min_idle: float = 30.0,
        count: int = 10,
    ) -> list[Delivery]:
        check_count(count)
        state = self._group(self._topic(topic), group)
        now = self._clock()
        stale = sorted(seq for seq, p in state.pending.items() if now - p.since >= min_idle)
        deliveries = []
        for seq in stale[:count]:
            pending = state.pending[seq]
            pending.consumer, pending.since = consumer, now
            deliveries.append(self._deliver(topic, group, seq, pending.fields))
        return deliveries

    async def pending_count(self, *, group: str, topic: str = DEFAULT_TOPIC) -> int:
        log = self._topics.get(topic)
        state = log.groups.get(group) if log else None
        return 0 if state is None else len(state.pending)

    async def ping(self) -> None:
        return None  # in this process: reachable whenever the process is

    async def close(self) -> None:
        self._topics.clear()
