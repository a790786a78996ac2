"""Streamed pieces through the cache port's pub/sub: a reader on another replica (Redis) hears
every piece once, starting with what was written before it listened."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from infra.cache import create_cache
from infra.cache.port import Cache
from subgraphs.llm.streams import Piece, Streams
from tests.conftest import REDIS_HOST, REDIS_PORT, require_redis


def caches(kind: str) -> tuple[Cache, Cache]:
    if kind == "memory":
        shared = create_cache(None)
        return shared, shared
    require_redis()
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    return create_cache(url), create_cache(url)


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_a_late_reader_catches_up_then_follows_without_repeats(kind: str) -> None:
    writer_cache, reader_cache = caches(kind)
    prefix = f"test-streams-{uuid.uuid4().hex}:"
    writing, reading = Streams(writer_cache, prefix), Streams(reader_cache, prefix)
    generation = uuid.uuid4()
    writer = writing.writer(generation)
    await writer.delta("Once ")
    await writer.delta("upon ")
    done = asyncio.Event()

    async def finished() -> bool:
        return done.is_set()

    received: list[Piece] = []
    async with reading.reader(generation) as reader:

        async def read() -> None:
            async for piece in reader.pieces(finished):
                received.append(piece)

        task = asyncio.create_task(read())
        await asyncio.sleep(0.1)
        await writer.restart()
        await writer.delta("A storm ")
        await writer.delta("came.")
        done.set()
        await writer.done()
        await asyncio.wait_for(task, 5)
    assert received[0] == Piece(2, "Once upon ")  # everything so far, in one piece
    assert [(p.text, p.restart, p.done) for p in received[1:]] == [
        ("", True, False),
        ("A storm ", False, False),
        ("came.", False, False),
        ("", False, True),
    ]
    for cache in {id(writer_cache): writer_cache, id(reader_cache): reader_cache}.values():
        await cache.close()


async def test_a_finished_stream_answers_at_once() -> None:
    streams = Streams(create_cache(None))

    async def finished() -> bool:
        return True

    async with streams.reader(uuid.uuid4()) as reader:
        pieces = [piece async for piece in reader.pieces(finished)]
    assert pieces == [Piece(0, done=True)]
