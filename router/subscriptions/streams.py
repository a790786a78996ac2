"""Live streams and the hub that shares them between identical subscriptions.

A :class:`LiveStream` owns one upstream subscription and the task that reads it. Each event is
completed (entity fetches) and serialised *once*, then offered to every subscriber. Offering never
waits: a subscriber puts the message in its own bounded queue (``router.subscriptions.outbox``),
so one slow client cannot hold back the stream or the other clients.

The :class:`StreamHub` keys live streams by everything that makes two subscriptions' results
identical: operation text, operation name, variables, and the ``Authorization`` forwarded to the
subgraphs (different viewers may see different data, so they never share a stream). A subscriber
joining a running stream receives the events that arrive after it joined. The stream stops, and
its upstream subscription is completed, when its last subscriber leaves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Hashable
from typing import Protocol

import orjson

log = logging.getLogger("router.subscriptions")

# Serialised client payloads ({"data", "errors"}); a failing source yields its error payload
# last and then ends, so every ending is a completion.
EventSource = Callable[[], AsyncIterator[str]]

INTERNAL_ERROR_BODY = orjson.dumps({
    "errors": [{"message": "internal router error while streaming",
                "extensions": {"code": "INTERNAL_SERVER_ERROR"}}],
    "data": None,
}).decode()


class Subscriber(Protocol):
    """Where a stream delivers. Both methods must return at once (queue, never await)."""

    def deliver_next(self, payload_json: str) -> None: ...

    def deliver_complete(self) -> None: ...


class LiveStream:
    """One upstream subscription, read by one task, fanned out to many subscribers."""

    def __init__(self, source: EventSource, on_finished: Callable[[LiveStream], None]) -> None:
        self._source = source
        self._on_finished = on_finished
        self.subscribers: set[Subscriber] = set()
        self.delivered_events = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="router-subscription-stream")

    def add(self, subscriber: Subscriber) -> None:
        self.subscribers.add(subscriber)

    def remove(self, subscriber: Subscriber) -> None:
        """Detach ``subscriber``; the last one out stops the stream (and its upstream)."""
        self.subscribers.discard(subscriber)
        if not self.subscribers:
            self.stop()

    def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def wait_stopped(self) -> None:
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        try:
            async for payload in self._source():
                self.delivered_events += 1
                for subscriber in list(self.subscribers):  # a delivery may detach someone
                    subscriber.deliver_next(payload)
        except asyncio.CancelledError:
            raise  # stopped: the last subscriber left, or the router is shutting down
        except Exception:  # a bug of ours: subscribers learn the stream ended, the log says why
            log.exception("subscription stream failed")
            for subscriber in list(self.subscribers):
                subscriber.deliver_next(INTERNAL_ERROR_BODY)
        finally:
            self._on_finished(self)
            for subscriber in list(self.subscribers):
                subscriber.deliver_complete()
            self.subscribers.clear()


class Subscription:
    """A subscriber's membership in a stream; ``cancel()`` leaves it (idempotent)."""

    def __init__(self, stream: LiveStream, subscriber: Subscriber) -> None:
        self.stream, self.subscriber = stream, subscriber

    def cancel(self) -> None:
        self.stream.remove(self.subscriber)


class StreamHub:
    """Live streams by key; identical subscriptions share one (when ``deduplicate``)."""

    def __init__(self, *, deduplicate: bool = True) -> None:
        self.deduplicate = deduplicate
        self._live: dict[Hashable, LiveStream] = {}
        self._all: set[LiveStream] = set()

    def subscribe(self, key: Hashable, source: EventSource, subscriber: Subscriber) -> Subscription:
        stream = self._live.get(key) if self.deduplicate else None
        if stream is None:
            stream = LiveStream(source, lambda finished: self._forget(key, finished))
            self._all.add(stream)
            if self.deduplicate:
                self._live[key] = stream
            stream.add(subscriber)
            stream.start()
        else:
            stream.add(subscriber)
        return Subscription(stream, subscriber)

    def _forget(self, key: Hashable, stream: LiveStream) -> None:
        self._all.discard(stream)
        if self._live.get(key) is stream:
            del self._live[key]

    @property
    def live_streams(self) -> int:
        return len(self._all)

    @property
    def subscriber_count(self) -> int:
        return sum(len(stream.subscribers) for stream in self._all)

    async def aclose(self) -> None:
        """Stop every stream (router shutdown): upstream subscriptions are completed."""
        streams = list(self._all)
        for stream in streams:
            stream.stop()
        for stream in streams:
            await stream.wait_stopped()
