"""The embedded search backend: SQLite's FTS5 extension, in memory or in a file.

One FTS5 table holds every document (a plain table beside it maps slugs to rows and keeps each
document's digest). ``bm25`` ranks with per-column weights (name above tags
above text); ``highlight`` and ``snippet`` mark the matched words. The Porter stemmer makes
``dragons`` find ``dragon``. SQLite calls are quick (well under a millisecond for a catalog the
size of the SRD) but blocking, so they run in a worker thread, one at a time per index.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from infra.search.highlight import collect
from infra.search.port import (
    MARK_CLOSE,
    MARK_OPEN,
    Match,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchQuery,
    in_rank_order,
)

T = TypeVar("T")

# Column order of the table; bm25 takes one weight per column, in this order.
_COLUMNS = ("slug", "kind", "name", "tags", "body")
_WEIGHTS = (0.0, 0.0, 10.0, 4.0, 1.0)
_NAME, _TAGS, _BODY = 2, 3, 4
SNIPPET_TOKENS = 16

# ``search_documents`` finds a document's FTS row by slug through its primary key (a lookup
# by an FTS5 column would scan the whole table) and keeps its digest.
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS search_documents (
        id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, digest TEXT NOT NULL
    )""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        slug UNINDEXED, kind UNINDEXED, name, tags, body,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
)


def match_expression(query: SearchQuery) -> str:
    """An FTS5 query in which every term is a quoted string, so no input is read as syntax."""
    parts = []
    for position, term in enumerate(query.terms):
        quoted = '"' + term.replace('"', '""') + '"'
        if query.prefix_last and position == len(query.terms) - 1:
            quoted += "*"
        parts.append(quoted)
    return (" OR " if query.match is Match.ANY else " AND ").join(parts)


class SqliteFtsIndex:
    backend = "sqlite-fts5"

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path, check_same_thread=False)
            for statement in _SCHEMA:
                self._connection.execute(statement)
            self._connection.commit()
        return self._connection

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def locked() -> T:
            with self._lock:
                try:
                    return work(self._connect())
                except sqlite3.Error as exc:
                    raise SearchError(f"SQLite full-text search failed: {exc}") from exc

        return await asyncio.to_thread(locked)

    async def open(self) -> None:
        await self._run(lambda connection: None)

    @staticmethod
    def _delete(connection: sqlite3.Connection, slugs: Sequence[str]) -> None:
        for slug in slugs:
            row = connection.execute(
                "SELECT id FROM search_documents WHERE slug = ?", (slug,)
            ).fetchone()
            if row is not None:
                connection.execute("DELETE FROM search_fts WHERE rowid = ?", row)
                connection.execute("DELETE FROM search_documents WHERE id = ?", row)

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        def write(connection: sqlite3.Connection) -> None:
            with connection:
                self._delete(connection, [d.slug for d in documents])
                for d in documents:
                    cursor = connection.execute(
                        "INSERT INTO search_documents (slug, digest) VALUES (?, ?)",
                        (d.slug, d.digest),
                    )
                    connection.execute(
                        f"INSERT INTO search_fts (rowid, {', '.join(_COLUMNS)}) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (cursor.lastrowid, d.slug, d.kind, d.name, d.tag_text, d.text),
                    )

        await self._run(write)

    async def remove(self, slugs: Sequence[str]) -> None:
        def delete(connection: sqlite3.Connection) -> None:
            with connection:
                self._delete(connection, slugs)

        await self._run(delete)

    async def digests(self) -> dict[str, str]:
        def read(connection: sqlite3.Connection) -> dict[str, str]:
            rows = connection.execute("SELECT slug, digest FROM search_documents").fetchall()
            return dict(rows)

        return await self._run(read)

    async def search(self, query: SearchQuery) -> list[SearchHit]:
        if not query.terms:
            return []
        return await self._run(lambda connection: self._search(connection, query))

    def _search(self, connection: sqlite3.Connection, query: SearchQuery) -> list[SearchHit]:
        weights = ", ".join(str(w) for w in _WEIGHTS)
        parameters: list[Any] = [match_expression(query)]
        kind_filter = ""
        if query.kinds is not None:
            kinds = sorted(query.kinds)
            kind_filter = f" AND kind IN ({', '.join('?' for _ in kinds)})"
            parameters.extend(kinds)
        ranked = (
            f"SELECT rowid AS id, kind, -bm25(search_fts, {weights}) AS score FROM search_fts "
            f"WHERE search_fts MATCH ?{kind_filter}"
        )
        if query.per_kind is not None:
            # The best few of every kind, in one pass: rank within each kind, keep the top.
            page = (
                f"SELECT id, score FROM (SELECT id, kind, score, row_number() OVER "
                f"(PARTITION BY kind ORDER BY score DESC) AS place FROM ({ranked})) "
                f"WHERE place <= ?"
            )
            parameters.append(query.per_kind)
        else:
            page = f"SELECT id, score FROM ({ranked}) ORDER BY score DESC LIMIT ? OFFSET ?"
            parameters.extend([query.limit, query.offset])
        # Highlights are computed for the page only, not for every match.
        if query.highlight:
            marks = f"'{MARK_OPEN}', '{MARK_CLOSE}'"
            extra = (
                f", highlight(search_fts, {_NAME}, {marks}), highlight(search_fts, {_TAGS}, "
                f"{marks}), snippet(search_fts, {_BODY}, {marks}, '…', {SNIPPET_TOKENS})"
            )
            statement = (
                f"SELECT f.slug, f.kind, f.name, p.score{extra} FROM search_fts AS f "
                f"JOIN ({page}) AS p ON p.id = f.rowid WHERE search_fts MATCH ?"
            )
            parameters.append(parameters[0])
        else:
            statement = (
                f"SELECT f.slug, f.kind, f.name, p.score FROM search_fts AS f "
                f"JOIN ({page}) AS p ON p.id = f.rowid"
            )
        rows = connection.execute(statement, parameters).fetchall()
        hits = [
            SearchHit(
                kind=row[1],
                slug=row[0],
                name=row[2],
                score=float(row[3]),
                highlights=collect([("name", row[4]), ("tags", row[5]), ("text", row[6])])
                if query.highlight
                else (),
            )
            for row in rows
        ]
        return in_rank_order(hits, query)

    async def close(self) -> None:
        def shut(connection: sqlite3.Connection) -> None:
            connection.close()
            self._connection = None

        if self._connection is not None:
            await self._run(shut)
