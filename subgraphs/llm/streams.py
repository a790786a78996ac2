"""Long prose streamed to its reader while a model writes it (``generationStream(id)``).

The request is answered at once with a ``STREAMING`` generation; a background task in the
service writes it. Each piece goes out on the cache port's pub/sub channel of that generation
(Redis in production, so a reader connected to any replica hears it), and the text so far is
kept under a key beside it, so a reader who comes late starts with everything written until
then. Pieces carry sequence numbers: a reader skips what its catch-up already held. When the
text is done the row is completed (with its usage and event, one transaction) before the last
message says so; a reader who arrives after that reads the row.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson

from infra.cache.port import Cache

log = logging.getLogger("dndcreator.llm.streams")
TEXT_TTL_SECONDS = 3600.0


@dataclass(frozen=True)
class Piece:
    seq: int
    text: str = ""  # the new text (or, for a catch-up, everything so far)
    restart: bool = False  # drop what came before: another model took over
    done: bool = False


@dataclass
class Streams:
    cache: Cache
    prefix: str = "llm:"
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def _channel(self, generation_id: uuid.UUID) -> str:
        return f"{self.prefix}stream:{generation_id}"

    def _text_key(self, generation_id: uuid.UUID) -> str:
        return f"{self.prefix}stream-text:{generation_id}"

    def start(self, work: Awaitable[None]) -> None:
        """Run ``work`` in the background; kept referenced until it ends."""

        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("a streamed generation failed")

        task = asyncio.create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def writer(self, generation_id: uuid.UUID) -> StreamWriter:
        return StreamWriter(self, generation_id)

    @asynccontextmanager
    async def reader(self, generation_id: uuid.UUID) -> AsyncIterator[StreamReader]:
        """Subscribed on entry: nothing published after this point is missed."""
        async with self.cache.subscribe(self._channel(generation_id)) as messages:
            yield StreamReader(self, generation_id, messages)

    async def wait(self) -> None:
        """Until every background stream has ended (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


class StreamWriter:
    def __init__(self, streams: Streams, generation_id: uuid.UUID) -> None:
        self.streams, self.generation_id = streams, generation_id
        self.seq = 0
        self.text = ""

    async def _send(self, piece: Piece) -> None:
        streams = self.streams
        so_far = {"seq": self.seq, "text": self.text}
        await streams.cache.set(
            streams._text_key(self.generation_id), orjson.dumps(so_far), ttl=TEXT_TTL_SECONDS
        )
        message = {
            "seq": piece.seq,
            "text": piece.text,
            "restart": piece.restart,
            "done": piece.done,
        }
        await streams.cache.publish(streams._channel(self.generation_id), orjson.dumps(message))

    async def delta(self, text: str) -> None:
        self.seq += 1
        self.text += text
        await self._send(Piece(self.seq, text))

    async def restart(self) -> None:
        self.seq += 1
        self.text = ""
        await self._send(Piece(self.seq, restart=True))

    async def done(self) -> None:
        self.seq += 1
        await self._send(Piece(self.seq, done=True))


class StreamReader:
    def __init__(
        self, streams: Streams, generation_id: uuid.UUID, messages: AsyncIterator[bytes]
    ) -> None:
        self.streams, self.generation_id, self.messages = streams, generation_id, messages

    async def pieces(self, finished: Callable[[], Awaitable[bool]]) -> AsyncIterator[Piece]:
        """The text so far as one piece, then each new piece, until the one that is ``done``.
        ``finished`` says whether the generation was completed before we listened."""
        if await finished():
            yield Piece(0, done=True)
            return
        stored = await self.streams.cache.get(self.streams._text_key(self.generation_id))
        seen = 0
        if stored is not None:
            so_far: dict[str, Any] = orjson.loads(stored)
            seen = int(so_far["seq"])
            if so_far["text"]:
                yield Piece(seen, so_far["text"])
        async for raw in self.messages:
            message = orjson.loads(raw)
            if message["seq"] <= seen:
                continue
            seen = message["seq"]
            piece = Piece(seen, message["text"], message["restart"], message["done"])
            yield piece
            if piece.done:
                return
