"""The search port: full-text indexes (SQLite FTS5, PostgreSQL, OpenSearch) and embeddings.

index = create_search_index(os.environ.get("SEARCH_URL"))   # FTS5 in memory by default
await index.open()
await index.upsert([SearchDocument("spell", "spell/fireball", "Fireball", text, tags)])
hits = await index.search(SearchQuery(terms=("fireball",)))
"""

from infra.search.factory import create_search_index
from infra.search.port import (
    Highlight,
    Match,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchIndex,
    SearchQuery,
)

__all__ = [
    "Highlight",
    "Match",
    "SearchDocument",
    "SearchError",
    "SearchHit",
    "SearchIndex",
    "SearchQuery",
    "create_search_index",
]
