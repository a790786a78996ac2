"""HTTP passthrough: GET/HEAD under a prefix reach a subgraph's own routes, narrowly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from router.app import create_app
from router.edge.passthrough import base_url
from tests.router.conftest import BackgroundServer, RouterFactory, run_query
from tests.support import free_port

BIG = bytes(range(256)) * 4096  # 1 MiB, streamed in chunks


async def asset(request: Request) -> Response:
    """A stand-in for the image subgraph's ``GET /assets/{id}``."""
    asset_id = request.path_params["id"]
    if asset_id == "echo":  # shows what reached the subgraph
        seen = {"headers": dict(request.headers), "path": request.url.path,
                "query": request.url.query}
        return Response(orjson.dumps(seen), media_type="application/json")
    if asset_id == "big":
        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(BIG), 65536):
                yield BIG[start:start + 65536]
        return StreamingResponse(chunks(), media_type="application/octet-stream",
                                 headers={"content-length": str(len(BIG))})
    if asset_id != "a1":
        return Response(b'{"error": "NOT_FOUND"}', status_code=404, media_type="application/json")
    headers = {"etag": '"abc"', "cache-control": "private, max-age=300",
               "content-security-policy": "default-src 'none'; sandbox",
               "set-cookie": "tracking=1", "x-internal-secret": "s3cret"}
    if request.headers.get("if-none-match") == '"abc"':
        return Response(status_code=304, headers=headers)
    return Response(b"\x89PNG fake bytes", media_type="image/png", headers=headers)


@pytest.fixture(scope="module")
def asset_server() -> Iterator[str]:
    app = Starlette(routes=[Route("/assets/{id}", asset, methods=["GET", "HEAD"])])
    with BackgroundServer(app) as server:
        yield server.base_url


@pytest.fixture
async def router(make_router: RouterFactory, asset_server: str) -> httpx.AsyncClient:
    # the test supergraph has no image subgraph: "items" plays it (its GraphQL URL still works
    # for the graph, while its base URL serves the assets)
    return await make_router(subgraph_url_overrides={"items": f"{asset_server}/graphql"},
                             passthrough={"/assets": "items"})


async def test_asset_bytes_and_their_headers_come_through(router: httpx.AsyncClient) -> None:
    response = await router.get("/assets/a1")
    assert response.status_code == 200
    assert response.content == b"\x89PNG fake bytes"
    assert response.headers["content-type"] == "image/png"
    assert response.headers["etag"] == '"abc"'
    assert response.headers["cache-control"] == "private, max-age=300"
    # the asset's own strict policy wins over the router's default
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in response.headers
    assert "x-internal-secret" not in response.headers

    cached = await router.get("/assets/a1", headers={"if-none-match": '"abc"'})
    assert cached.status_code == 304
    missing = await router.get("/assets/nope")
    assert missing.status_code == 404


async def test_large_bodies_stream_through_intact(router: httpx.AsyncClient) -> None:
    response = await router.get("/assets/big")
    assert response.status_code == 200
    assert response.content == BIG


async def test_head_gets_headers_without_a_body(router: httpx.AsyncClient) -> None:
    response = await router.head("/assets/a1")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["etag"] == '"abc"'
    assert response.headers["content-length"] == str(len(b"\x89PNG fake bytes"))


async def test_only_read_shaping_headers_and_the_path_and_query_go_upstream(
    router: httpx.AsyncClient,
) -> None:
    response = await router.get("/assets/echo?size=64", headers={
        "authorization": "Bearer secret", "cookie": "session=1", "x-user-id": "admin",
        "range": "bytes=0-9", "accept": "image/*",
    })
    seen = response.json()
    assert seen["path"] == "/assets/echo" and seen["query"] == "size=64"
    headers = seen["headers"]
    assert headers["range"] == "bytes=0-9" and headers["accept"] == "image/*"
    for private in ("authorization", "cookie", "x-user-id"):
        assert private not in headers


async def test_writes_and_dot_segments_are_refused(router: httpx.AsyncClient) -> None:
    assert (await router.post("/assets/a1", content=b"x")).status_code == 405
    assert (await router.delete("/assets/a1")).status_code == 405
    climbing = await router.get("/assets/%2E%2E/graphql")
    assert climbing.status_code == 400
    assert climbing.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_the_graph_itself_still_works_alongside(router: httpx.AsyncClient) -> None:
    body = await run_query(router, '{ character(id: "c1") { name } }')
    assert body["data"] == {"character": {"name": "Aria"}}


async def test_an_unreachable_subgraph_is_a_502_with_a_graphql_shaped_body(
    make_router: RouterFactory,
) -> None:
    router = await make_router(
        subgraph_url_overrides={"items": f"http://127.0.0.1:{free_port()}/graphql"},
        passthrough={"/assets": "items"},
    )
    response = await router.get("/assets/a1")
    assert response.status_code == 502
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": "items"}


def test_configuration_mistakes_are_reported(supergraph_sdl: str) -> None:
    with pytest.raises(ValueError, match="no subgraph named 'image'"):
        create_app(supergraph_sdl, passthrough={"/assets": "image"})
    for prefix in ("assets", "/assets/", "/graphql", "/", "/a/../b"):
        with pytest.raises(ValueError, match="passthrough prefix"):
            create_app(supergraph_sdl, passthrough={prefix: "items"})


def test_base_url_drops_the_graphql_path() -> None:
    assert base_url("http://127.0.0.1:4104/graphql") == "http://127.0.0.1:4104"
    assert base_url("http://image:8000/graphql/") == "http://image:8000"
    assert base_url("https://svc.internal/image/graphql?x=1") == "https://svc.internal/image"
    assert base_url("http://plain:80") == "http://plain:80"
