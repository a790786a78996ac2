"""Persisted queries: Apollo's automatic protocol, and the allow-list mode for production."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.app import create_app
from router.persisted import PersistedQueries, sha256_hex
from tests.router.conftest import RouterFactory
from tests.router.subs.client import GraphQLWsClient
from tests.support import loopback_server

QUERY = "{ characters { name } }"
OTHER = "{ campaigns { name } }"


def persisted(hash_: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": hash_}}


async def post(router: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await router.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def codes(answer: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in answer.get("errors", [])]


async def test_the_apollo_flow_not_found_then_registered_then_by_hash(
    router: httpx.AsyncClient,
) -> None:
    digest = sha256_hex(QUERY)
    assert codes(await post(router, extensions=persisted(digest))) == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]
    registered = await post(router, query=QUERY, extensions=persisted(digest))
    assert "errors" not in registered and registered["data"]["characters"]
    by_hash = await post(router, extensions=persisted(digest))
    assert by_hash == registered
    # Apollo clients send persisted queries with GET too.
    response = await router.get("/graphql", params={"extensions": json.dumps(persisted(digest))})
    assert response.status_code == 200 and response.json() == registered


async def test_a_hash_that_is_not_the_querys_is_refused_and_not_kept(
    router: httpx.AsyncClient,
) -> None:
    wrong = sha256_hex(OTHER)
    assert codes(await post(router, query=QUERY, extensions=persisted(wrong))) == [
        "PERSISTED_QUERY_HASH_MISMATCH"
    ]
    assert codes(await post(router, extensions=persisted(wrong))) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert codes(await post(router, extensions={"persistedQuery": {"version": 2,
                                                                   "sha256Hash": wrong}})) == [
        "PERSISTED_QUERY_NOT_SUPPORTED"
    ]


async def test_registrations_are_bounded(make_router: RouterFactory) -> None:
    router = await make_router(persisted_queries=PersistedQueries(capacity=2))
    queries = ["{ characters { name } }", "{ campaigns { name } }", "{ items { name } }"]
    for query in queries:
        await post(router, query=query, extensions=persisted(sha256_hex(query)))
    first, *rest = queries
    assert codes(await post(router, extensions=persisted(sha256_hex(first)))) == [
        "PERSISTED_QUERY_NOT_FOUND"  # the oldest went first
    ]
    for query in rest:
        assert "errors" not in await post(router, extensions=persisted(sha256_hex(query)))


def _manifest(tmp_path: Path, *bodies: str) -> dict[str, str]:
    path = tmp_path / "operations.json"
    path.write_text(json.dumps({
        "format": "apollo-persisted-query-manifest", "version": 1,
        "operations": [{"id": f"op-{i}", "body": body, "name": f"Op{i}", "type": "query"}
                       for i, body in enumerate(bodies)],
    }))
    return {"ROUTER_PERSISTED_QUERIES": "allowlist",
            "ROUTER_PERSISTED_QUERIES_MANIFEST": str(path)}


async def test_the_allow_list_runs_only_its_operations(
    make_router: RouterFactory, tmp_path: Path
) -> None:
    allowed = PersistedQueries.from_env(_manifest(tmp_path, QUERY))
    router = await make_router(persisted_queries=allowed)
    by_hash = await post(router, extensions=persisted(sha256_hex(QUERY)))
    assert "errors" not in by_hash and by_hash["data"]["characters"]
    assert await post(router, extensions=persisted("op-0")) == by_hash  # the manifest's id
    assert await post(router, query=QUERY) == by_hash  # its exact text
    for refused in ({"query": OTHER},
                    {"query": OTHER, "extensions": persisted(sha256_hex(OTHER))},  # no sign-up
                    {"extensions": persisted(sha256_hex(OTHER))},
                    {"query": OTHER, "extensions": persisted(sha256_hex(QUERY))}):
        assert codes(await post(router, **refused)) == ["PERSISTED_QUERY_NOT_IN_LIST"], refused


async def test_the_allow_list_holds_over_websocket_too(
    supergraph_sdl: str, subgraph_urls: dict[str, str], tmp_path: Path
) -> None:
    app = create_app(supergraph_sdl, subgraph_url_overrides={
        name: url for name, url in subgraph_urls.items() if name != "jwks"
    }, persisted_queries=PersistedQueries.from_env(_manifest(tmp_path, QUERY)))
    async with loopback_server(app) as base:
        client = await GraphQLWsClient.connected(base.replace("http", "ws") + "/graphql")
        try:
            refused = await client.subscribe(OTHER)
            message = await client.receive()
            assert (message["id"], message["type"]) == (refused, "error")
            assert message["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
            allowed = await client.subscribe(QUERY)
            message = await client.receive()
            assert (message["id"], message["type"]) == (allowed, "next")
        finally:
            await client.socket.close()
    await app.state.gateway.aclose()


def test_bad_configuration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be off, automatic or allowlist"):
        PersistedQueries.from_env({"ROUTER_PERSISTED_QUERIES": "sometimes"})
    with pytest.raises(ValueError, match="needs ROUTER_PERSISTED_QUERIES_MANIFEST"):
        PersistedQueries.from_env({"ROUTER_PERSISTED_QUERIES": "allowlist"})
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="no 'operations' list"):
        PersistedQueries.from_env({"ROUTER_PERSISTED_QUERIES": "allowlist",
                                   "ROUTER_PERSISTED_QUERIES_MANIFEST": str(tmp_path / "bad.json")})
    assert PersistedQueries.from_env({"ROUTER_PERSISTED_QUERIES": "off"}).mode == "off"
