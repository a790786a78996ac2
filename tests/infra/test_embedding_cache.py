"""The on-disk embedding vector cache: what is reused, what is recomputed, and that a broken file
never breaks embedding."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from infra.search.embedding import cache as cache_module
from infra.search.embedding.cache import (
    TOUCH_AFTER_SECONDS,
    CachedEmbedder,
    VectorStore,
    decode_vector,
    encode_vector,
    text_digest,
)
from infra.search.embedding.expansion import ExpansionEmbedder
from infra.search.embedding.factory import create_embedding_provider
from infra.search.embedding.openai import OpenAIEmbedder
from infra.search.embedding.port import EmbeddingError, Vector
from subgraphs.catalog.search.thesaurus import dnd_thesaurus


class CountingProvider:
    """Vectors made of the texts' character codes (exact in float32); remembers every call."""

    def __init__(self, name: str = "fake") -> None:
        self.name = name
        self.calls: list[list[str]] = []

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        self.calls.append(list(texts))
        return [vector_of(text) for text in texts]


def vector_of(text: str) -> Vector:
    return {i: float(ord(char)) for i, char in enumerate(text)}


def cached(path: Path, provider: CountingProvider, model: str = "fake:v1") -> CachedEmbedder:
    return CachedEmbedder(provider, VectorStore(path), model)


async def test_a_restart_reads_vectors_instead_of_embedding(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    first = CountingProvider()
    assert await cached(path, first).embed(["fire", "ice"]) == [vector_of("fire"), vector_of("ice")]
    assert first.calls == [["fire", "ice"]]

    again = CountingProvider()  # a new process: nothing in memory, only the file
    assert await cached(path, again).embed(["ice", "fire"]) == [vector_of("ice"), vector_of("fire")]
    assert again.calls == []


async def test_only_new_or_changed_texts_are_embedded(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    await cached(path, CountingProvider()).embed(["fire bolt", "ice storm"])

    provider = CountingProvider()
    vectors = await cached(path, provider).embed(["fire bolt", "ice storm!", "acid", "acid"])
    assert provider.calls == [["ice storm!", "acid"]]  # the repeated text is embedded once
    assert vectors == [vector_of(t) for t in ["fire bolt", "ice storm!", "acid", "acid"]]


async def test_models_never_share_vectors(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    await cached(path, CountingProvider(), model="minilm:aaaa/256").embed(["fire"])

    other_weights = CountingProvider()
    await cached(path, other_weights, model="minilm:bbbb/256").embed(["fire"])
    shorter = CountingProvider()
    await cached(path, shorter, model="minilm:aaaa/128").embed(["fire"])
    assert other_weights.calls == [["fire"]]
    assert shorter.calls == [["fire"]]


async def test_a_corrupt_file_is_replaced_and_embedding_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "embeddings.sqlite"
    path.write_bytes(b"definitely not SQLite " * 100)
    provider = CountingProvider()
    with caplog.at_level(logging.WARNING, logger=cache_module.__name__):
        assert await cached(path, provider).embed(["fire"]) == [vector_of("fire")]
    assert provider.calls == [["fire"]]
    assert "corrupt" in caplog.text

    later = CountingProvider()  # the rebuilt file serves the next start
    assert await cached(path, later).embed(["fire"]) == [vector_of("fire")]
    assert later.calls == []


async def test_an_undecodable_vector_is_recomputed_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    await cached(path, CountingProvider()).embed(["fire", "ice"])
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE vectors_v1 SET vector = ? WHERE digest = ?", (b"D\x01\x02", text_digest("ice"))
        )
    connection.close()

    provider = CountingProvider()
    assert await cached(path, provider).embed(["fire", "ice"]) == [
        vector_of("fire"),
        vector_of("ice"),
    ]
    assert provider.calls == [["ice"]]
    healed = CountingProvider()
    await cached(path, healed).embed(["ice"])
    assert healed.calls == []


async def test_an_unusable_location_only_costs_the_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "no such folder" / "embeddings.sqlite"
    provider = CountingProvider()
    embedder = cached(path, provider)
    with caplog.at_level(logging.WARNING, logger=cache_module.__name__):
        assert await embedder.embed(["fire"]) == [vector_of("fire")]
        assert await embedder.embed(["fire"]) == [vector_of("fire")]
    assert provider.calls == [["fire"], ["fire"]]
    assert "unavailable" in caplog.text


async def test_a_provider_returning_too_few_vectors_is_an_error(tmp_path: Path) -> None:
    class Forgetful(CountingProvider):
        async def embed(self, texts: Sequence[str]) -> list[Vector]:
            return (await super().embed(texts))[:-1]

    with pytest.raises(EmbeddingError, match="1 vectors for 2 texts"):
        await CachedEmbedder(Forgetful(), VectorStore(tmp_path / "e.sqlite"), "f").embed(["a", "b"])


def test_the_least_recently_used_vectors_go_first(tmp_path: Path) -> None:
    clock = [1_000_000.0]
    store = VectorStore(tmp_path / "embeddings.sqlite", max_rows=2, clock=lambda: clock[0])
    store.save("m", {"old": {0: 1.0}})
    clock[0] += 10
    store.save("m", {"newer": {0: 2.0}})
    clock[0] += TOUCH_AFTER_SECONDS + 10
    assert set(store.load("m", ["old"])) == {"old"}  # a hit counts as a use
    store.save("m", {"newest": {0: 3.0}})
    assert set(store.load("m", ["old", "newer", "newest"])) == {"old", "newest"}


@pytest.mark.parametrize(
    "vector",
    [{0: 0.5, 1: -0.25, 2: 0.125}, {7: 0.5, 2**40: -1.0}, {}],
    ids=["dense", "sparse", "empty"],
)
def test_vectors_survive_encoding(vector: Vector) -> None:
    assert decode_vector(encode_vector(vector)) == vector


@pytest.mark.parametrize("blob", [b"", b"D\x00", b"S" + b"\x00" * 11, b"X\x00\x00\x00\x00"])
def test_garbage_is_not_a_vector(blob: bytes) -> None:
    with pytest.raises(ValueError):
        decode_vector(blob)


async def test_the_factory_caches_remote_vectors_where_asked(tmp_path: Path) -> None:
    path = tmp_path / "vectors.sqlite"
    environment = {
        "SEARCH_EMBEDDINGS": "openai",
        "OPENAI_API_KEY": "sk-test",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1/",
        "SEARCH_EMBEDDING_CACHE": str(path),
    }
    provider = create_embedding_provider(dnd_thesaurus(), environment)
    assert isinstance(provider, CachedEmbedder)
    assert provider.name == "openai:text-embedding-3-small"  # what GraphQL reports, unchanged
    assert provider.model == "openai:text-embedding-3-small@http://127.0.0.1:9/v1"
    assert provider.store.path == path
    await provider.close()

    uncached = create_embedding_provider(
        dnd_thesaurus(), {**environment, "SEARCH_EMBEDDING_CACHE": "off"}
    )
    assert isinstance(uncached, OpenAIEmbedder)
    await uncached.close()
    # the default provider is quick and deterministic: it needs no cache
    assert isinstance(create_embedding_provider(dnd_thesaurus(), {}), ExpansionEmbedder)
