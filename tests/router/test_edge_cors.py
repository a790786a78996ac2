"""CORS: same-origin and allowed origins pass, others are refused; preflights; dev localhost."""

from __future__ import annotations

import uuid

import httpx
import pytest

from router.edge.config import CorsPolicy, EdgeConfig, RateLimitPolicy
from router.edge.cors import OriginRules
from tests.router.conftest import RouterFactory

QUERY = {"query": '{ character(id: "c1") { name } }'}
PREFLIGHT = {"access-control-request-method": "POST",
             "access-control-request-headers": "content-type, authorization"}


async def test_requests_without_origin_or_from_the_same_origin_pass_untouched(
    router: httpx.AsyncClient,
) -> None:
    plain = await router.post("/graphql", json=QUERY)
    same = await router.post("/graphql", json=QUERY, headers={"origin": "http://router.test"})
    for response in (plain, same):
        assert response.status_code == 200
        assert response.json()["data"] == {"character": {"name": "Aria"}}
        assert "access-control-allow-origin" not in response.headers


async def test_a_foreign_origin_is_refused_before_anything_runs(
    router: httpx.AsyncClient,
) -> None:
    response = await router.post("/graphql", json=QUERY,
                                 headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "ORIGIN_NOT_ALLOWED"
    assert "access-control-allow-origin" not in response.headers
    preflight = await router.options("/graphql", headers={"origin": "https://evil.example",
                                                          **PREFLIGHT})
    assert preflight.status_code == 403
    assert "access-control-allow-origin" not in preflight.headers


async def test_an_allowed_origin_gets_its_own_origin_back_and_a_preflight_answer(
    make_router: RouterFactory,
) -> None:
    router = await make_router(edge=EdgeConfig(
        cors=CorsPolicy(allowed_origins=("https://app.example",))))
    origin = {"origin": "https://app.example"}
    response = await router.post("/graphql", json=QUERY, headers=origin)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    assert "Origin" in response.headers["vary"]
    assert "retry-after" in response.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in response.headers

    preflight = await router.options("/graphql", headers=origin | PREFLIGHT)
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    allowed_headers = preflight.headers["access-control-allow-headers"]
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert int(preflight.headers["access-control-max-age"]) > 0

    # the same host on another scheme or port is another origin
    for other in ("http://app.example", "https://app.example:8443"):
        refused = await router.post("/graphql", json=QUERY, headers={"origin": other})
        assert refused.status_code == 403


async def test_credentials_are_only_allowed_when_configured(make_router: RouterFactory) -> None:
    router = await make_router(edge=EdgeConfig(cors=CorsPolicy(
        allowed_origins=("https://app.example",), allow_credentials=True)))
    response = await router.post("/graphql", json=QUERY, headers={"origin": "https://app.example"})
    assert response.headers["access-control-allow-credentials"] == "true"
    with pytest.raises(ValueError, match="credentials"):
        CorsPolicy(allowed_origins=("*",), allow_credentials=True)


async def test_dev_mode_allows_localhost_pages_on_any_port(make_router: RouterFactory) -> None:
    dev = await make_router(dev=True)
    production = await make_router()
    for origin in ("http://localhost:5173", "http://127.0.0.1:3000"):
        allowed = await dev.post("/graphql", json=QUERY, headers={"origin": origin})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == origin
        refused = await production.post("/graphql", json=QUERY, headers={"origin": origin})
        assert refused.status_code == 403
    # localhost over https, or a host merely starting with "localhost", is not covered
    for origin in ("https://localhost:5173", "http://localhost.evil.example"):
        assert (await dev.post("/graphql", json=QUERY, headers={"origin": origin})).status_code \
            == 403


async def test_a_rate_limited_answer_is_readable_by_an_allowed_page(
    make_router: RouterFactory,
) -> None:
    router = await make_router(edge=EdgeConfig(
        cors=CorsPolicy(allowed_origins=("https://app.example",)),
        rate_limit=RateLimitPolicy(requests=1, key_prefix=f"test:{uuid.uuid4().hex}"),
    ))
    origin = {"origin": "https://app.example"}
    assert (await router.post("/graphql", json=QUERY, headers=origin)).status_code == 200
    refused = await router.post("/graphql", json=QUERY, headers=origin)
    assert refused.status_code == 429
    assert refused.headers["access-control-allow-origin"] == "https://app.example"
    # preflights are never counted against the limit
    assert (await router.options("/graphql", headers=origin | PREFLIGHT)).status_code == 204


def test_origin_patterns() -> None:
    rules = OriginRules(CorsPolicy(allowed_origins=("https://a.example", "http://b.example:*")))
    assert rules.allows("https://a.example")
    assert rules.allows("https://a.example:443")  # the default port, spelled out
    assert not rules.allows("https://a.example:444")
    assert rules.allows("http://b.example:8080")
    assert not rules.allows("https://b.example")
    assert not rules.allows("null")
    assert OriginRules(CorsPolicy(allowed_origins=("*",))).allows("https://anything.example")
    for bad in ("app.example", "ftp://a.example", "https://a.example/path", "https://a:99999"):
        with pytest.raises(ValueError, match="CORS origin"):
            OriginRules(CorsPolicy(allowed_origins=(bad,)))



async def test_websocket_handshakes_from_foreign_origins_are_refused(
    supergraph_sdl: str, subgraph_urls: dict[str, str],
) -> None:
    import json

    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus
    from websockets.typing import Origin, Subprotocol

    from router.app import create_app
    from tests.router.conftest import BackgroundServer

    overrides = {name: url for name, url in subgraph_urls.items() if name != "jwks"}
    app = create_app(supergraph_sdl, subgraph_url_overrides=overrides, edge=EdgeConfig(
        cors=CorsPolicy(allowed_origins=("https://app.example",))))
    protocol = [Subprotocol("graphql-transport-ws")]
    with BackgroundServer(app) as server:
        url = f"ws://127.0.0.1:{server.port}/graphql"
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, subprotocols=protocol, origin=Origin("https://evil.example")):
                pass
        assert refused.value.response.status_code == 403
        async with connect(url, subprotocols=protocol,
                           origin=Origin("https://app.example")) as socket:
            await socket.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
    await app.state.gateway.aclose()
