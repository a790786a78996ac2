"""The router client of the kit over real loopback HTTP: the real auth service issues the tokens
(client credentials), a stand-in router verifies them through the JWKS and answers as told."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from auth.app import build as build_auth
from auth.clients import ServiceClient, ServiceClients
from auth.config import AuthConfig
from auth.issuing import IssuedToken
from auth.passwords import PasswordHasher
from auth.tokens import InvalidToken, JwksVerifier, bearer_token
from infra.config import Settings
from subgraphs.kit.hub import (
    ClientCredentials,
    HubAuthFailed,
    HubErrors,
    HubUnavailable,
    MintedTokens,
    RouterClient,
)
from tests.auth.harness import CHEAP
from tests.support import free_port, loopback_server

pytestmark = pytest.mark.asyncio(loop_scope="module")
SECRET = "the-llm-secret-0123456789"
QUERY = "query Q($c: String!) { conceptSearch(concept: $c) { concept } }"


@dataclass
class StandInRouter:
    """Checks the bearer token like the router does; then answers what the test scripted."""

    verifier: JwksVerifier
    refuse_next: int = 0  # answer 401 to this many more requests, valid token or not
    reply: tuple[int, Any] = (200, {"data": {"conceptSearch": {"concept": "monk"}}})
    delay: float = 0.0
    seen: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def graphql(self, request: Request) -> Response:
        try:
            token = bearer_token(request.headers.get("authorization")) or ""
            claims = await self.verifier.verify(token)
        except InvalidToken as exc:
            return JSONResponse({"errors": [{"message": str(exc)}]}, 401)
        self.seen.append((token, claims.subject, await request.json()))
        await asyncio.sleep(self.delay)
        if self.refuse_next:
            self.refuse_next -= 1
            return JSONResponse({"errors": [{"message": "token refused"}]}, 401)
        status, body = self.reply
        if isinstance(body, str):
            return PlainTextResponse(body, status)
        return JSONResponse(body, status)


@dataclass
class Hub:
    auth_url: str
    router_url: str
    router: StandInRouter
    token_requests: list[str]

    @property
    def token_url(self) -> str:
        return f"{self.auth_url}/oauth/token"

    def counting_client(self) -> httpx.AsyncClient:
        async def count(request: httpx.Request) -> None:
            if request.url.path == "/oauth/token":
                self.token_requests.append(request.headers.get("authorization", ""))

        return httpx.AsyncClient(timeout=5, event_hooks={"request": [count]})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hub(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Hub]:
    database = tmp_path_factory.mktemp("auth") / "auth.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTH_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
        clients = ServiceClients((ServiceClient("llm", (PasswordHasher(CHEAP).hash_now(SECRET),)),))
        auth = build_auth(
            Settings.from_env(),
            config=AuthConfig(password_cost=CHEAP, service_clients=clients),
        )
    async with loopback_server(auth, lifespan=True) as auth_url:
        router = StandInRouter(JwksVerifier(f"{auth_url}/.well-known/jwks.json"))
        router_app = Starlette(routes=[Route("/graphql", router.graphql, methods=["POST"])])
        async with loopback_server(router_app, lifespan=True) as router_base:
            yield Hub(auth_url, f"{router_base}/graphql", router, [])


@pytest.fixture(autouse=True)
def fresh_script(hub: Hub) -> None:
    hub.router.refuse_next, hub.router.delay = 0, 0.0
    hub.router.reply = (200, {"data": {"conceptSearch": {"concept": "monk"}}})
    hub.router.seen.clear()
    hub.token_requests.clear()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextlib.asynccontextmanager
async def client_credentials(
    hub: Hub, secret: str = SECRET, clock: Clock | None = None
) -> AsyncIterator[RouterClient]:
    async with hub.counting_client() as http:
        tokens = ClientCredentials(hub.token_url, "llm", secret, http=http, clock=clock or Clock())
        yield RouterClient(hub.router_url, tokens, http=http)


async def test_client_credentials_token_reaches_the_router_and_is_reused(hub: Hub) -> None:
    clock = Clock()
    async with client_credentials(hub, clock=clock) as router:
        data = await router.execute(QUERY, {"c": "monk"}, operation_name="Q")
        assert data == {"conceptSearch": {"concept": "monk"}}
        await router.execute(QUERY, {"c": "monk"})
        assert len(hub.token_requests) == 1  # the second request reused the token
        assert hub.token_requests[0].startswith("Basic ")

        token, subject, body = hub.router.seen[0]
        assert token.count(".") == 2  # a JWT
        assert subject == "llm"  # a service token of the llm's own, verified through the JWKS
        assert body == {"query": QUERY, "variables": {"c": "monk"}, "operationName": "Q"}

        clock.now += 300 - 31  # still more than the renewal margin left: kept
        await router.execute(QUERY, {"c": "monk"})
        assert len(hub.token_requests) == 1
        clock.now += 2  # within 30 s of expiry: renewed before use
        await router.execute(QUERY, {"c": "monk"})
        assert len(hub.token_requests) == 2


async def test_a_refused_token_is_replaced_once(hub: Hub) -> None:
    async with client_credentials(hub) as router:
        hub.router.refuse_next = 1
        assert await router.execute(QUERY, {"c": "monk"})
        assert len(hub.token_requests) == 2  # the refused token was dropped, a new one fetched
        assert len(hub.router.seen) == 2

        hub.router.refuse_next = 2
        with pytest.raises(HubAuthFailed, match="refused a fresh service token"):
            await router.execute(QUERY, {"c": "monk"})
        assert len(hub.router.seen) == 4  # one retry, not a loop


async def test_wrong_credentials_are_an_auth_failure(hub: Hub) -> None:
    async with client_credentials(hub, secret="not-the-secret") as router:
        with pytest.raises(HubAuthFailed, match="invalid_client"):
            await router.execute(QUERY, {"c": "monk"})
    assert hub.router.seen == []


async def test_graphql_errors_are_typed_with_their_codes(hub: Hub) -> None:
    errors = [
        {"message": "`concept` must contain a word", "extensions": {"code": "BAD_USER_INPUT"}}
    ]
    hub.router.reply = (200, {"data": None, "errors": errors})
    async with client_credentials(hub) as router:
        with pytest.raises(HubErrors) as caught:
            await router.execute(QUERY, {"c": "the"})
    assert caught.value.codes == ("BAD_USER_INPUT",)
    assert caught.value.errors == errors and caught.value.data is None

    hub.router.reply = (400, {"errors": [{"message": "Cannot query field"}]})  # invalid operation
    async with client_credentials(hub) as router:
        with pytest.raises(HubErrors, match="Cannot query field"):
            await router.execute("{ nope }")


@pytest.mark.parametrize(
    "reply", [(502, "Bad Gateway"), (503, {"errors": [{"message": "down"}]}), (200, "<html>")]
)
async def test_a_broken_router_answer_is_unavailable(hub: Hub, reply: tuple[int, Any]) -> None:
    hub.router.reply = reply
    async with client_credentials(hub) as router:
        with pytest.raises(HubUnavailable, match=f"HTTP {reply[0]}"):
            await router.execute(QUERY, {"c": "monk"})


async def test_unreachable_or_slow_peers_are_unavailable(hub: Hub) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    tokens = ClientCredentials(hub.token_url, "llm", SECRET)
    with pytest.raises(HubUnavailable, match="router unreachable: ConnectError"):
        await RouterClient(f"{nowhere}/graphql", tokens).execute(QUERY, {"c": "monk"})

    no_auth = ClientCredentials(f"{nowhere}/oauth/token", "llm", SECRET)
    with pytest.raises(HubUnavailable, match="token endpoint unreachable: ConnectError"):
        await RouterClient(hub.router_url, no_auth).execute(QUERY, {"c": "monk"})

    hub.router.delay = 1.0
    slow = RouterClient(hub.router_url, tokens, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(HubUnavailable, match="router unreachable: ReadTimeout"):
        await slow.execute(QUERY, {"c": "monk"})
    assert time.monotonic() - started < 0.9


async def test_a_token_endpoint_that_is_not_oauth_is_unavailable(hub: Hub) -> None:
    # The stand-in router has no such route: a plain-text 404, not an OAuth error body.
    wrong = ClientCredentials(hub.router_url.replace("/graphql", "/oauth/token"), "llm", SECRET)
    with pytest.raises(HubUnavailable, match="token endpoint answered HTTP 404"):
        await wrong.token()


async def test_minted_tokens_are_fetched_once_for_many_callers(hub: Hub) -> None:
    mints: list[float] = []

    async def mint() -> IssuedToken:
        mints.append(time.monotonic())
        await asyncio.sleep(0.05)  # slow enough for every caller to arrive meanwhile
        return IssuedToken(f"token-{len(mints)}", datetime.now(UTC) + timedelta(minutes=5), 300)

    clock = Clock()
    tokens = MintedTokens(mint, clock=clock)
    assert set(await asyncio.gather(*(tokens.token() for _ in range(5)))) == {"token-1"}
    assert len(mints) == 1
    tokens.forget("token-0")  # an older token: nothing to forget
    assert await tokens.token() == "token-1"
    tokens.forget("token-1")
    assert await tokens.token() == "token-2"
    clock.now += 300
    assert await tokens.token() == "token-3"

    async def broken() -> IssuedToken:
        raise ConnectionError("database is down")

    with pytest.raises(HubUnavailable, match="no service token: ConnectionError"):
        await MintedTokens(broken).token()


async def test_the_secret_never_shows_in_repr() -> None:
    tokens = ClientCredentials("http://auth/oauth/token", "llm", SECRET)
    assert SECRET not in repr(tokens) and "llm" in repr(tokens)
