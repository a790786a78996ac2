"""The distributed search backend: an OpenSearch index, through ``opensearch-py`` (optional).

``opensearch-py`` is imported only when this backend is chosen, so the default install does not
need it. Name, tags and text are analysed with the ``english`` analyser (stemming, stopwords);
``kind`` and ``slug`` are keywords for exact filtering. Writes go through the bulk API;
queries are ``multi_match`` with per-field boosts, ``collapse`` on kind for the best few of
each kind, and the highlighter with our sentinel marks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

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

FIELDS = ["name^10", "tags^4", "text"]
MAPPING: dict[str, Any] = {
    "settings": {"index": {"number_of_shards": 1}},
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "slug": {"type": "keyword"},
            "kind": {"type": "keyword"},
            "digest": {"type": "keyword", "index": False},
            "name": {"type": "text", "analyzer": "english"},
            "tags": {"type": "text", "analyzer": "english"},
            "text": {"type": "text", "analyzer": "english"},
        },
    },
}
MAX_RESULT_WINDOW = 10_000


def _client_class() -> Any:
    try:
        from opensearchpy import AsyncOpenSearch
    except ImportError as exc:  # the optional dependency is missing
        raise SearchError(
            "the OpenSearch backend needs the 'opensearch-py' package (pip install opensearch-py)"
        ) from exc
    return AsyncOpenSearch


def query_body(query: SearchQuery) -> dict[str, Any]:
    """The query DSL for ``query`` (public so it can be checked without a server)."""
    words = " ".join(query.terms)
    match: dict[str, Any] = {
        "multi_match": {
            "query": words,
            "fields": FIELDS,
            "type": "bool_prefix" if query.prefix_last else "best_fields",
            "operator": "or" if query.match is Match.ANY else "and",
        }
    }
    filters = [] if query.kinds is None else [{"terms": {"kind": sorted(query.kinds)}}]
    body: dict[str, Any] = {
        "query": {"bool": {"must": [match], "filter": filters}},
        "_source": ["slug", "kind", "name"],
        "sort": ["_score", {"slug": "asc"}],
    }
    if query.highlight:
        body["highlight"] = {
            "pre_tags": [MARK_OPEN],
            "post_tags": [MARK_CLOSE],
            "fields": {
                "name": {"number_of_fragments": 0},
                "tags": {"number_of_fragments": 0},
                "text": {"fragment_size": 120, "number_of_fragments": 1},
            },
        }
    if query.per_kind is not None:
        inner: dict[str, Any] = {"name": "best", "size": query.per_kind, "sort": body["sort"]}
        if "highlight" in body:
            inner["highlight"] = body.pop("highlight")
        body["collapse"] = {"field": "kind", "inner_hits": inner}
        body["size"] = len(query.kinds) if query.kinds is not None else 100
    else:
        body["size"] = query.limit
        body["from"] = query.offset
    return body


def _hit(raw: dict[str, Any]) -> SearchHit:
    source = raw["_source"]
    marked = raw.get("highlight", {})
    return SearchHit(
        kind=source["kind"],
        slug=source["slug"],
        name=source["name"],
        score=float(raw.get("_score") or 0.0),
        highlights=collect(
            [(field, (marked.get(field) or [None])[0]) for field in ("name", "tags", "text")]
        ),
    )


class OpenSearchIndex:
    backend = "opensearch"

    def __init__(self, url: str, index: str = "catalog") -> None:
        self.index = index
        self._client = _client_class()(hosts=[url])

    async def _call(self, method: str, **arguments: Any) -> Any:
        try:
            return await getattr(self._client, method)(**arguments)
        except Exception as exc:  # opensearch-py raises several families; all mean "failed"
            raise SearchError(f"OpenSearch {method} failed: {exc}") from exc

    async def open(self) -> None:
        try:
            exists = await self._client.indices.exists(index=self.index)
            if not exists:
                await self._client.indices.create(index=self.index, body=MAPPING)
        except Exception as exc:
            raise SearchError(f"OpenSearch index set-up failed: {exc}") from exc

    async def _bulk(self, lines: list[dict[str, Any]]) -> None:
        if not lines:
            return
        payload = "\n".join(json.dumps(line) for line in lines) + "\n"
        result = await self._call("bulk", body=payload, refresh="wait_for")
        if result.get("errors"):
            failures = [
                item for item in result.get("items", []) for op in item.values() if "error" in op
            ]
            raise SearchError(f"OpenSearch bulk request had {len(failures)} failures")

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        lines: list[dict[str, Any]] = []
        for d in documents:
            lines.append({"index": {"_index": self.index, "_id": d.slug}})
            lines.append(
                {
                    "slug": d.slug,
                    "kind": d.kind,
                    "name": d.name,
                    "tags": d.tag_text,
                    "text": d.text,
                    "digest": d.digest,
                }
            )
        await self._bulk(lines)

    async def remove(self, slugs: Sequence[str]) -> None:
        await self._bulk([{"delete": {"_index": self.index, "_id": slug}} for slug in slugs])

    async def digests(self) -> dict[str, str]:
        body = {"query": {"match_all": {}}, "_source": ["digest"], "size": MAX_RESULT_WINDOW}
        result = await self._call("search", index=self.index, body=body)
        return {raw["_id"]: raw["_source"]["digest"] for raw in result["hits"]["hits"]}

    async def search(self, query: SearchQuery) -> list[SearchHit]:
        if not query.terms:
            return []
        result = await self._call("search", index=self.index, body=query_body(query))
        raws = result["hits"]["hits"]
        if query.per_kind is None:
            return [_hit(raw) for raw in raws]
        hits = [
            _hit(inner)
            for raw in raws
            for inner in raw.get("inner_hits", {}).get("best", {}).get("hits", {}).get("hits", [])
        ]
        return in_rank_order(hits, query)

    async def close(self) -> None:
        await self._client.close()
