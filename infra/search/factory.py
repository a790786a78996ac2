"""Choose a search backend from a URL (the ``SEARCH_URL`` setting).

* unset, ``""`` or ``memory://``: SQLite FTS5 in memory (the embedded default; the catalog
  rebuilds it at start-up in well under a second)
* ``sqlite:///path/to/file.db``: SQLite FTS5 in a file
* ``postgresql+asyncpg://...`` (or ``postgresql://``): PostgreSQL full text in that database
* ``opensearch+http://host:9200`` / ``opensearch+https://...``: OpenSearch (needs opensearch-py)
"""

from __future__ import annotations

from urllib.parse import urlsplit

from infra.search.port import SearchIndex
from infra.search.sqlite_fts import SqliteFtsIndex


def create_search_index(url: str | None = None, *, name: str = "catalog") -> SearchIndex:
    """The index at ``url``; ``name`` names the PostgreSQL table / OpenSearch index."""
    if not url or url == "memory://":
        return SqliteFtsIndex()
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        return SqliteFtsIndex(path or ":memory:")
    if scheme in {"postgresql", "postgresql+asyncpg", "postgres"}:
        from infra.search.postgres_fts import PostgresFtsIndex

        dsn = "postgresql+asyncpg://" + url.split("://", 1)[1]
        return PostgresFtsIndex(dsn, table=f"{name}_search")
    if scheme in {"opensearch+http", "opensearch+https"}:
        from infra.search.opensearch import OpenSearchIndex

        return OpenSearchIndex(url.removeprefix("opensearch+"), index=f"{name}-search")
    raise ValueError(
        f"unsupported search URL scheme {scheme!r} in {url!r}: use memory://, sqlite:///file, "
        "postgresql+asyncpg://... or opensearch+https://host:port"
    )
