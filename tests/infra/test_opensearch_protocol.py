"""The OpenSearch adapter's real client (opensearch-py) against a loopback server speaking the
REST protocol of the calls it makes: index exists/create, ``_bulk``, ``_search``.

No OpenSearch server can run on these machines, so the backend contract tests in
``tests/catalog/test_search_backends.py`` run against one only where ``OPENSEARCH_URL`` is set.
These tests cover what a server is not needed for: the requests the adapter sends (paths,
NDJSON bulk bodies, the mapping, refresh), how it reads the answers (collapsed per-kind hits,
highlights, bulk item failures) and how transport failures surface. The loopback server matches
words naively; ranking quality is not what is tested here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from infra.search.opensearch import MAPPING, OpenSearchIndex
from infra.search.port import Match, SearchDocument, SearchError, SearchQuery
from tests.support import free_port, loopback_server

INDEX = "catalog-protocol"


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, str]
    content_type: str
    body: bytes


@dataclass
class LoopbackOpenSearch:
    """Holds one index in memory and records every request it answers."""

    exchanges: list[Exchange] = field(default_factory=list)
    mapping: dict[str, Any] | None = None
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    reject_slugs: set[str] = field(default_factory=set)

    async def index(self, request: Request) -> Response:
        await self._record(request)
        if request.path_params["name"] != INDEX:
            return JSONResponse({"error": "no such index"}, 404)
        if request.method == "HEAD":
            return Response(status_code=200 if self.mapping is not None else 404)
        if self.mapping is not None:
            return JSONResponse({"error": {"type": "resource_already_exists_exception"}}, 400)
        self.mapping = orjson.loads(self.exchanges[-1].body)
        return JSONResponse({"acknowledged": True, "shards_acknowledged": True, "index": INDEX})

    async def bulk(self, request: Request) -> Response:
        exchange = await self._record(request)
        lines = [orjson.loads(line) for line in exchange.body.splitlines() if line.strip()]
        items: list[dict[str, Any]] = []
        position = 0
        while position < len(lines):
            action, meta = next(iter(lines[position].items()))
            position += 1
            slug = meta["_id"]
            if action == "index":
                source = lines[position]
                position += 1
                if slug in self.reject_slugs:
                    error = {"type": "mapper_parsing_exception", "reason": "failed to parse"}
                    items.append({"index": {"_id": slug, "status": 400, "error": error}})
                    continue
                self.documents[slug] = source
                items.append({"index": {"_id": slug, "status": 201, "result": "created"}})
            else:
                found = self.documents.pop(slug, None) is not None
                result = "deleted" if found else "not_found"
                status = 200 if found else 404
                items.append({action: {"_id": slug, "status": status, "result": result}})
        errors = any("error" in op for item in items for op in item.values())
        return JSONResponse({"took": 1, "errors": errors, "items": items})

    async def search(self, request: Request) -> Response:
        exchange = await self._record(request)
        body = orjson.loads(exchange.body)
        query = body["query"]
        if "match_all" in query:
            hits = [self._hit(slug, source, 1.0, None) for slug, source in self.documents.items()]
            return JSONResponse({"hits": {"total": {"value": len(hits)}, "hits": hits}})
        words = query["bool"]["must"][0]["multi_match"]["query"].split()
        kinds = [f["terms"]["kind"] for f in query["bool"]["filter"]]
        scored = []
        for slug, source in self.documents.items():
            if kinds and source["kind"] not in kinds[0]:
                continue
            score = float(sum(source["text"].lower().count(word) for word in words))
            score += 10.0 * sum(source["name"].lower().count(word) for word in words)
            if score:
                scored.append((slug, source, score))
        scored.sort(key=lambda item: (-item[2], item[0]))
        if "collapse" not in body:
            start, size = body.get("from", 0), body["size"]
            hits = [
                self._hit(slug, source, score, body.get("highlight"), words)
                for slug, source, score in scored[start : start + size]
            ]
            return JSONResponse({"hits": {"total": {"value": len(scored)}, "hits": hits}})
        inner = body["collapse"]["inner_hits"]
        groups: dict[str, list[dict[str, Any]]] = {}
        for slug, source, score in scored:
            groups.setdefault(source["kind"], []).append(
                self._hit(slug, source, score, inner.get("highlight"), words)
            )
        collapsed = [
            {
                **members[0],
                "fields": {"kind": [kind]},
                "inner_hits": {
                    inner["name"]: {"hits": {"hits": members[: inner["size"]]}},
                },
            }
            for kind, members in groups.items()
        ]
        return JSONResponse({"hits": {"hits": collapsed[: body["size"]]}})

    def _hit(
        self,
        slug: str,
        source: dict[str, Any],
        score: float,
        highlight: dict[str, Any] | None,
        words: list[str] = (),  # type: ignore[assignment]
    ) -> dict[str, Any]:
        raw: dict[str, Any] = {"_index": INDEX, "_id": slug, "_score": score, "_source": source}
        if highlight:
            marked = {}
            for name in highlight["fields"]:
                value = source[name]
                if not any(word in value.lower() for word in words):
                    continue
                for word in words:
                    start = value.lower().find(word)
                    if start >= 0:
                        end = start + len(word)
                        value = (
                            f"{value[:start]}{highlight['pre_tags'][0]}{value[start:end]}"
                            f"{highlight['post_tags'][0]}{value[end:]}"
                        )
                marked[name] = [value]
            raw["highlight"] = marked
        return raw

    async def _record(self, request: Request) -> Exchange:
        exchange = Exchange(
            method=request.method,
            path=request.url.path,
            query=dict(request.query_params),
            content_type=request.headers.get("content-type", ""),
            body=await request.body(),
        )
        self.exchanges.append(exchange)
        return exchange


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, LoopbackOpenSearch]]:
    fake = LoopbackOpenSearch()
    app = Starlette(
        routes=[
            Route("/_bulk", fake.bulk, methods=["POST", "PUT"]),
            Route("/{name}/_search", fake.search, methods=["POST", "GET"]),
            Route("/{name}", fake.index, methods=["HEAD", "PUT"]),
        ]
    )
    async with loopback_server(app) as url:
        yield url, fake


@pytest.fixture
async def index(server: tuple[str, LoopbackOpenSearch]) -> AsyncIterator[OpenSearchIndex]:
    backend = OpenSearchIndex(server[0], index=INDEX)
    try:
        yield backend
    finally:
        await backend.close()


DOCUMENTS = [
    SearchDocument("spell", "spell/fireball", "Fireball", "A bright streak explodes in flame."),
    SearchDocument("spell", "spell/fire-bolt", "Fire Bolt", "You hurl a mote of fire."),
    SearchDocument("class", "class/monk", "Monk", "Unarmed strikes and fire of the soul.", ("ki",)),
]


async def test_open_creates_the_index_with_the_mapping_once(
    server: tuple[str, LoopbackOpenSearch], index: OpenSearchIndex
) -> None:
    fake = server[1]
    await index.open()
    await index.open()
    calls = [(e.method, e.path) for e in fake.exchanges]
    assert calls == [("HEAD", f"/{INDEX}"), ("PUT", f"/{INDEX}"), ("HEAD", f"/{INDEX}")]
    assert fake.mapping == MAPPING


async def test_upsert_sends_one_ndjson_bulk_request_and_waits_for_refresh(
    server: tuple[str, LoopbackOpenSearch], index: OpenSearchIndex
) -> None:
    fake = server[1]
    await index.upsert(DOCUMENTS)
    (bulk,) = fake.exchanges
    assert (bulk.method, bulk.path, bulk.query) == ("POST", "/_bulk", {"refresh": "wait_for"})
    assert bulk.body.endswith(b"\n")  # the bulk API rejects a body without the final newline
    lines = [orjson.loads(line) for line in bulk.body.splitlines()]
    assert lines[0] == {"index": {"_index": INDEX, "_id": "spell/fireball"}}
    assert lines[1] == {
        "slug": "spell/fireball",
        "kind": "spell",
        "name": "Fireball",
        "tags": "",
        "text": "A bright streak explodes in flame.",
        "digest": DOCUMENTS[0].digest,
    }
    assert set(fake.documents) == {d.slug for d in DOCUMENTS}
    assert await index.digests() == {d.slug: d.digest for d in DOCUMENTS}


async def test_nothing_to_write_sends_nothing(
    server: tuple[str, LoopbackOpenSearch], index: OpenSearchIndex
) -> None:
    await index.upsert([])
    await index.remove([])
    assert server[1].exchanges == []


async def test_a_rejected_bulk_item_is_an_error_naming_the_count(
    server: tuple[str, LoopbackOpenSearch], index: OpenSearchIndex
) -> None:
    server[1].reject_slugs = {"spell/fire-bolt", "class/monk"}
    with pytest.raises(SearchError, match="2 failures"):
        await index.upsert(DOCUMENTS)


async def test_remove_sends_delete_actions(
    server: tuple[str, LoopbackOpenSearch], index: OpenSearchIndex
) -> None:
    fake = server[1]
    await index.upsert(DOCUMENTS)
    await index.remove(["spell/fireball", "spell/unknown"])
    lines = [orjson.loads(line) for line in fake.exchanges[-1].body.splitlines()]
    assert lines == [
        {"delete": {"_index": INDEX, "_id": "spell/fireball"}},
        {"delete": {"_index": INDEX, "_id": "spell/unknown"}},
    ]
    assert set(fake.documents) == {"spell/fire-bolt", "class/monk"}


async def test_search_reads_hits_scores_and_highlights(
    server: tuple[str, LoopbackOpenSearch], index: OpenSearchIndex
) -> None:
    await index.upsert(DOCUMENTS)
    hits = await index.search(SearchQuery(terms=("fire",), match=Match.ANY, limit=2, offset=0))
    assert [hit.slug for hit in hits] == ["spell/fire-bolt", "spell/fireball"]
    assert hits[0].score > hits[1].score
    name = next(h for h in hits[0].highlights if h.field == "name")
    assert name.text == "Fire Bolt"
    assert name.spans == ((0, 4),)
    request = orjson.loads(server[1].exchanges[-1].body)
    assert (request["size"], request["from"]) == (2, 0)
    assert request["sort"] == ["_score", {"slug": "asc"}]


async def test_per_kind_search_reads_collapsed_inner_hits_in_rank_order(
    server: tuple[str, LoopbackOpenSearch], index: OpenSearchIndex
) -> None:
    await index.upsert(DOCUMENTS)
    query = SearchQuery(
        terms=("fire",), match=Match.ANY, per_kind=1, kinds=frozenset({"spell", "class"})
    )
    hits = await index.search(query)
    # Per kind, best first; kinds in the shared order (alphabetical), whatever the server sent.
    assert [hit.slug for hit in hits] == ["class/monk", "spell/fire-bolt"]
    request = orjson.loads(server[1].exchanges[-1].body)
    assert request["collapse"]["field"] == "kind"
    assert request["collapse"]["inner_hits"]["size"] == 1
    assert request["size"] == 2
    assert "highlight" not in request  # it moved into the inner hits
    assert hits[1].highlights  # and came back from there


async def test_no_terms_asks_nothing(
    server: tuple[str, LoopbackOpenSearch], index: OpenSearchIndex
) -> None:
    assert await index.search(SearchQuery(terms=())) == []
    assert server[1].exchanges == []


async def test_an_unreachable_server_is_a_search_error() -> None:
    backend = OpenSearchIndex(f"http://127.0.0.1:{free_port()}", index=INDEX)
    try:
        with pytest.raises(SearchError, match="set-up failed"):
            await backend.open()
        with pytest.raises(SearchError, match="search failed"):
            await backend.search(SearchQuery(terms=("fire",)))
    finally:
        await backend.close()
