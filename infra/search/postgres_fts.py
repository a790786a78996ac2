"""The production full-text backend on PostgreSQL: a ``tsvector`` column with a GIN index.

The vector is a generated column (name weighted A, tags B, text C), so PostgreSQL keeps it in
step with every write. ``ts_rank`` ranks with those weights, ``ts_headline`` marks matches, and
only for the rows of the requested page. The table lives in whatever database the URL names (the
catalog's own, typically); its name is configurable so several indexes can share a database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

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

CONFIG = "english"
# ts_rank's weights run D, C, B, A: text (C) counts a tenth of the name (A), tags (B) 0.4.
RANK_WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"
TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_HEADLINE = f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}"
_WHOLE = f"HighlightAll=true, {_HEADLINE}"
HEADLINE_SOURCE_CHARS = 3000


def tsquery_text(query: SearchQuery) -> str:
    """Input for ``to_tsquery``: words are letters and digits only; terms joined by & or |."""
    parts = []
    for position, term in enumerate(query.terms):
        words = re.findall(r"[^\W_]+", term)  # a term of several words is a phrase
        if not words:
            continue
        if query.prefix_last and position == len(query.terms) - 1:
            words[-1] += ":*"
        parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
    return (" | " if query.match is Match.ANY else " & ").join(parts)


class PostgresFtsIndex:
    backend = "postgresql"

    def __init__(self, url: str, table: str = "search_documents") -> None:
        if not TABLE_NAME.match(table):
            raise ValueError(f"invalid search table name {table!r}")
        self.table = table
        self._engine: AsyncEngine = create_async_engine(url, pool_pre_ping=True, pool_size=5)

    async def _execute(self, statement: Any, parameters: Any = None) -> Any:
        try:
            async with self._engine.begin() as connection:
                return await connection.execute(statement, parameters)
        except SQLAlchemyError as exc:
            raise SearchError(f"PostgreSQL full-text search failed: {exc}") from exc

    async def open(self) -> None:
        t = self.table
        for statement in (
            f"""CREATE TABLE IF NOT EXISTS {t} (
                slug text PRIMARY KEY,
                kind text NOT NULL,
                name text NOT NULL,
                tags text NOT NULL,
                body text NOT NULL,
                digest text NOT NULL,
                document tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('{CONFIG}', name), 'A')
                    || setweight(to_tsvector('{CONFIG}', tags), 'B')
                    || setweight(to_tsvector('{CONFIG}', body), 'C')
                ) STORED
            )""",
            f"CREATE INDEX IF NOT EXISTS {t}_document ON {t} USING gin (document)",
            f"CREATE INDEX IF NOT EXISTS {t}_kind ON {t} (kind)",
        ):
            await self._execute(text(statement))

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        rows = [
            {
                "slug": d.slug,
                "kind": d.kind,
                "name": d.name,
                "tags": d.tag_text,
                "body": d.text,
                "digest": d.digest,
            }
            for d in documents
        ]
        await self._execute(
            text(
                f"INSERT INTO {self.table} (slug, kind, name, tags, body, digest) "
                "VALUES (:slug, :kind, :name, :tags, :body, :digest) "
                "ON CONFLICT (slug) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, "
                "tags = EXCLUDED.tags, body = EXCLUDED.body, digest = EXCLUDED.digest"
            ),
            rows,
        )

    async def remove(self, slugs: Sequence[str]) -> None:
        if not slugs:
            return
        statement = text(f"DELETE FROM {self.table} WHERE slug IN :slugs").bindparams(
            bindparam("slugs", expanding=True)
        )
        await self._execute(statement, {"slugs": list(slugs)})

    async def digests(self) -> dict[str, str]:
        result = await self._execute(text(f"SELECT slug, digest FROM {self.table}"))
        return {row[0]: row[1] for row in result.fetchall()}

    async def search(self, query: SearchQuery) -> list[SearchHit]:
        expression = tsquery_text(query)
        if not expression:
            return []
        parameters: dict[str, Any] = {"q": expression}
        kind_filter = ""
        if query.kinds is not None:
            kind_filter = " AND d.kind IN :kinds"
            parameters["kinds"] = sorted(query.kinds)
        # The query is written inline (not in a CTE) so the planner sees a constant and uses
        # the GIN index.
        query_text = f"to_tsquery('{CONFIG}', :q)"
        ranked = (
            f"SELECT d.slug, d.kind, d.name, d.tags, d.body, "
            f"ts_rank('{RANK_WEIGHTS}', d.document, {query_text}) AS score "
            f"FROM {self.table} AS d WHERE d.document @@ {query_text}{kind_filter}"
        )
        if query.per_kind is not None:
            page = (
                f"SELECT * FROM (SELECT r.*, row_number() OVER (PARTITION BY r.kind "
                f"ORDER BY r.score DESC, r.slug) AS place FROM ({ranked}) AS r) AS w "
                f"WHERE w.place <= :per_kind"
            )
            parameters["per_kind"] = query.per_kind
        else:
            page = f"{ranked} ORDER BY score DESC, d.slug LIMIT :limit OFFSET :offset"
            parameters.update(limit=query.limit, offset=query.offset)
        headlines = ", NULL, NULL, NULL"
        if query.highlight:
            headlines = (
                f", ts_headline('{CONFIG}', p.name, {query_text}, '{_WHOLE}'), "
                f"ts_headline('{CONFIG}', p.tags, {query_text}, '{_WHOLE}'), "
                # ts_headline parses all it is given: the first few thousand characters are
                # where a fragment is taken from (a stat block's tail would cost more than the
                # whole query).
                f"ts_headline('{CONFIG}', left(p.body, {HEADLINE_SOURCE_CHARS}), {query_text}, "
                f"'MaxWords=24, MinWords=10, MaxFragments=1, {_HEADLINE}')"
            )
        statement = text(f"SELECT p.slug, p.kind, p.name, p.score{headlines} FROM ({page}) AS p")
        if "kinds" in parameters:
            statement = statement.bindparams(bindparam("kinds", expanding=True))
        rows = (await self._execute(statement, parameters)).fetchall()
        hits = [
            SearchHit(
                kind=row[1],
                slug=row[0],
                name=row[2],
                score=float(row[3]),
                highlights=collect([("name", row[4]), ("tags", row[5]), ("text", row[6])]),
            )
            for row in rows
        ]
        return in_rank_order(hits, query)

    async def close(self) -> None:
        await self._engine.dispose()
