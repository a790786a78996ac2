"""Event bus on Redis Streams: one stream per topic, Redis consumer groups for delivery.

publish → XADD (trimmed to about ``maxlen`` entries); read → XREADGROUP ``>``, creating the group
with XGROUP CREATE … 0 MKSTREAM on first use; ack → XACK; redeliver → XAUTOCLAIM.
A message that is not a well-formed event (written by something else) cannot be handled by
anyone, so it is copied to ``<stream>:dead-letter``, logged and acked instead of blocking the group.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from infra.bus.event import Event, EventDecodingError, decode_event, encode_event
from infra.bus.port import DEFAULT_TOPIC, Delivery, check_count
from infra.cache.port import raise_if_cancel_requested

logger = logging.getLogger(__name__)

DEFAULT_STREAM_PREFIX = "dndcreator:events:"
DEFAULT_MAXLEN = 100_000
DEAD_LETTER_SUFFIX = ":dead-letter"


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisStreamsEventBus:
    """The production :class:`~infra.bus.port.EventBus`."""

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        stream_prefix: str = DEFAULT_STREAM_PREFIX,
        maxlen: int = DEFAULT_MAXLEN,
    ) -> None:
        self._redis = client
        self._prefix = stream_prefix
        self._maxlen = maxlen
        self._known_groups: set[tuple[str, str]] = set()

    @classmethod
    def from_url(
        cls, url: str, *, stream_prefix: str = DEFAULT_STREAM_PREFIX, maxlen: int = DEFAULT_MAXLEN
    ) -> RedisStreamsEventBus:
        client = aioredis.Redis.from_url(url, decode_responses=True)
        return cls(client, stream_prefix=stream_prefix, maxlen=maxlen)

    def stream_name(self, topic: str) -> str:
        """The Redis key of a topic's stream."""
        return self._prefix + topic

    async def publish(self, event: Event, *, topic: str = DEFAULT_TOPIC) -> str:
        fields: dict[Any, Any] = encode_event(event)
        message_id = await self._redis.xadd(
            self.stream_name(topic), fields, maxlen=self._maxlen, approximate=True
        )
        return _text(message_id)

    async def _ensure_group(self, stream: str, group: str) -> None:
        if (stream, group) in self._known_groups:
            return
        try:
            await self._redis.xgroup_create(stream, group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):  # "already exists" is the normal case
                raise
        self._known_groups.add((stream, group))

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
        stream = self.stream_name(topic)
        block_ms = _milliseconds(block) if block else None
        for attempt in range(2):
            await self._ensure_group(stream, group)
            try:
                response = await self._redis.xreadgroup(
                    group, consumer, {stream: ">"}, count=count, block=block_ms
                )
                break
            except ResponseError as error:
                # The stream (and so its groups) was deleted since we created the group.
                if "NOGROUP" not in str(error) or attempt:
                    raise
                self._known_groups.discard((stream, group))
        entries = _stream_entries(response, stream)
        return await self._to_deliveries(stream, topic, group, entries)

    async def ack(self, delivery: Delivery) -> None:
        await self._redis.xack(
            self.stream_name(delivery.topic), delivery.group, delivery.message_id
        )

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
        stream = self.stream_name(topic)
        await self._ensure_group(stream, group)
        idle_ms = round(min_idle * 1000)
        claimed: list[Any] = []
        start = "0-0"
        # XAUTOCLAIM scans the pending list in pages; keep going until enough or the end.
        while len(claimed) < count:
            raise_if_cancel_requested()  # redis-py may swallow a cancellation
            reply = await self._redis.xautoclaim(
                stream, group, consumer, idle_ms, start_id=start, count=count - len(claimed)
            )
            start, page = _text(reply[0]), reply[1]
            claimed.extend(page)
            if start == "0-0":
                break
        return await self._to_deliveries(stream, topic, group, claimed)

    async def pending_count(self, *, group: str, topic: str = DEFAULT_TOPIC) -> int:
        stream = self.stream_name(topic)
        await self._ensure_group(stream, group)
        summary: Any = await self._redis.xpending(stream, group)
        return int(summary["pending"])

    async def _to_deliveries(
        self, stream: str, topic: str, group: str, entries: Sequence[Any]
    ) -> list[Delivery]:
        deliveries = []
        for raw_id, fields in entries:
            message_id = _text(raw_id)
            if not fields:  # trimmed away while pending: nothing left to deliver
                await self._redis.xack(stream, group, message_id)
                continue
            try:
                event = decode_event(fields)
            except EventDecodingError as error:
                await self._dead_letter(stream, group, message_id, fields, error)
                continue
            deliveries.append(Delivery(event, message_id, topic, group))
        return deliveries

    async def _dead_letter(
        self,
        stream: str,
        group: str,
        message_id: str,
        fields: Mapping[Any, Any],
        error: EventDecodingError,
    ) -> None:
        logger.error("moving malformed message %s of %s aside: %s", message_id, stream, error)
        parked: dict[Any, Any] = {_text(k): _text(v) for k, v in fields.items()}
        parked.update({"dead_letter_source_id": message_id, "dead_letter_group": group})
        await self._redis.xadd(stream + DEAD_LETTER_SUFFIX, parked)
        await self._redis.xack(stream, group, message_id)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


def _stream_entries(response: Any, stream: str) -> list[Any]:
    """The (id, fields) pairs of one stream from an XREADGROUP reply (RESP2 list or RESP3 map)."""
    if not response:
        return []
    if isinstance(response, Mapping):
        for name, value in response.items():
            if _text(name) == stream:
                return list(value[0] if value and isinstance(value[0], list) else value)
        return []
    for name, entries in response:
        if _text(name) == stream:
            return list(entries)
    return []
