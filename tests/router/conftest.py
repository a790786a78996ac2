"""Fixtures for the router tests: real subgraphs on loopback ports and a router in front of them.

The three test subgraphs (``tests/router/subgraphs.py``) and a tiny JWKS server run under
uvicorn in background threads for the whole session. Each test gets a fresh router app talking
to them over real HTTP; the test talks to the router through httpx's ASGI transport.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auth.tokens import AUDIENCE, ISSUER
from router.app import create_app
from tests.router.subgraphs import SCHEMAS, reset_data, subgraph_app
from tests.support import free_port

SUPERGRAPH_PATH = Path(__file__).parent / "supergraph.graphql"


class BackgroundServer:
    """A uvicorn server on a loopback port, running in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"test server on port {self.port} did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class SigningKeys:
    private: KeySet
    public: KeySet
    kid: str

    def token(self, **overrides: Any) -> str:
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "typ": "access",
            "sub": "user-1",
            "exp": int(time.time()) + 300,
            "scope": "characters:read",
        } | overrides
        return jwt.encode({"alg": "RS256", "kid": self.kid}, claims, self.private)


@pytest.fixture(scope="session")
def signing_keys() -> SigningKeys:
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    public = KeySet([RSAKey.import_key(key.as_dict(private=False))])
    return SigningKeys(private=KeySet([key]), public=public, kid="test-key")


@pytest.fixture(scope="session")
def subgraph_urls(signing_keys: SigningKeys) -> Iterator[dict[str, str]]:
    """Subgraph name -> URL of its /graphql endpoint; also ``jwks`` -> a JWKS document URL."""

    async def jwks(_: Request) -> JSONResponse:
        return JSONResponse(signing_keys.public.as_dict())

    jwks_app = Starlette(routes=[Route("/jwks.json", jwks)])
    servers = {name: BackgroundServer(subgraph_app(schema)) for name, schema in SCHEMAS.items()}
    jwks_server = BackgroundServer(jwks_app)
    started: list[BackgroundServer] = []
    try:
        for server in [*servers.values(), jwks_server]:
            started.append(server.__enter__())
        urls = {name: f"{server.base_url}/graphql" for name, server in servers.items()}
        urls["jwks"] = f"{jwks_server.base_url}/jwks.json"
        yield urls
    finally:
        for server in started:
            server.__exit__()


@pytest.fixture(autouse=True)
def _fresh_data() -> None:
    reset_data()


@pytest.fixture(scope="session")
def supergraph_sdl() -> str:
    return SUPERGRAPH_PATH.read_text()


RouterFactory = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def make_router(
    subgraph_urls: dict[str, str], supergraph_sdl: str
) -> AsyncIterator[RouterFactory]:
    """Build a router app (keyword arguments go to ``create_app``) and a client for it."""
    made: list[tuple[Starlette, httpx.AsyncClient]] = []

    async def make(**options: Any) -> httpx.AsyncClient:
        overrides = {name: url for name, url in subgraph_urls.items() if name in SCHEMAS}
        overrides.update(options.pop("subgraph_url_overrides", {}))
        app = create_app(supergraph_sdl, subgraph_url_overrides=overrides, **options)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://router.test"
        )
        made.append((app, client))
        return client

    yield make
    for app, client in made:
        await client.aclose()
        await app.state.gateway.aclose()


@pytest.fixture
async def router(make_router: RouterFactory) -> httpx.AsyncClient:
    return await make_router()


async def run_query(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST an operation and return the JSON body, insisting on HTTP 200."""
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    if operation_name is not None:
        body["operationName"] = operation_name
    response = await client.post("/graphql", json=body, headers=headers or {})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
