"""A persistent cache of embedding vectors, so a restart only embeds new or changed texts.

Vectors are kept in one SQLite file (``embeddings.sqlite`` under ``VAR_DIR`` by default), keyed by
the model (the provider's name plus whatever changes its vectors: weights, settings, server) and
the SHA-256 of the text. :class:`CachedEmbedder` wraps any provider: it asks the file first and
the provider only for the texts it lacks.

The cache never decides an outcome: if the file is unreadable, locked or corrupt, the texts are
simply embedded again (a corrupt file is discarded and rebuilt, a locked one left alone), and a
vector that cannot be decoded counts as missing. The file is bounded: beyond ``max_rows`` the
least recently used vectors (search queries, long-gone entries) are dropped first.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sqlite3
import struct
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from infra.search.embedding.port import EmbeddingError, EmbeddingProvider, Vector

logger = logging.getLogger(__name__)

FILE_NAME = "embeddings.sqlite"
MAX_ROWS = 20_000  # a few SRDs' worth of entries plus recent queries (~1.5 kB each at 384 dims)
TOUCH_AFTER_SECONDS = 86_400  # a hit refreshes its row's last use at most once a day
_CHUNK = 500  # digests per query (SQLite limits the number of bound parameters)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors_v1 (
    model TEXT NOT NULL,
    digest TEXT NOT NULL,
    vector BLOB NOT NULL,
    used_at INTEGER NOT NULL,
    PRIMARY KEY (model, digest)
)
"""


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_vector(vector: Vector) -> bytes:
    """Little-endian float32 values; the dimensions too unless they are simply 0..n-1."""
    keys = sorted(vector)
    values = [vector[key] for key in keys]
    if keys == list(range(len(keys))):
        return b"D" + struct.pack(f"<{len(values)}f", *values)
    return b"S" + struct.pack(f"<{len(keys)}q{len(values)}f", *keys, *values)


def decode_vector(blob: bytes) -> Vector:
    """The inverse of :func:`encode_vector`; ValueError when ``blob`` is not one of its outputs."""
    kind, body = blob[:1], blob[1:]
    try:
        if kind == b"D" and len(body) % 4 == 0:
            return dict(enumerate(struct.unpack(f"<{len(body) // 4}f", body)))
        if kind == b"S" and len(body) % 12 == 0:
            count = len(body) // 12
            numbers = struct.unpack(f"<{count}q{count}f", body)
            return dict(zip(numbers[:count], numbers[count:], strict=True))
    except struct.error as exc:
        raise ValueError(f"undecodable vector: {exc}") from exc
    raise ValueError("undecodable vector")


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class VectorStore:
    """The SQLite file: synchronous, one short connection per call (safe from any thread or
    process; SQLite serialises the writers)."""

    def __init__(
        self, path: Path, max_rows: int = MAX_ROWS, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = path
        self.max_rows = max_rows
        self.clock = clock

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=5.0)
        try:
            with connection:  # one transaction: committed on success, rolled back on error
                connection.execute(_SCHEMA)
                yield connection
        finally:
            connection.close()

    def _recover(self, exc: sqlite3.Error) -> None:
        """A corrupt file is discarded (it is only a cache); a busy or unreadable one is kept."""
        if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, cannot open, ...
            logger.warning("embedding cache %s unavailable (%s): embedding anew", self.path, exc)
            return
        logger.warning("embedding cache %s is corrupt (%s): starting a new one", self.path, exc)
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def load(self, model: str, digests: Sequence[str]) -> dict[str, Vector]:
        """The stored vectors among ``digests`` (undecodable ones left out)."""
        found: dict[str, Vector] = {}
        now = int(self.clock())
        try:
            with self._connection() as connection:
                for chunk in _chunks(digests):
                    marks = ",".join("?" * len(chunk))
                    rows = connection.execute(
                        f"SELECT digest, vector FROM vectors_v1 "
                        f"WHERE model = ? AND digest IN ({marks})",
                        (model, *chunk),
                    ).fetchall()
                    for digest, blob in rows:
                        try:
                            found[digest] = decode_vector(blob)
                        except ValueError:
                            logger.warning("embedding cache: dropping an undecodable vector")
                    connection.execute(
                        f"UPDATE vectors_v1 SET used_at = ? WHERE model = ? AND used_at < ? "
                        f"AND digest IN ({marks})",
                        (now, model, now - TOUCH_AFTER_SECONDS, *chunk),
                    )
        except sqlite3.Error as exc:
            self._recover(exc)
            return {}
        return found

    def save(self, model: str, vectors: Mapping[str, Vector]) -> None:
        now = int(self.clock())
        try:
            with self._connection() as connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO vectors_v1 (model, digest, vector, used_at) "
                    "VALUES (?, ?, ?, ?)",
                    [(model, digest, encode_vector(v), now) for digest, v in vectors.items()],
                )
                (count,) = connection.execute("SELECT count(*) FROM vectors_v1").fetchone()
                if count > self.max_rows:
                    connection.execute(
                        "DELETE FROM vectors_v1 WHERE rowid IN "
                        "(SELECT rowid FROM vectors_v1 ORDER BY used_at, rowid LIMIT ?)",
                        (count - self.max_rows,),
                    )
        except sqlite3.Error as exc:
            self._recover(exc)


class CachedEmbedder:
    """``inner`` behind a :class:`VectorStore`; ``model`` must change whenever ``inner``'s
    vectors would (another model, other weights, another truncation, another server)."""

    def __init__(self, inner: EmbeddingProvider, store: VectorStore, model: str) -> None:
        self.inner = inner
        self.store = store
        self.model = model
        self.name = inner.name

    async def embed(self, texts: Sequence[str]) -> list[Vector]:
        digests = [text_digest(text) for text in texts]
        unique = list(dict.fromkeys(digests))
        known = await asyncio.to_thread(self.store.load, self.model, unique)
        missing = {d: text for d, text in zip(digests, texts, strict=True) if d not in known}
        if missing:
            fresh = await self.inner.embed(list(missing.values()))
            if len(fresh) != len(missing):
                raise EmbeddingError(
                    f"{self.name} returned {len(fresh)} vectors for {len(missing)} texts"
                )
            # Stored as float32: hand out what a restart will read, so rankings do not shift
            # by a rounding error between the first start and the next.
            stored = {
                d: decode_vector(encode_vector(v)) for d, v in zip(missing, fresh, strict=True)
            }
            await asyncio.to_thread(self.store.save, self.model, stored)
            known.update(stored)
        return [known[d] for d in digests]

    async def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            await close()
