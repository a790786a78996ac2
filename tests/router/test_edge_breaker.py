"""Circuit breakers: open after N consecutive failures, fail fast, probe when half-open."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from router.edge.breaker import CircuitBreaker, CircuitOpen, CircuitState, SubgraphTransport
from router.edge.config import BreakerPolicy, EdgeConfig
from tests.router.conftest import BackgroundServer, RouterFactory, run_query

URL = "http://sub.test/graphql"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Upstream:
    """A scripted subgraph: answers with ``status`` or raises ``error``, and counts calls."""

    def __init__(self) -> None:
        self.status = 200
        self.error: Exception | None = None
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return httpx.Response(self.status, json={"data": {}})


@pytest.fixture
def upstream() -> Upstream:
    return Upstream()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(upstream: Upstream, clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    transport = SubgraphTransport(httpx.MockTransport(upstream), {"sub": URL},
                                  policy=BreakerPolicy(failures=3, reset=10.0), metrics=None,
                                  clock=clock)
    async with httpx.AsyncClient(transport=transport) as http:
        yield http


async def test_opens_after_consecutive_failures_and_fails_fast(
    client: httpx.AsyncClient, upstream: Upstream,
) -> None:
    upstream.error = httpx.ConnectError("refused")
    for _ in range(3):
        with pytest.raises(httpx.ConnectError):
            await client.post(URL)
    with pytest.raises(CircuitOpen):
        await client.post(URL)
    assert upstream.calls == 3  # the fourth call never reached the network


async def test_a_success_resets_the_count_and_5xx_counts_as_failure(
    client: httpx.AsyncClient, upstream: Upstream,
) -> None:
    upstream.status = 503
    for _ in range(2):
        assert (await client.post(URL)).status_code == 503
    upstream.status = 200
    assert (await client.post(URL)).status_code == 200
    upstream.status = 500
    for _ in range(2):
        assert (await client.post(URL)).status_code == 500
    assert (await client.post(URL)).status_code == 500  # third consecutive failure: opens
    with pytest.raises(CircuitOpen):
        await client.post(URL)


async def test_half_open_probe_closes_or_reopens(
    client: httpx.AsyncClient, upstream: Upstream, clock: FakeClock,
) -> None:
    upstream.error = httpx.ReadTimeout("slow")
    for _ in range(3):
        with pytest.raises(httpx.ReadTimeout):
            await client.post(URL)
    clock.now += 10  # reset elapsed: one probe may go
    with pytest.raises(httpx.ReadTimeout):
        await client.post(URL)  # the probe fails ...
    with pytest.raises(CircuitOpen):
        await client.post(URL)  # ... so the circuit is open again at once
    clock.now += 10
    upstream.error = None
    assert (await client.post(URL)).status_code == 200  # the probe succeeds: closed
    assert (await client.post(URL)).status_code == 200
    assert upstream.calls == 6


def test_only_one_probe_at_a_time() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(BreakerPolicy(failures=1, reset=5.0), clock)
    breaker.record_failure()
    assert breaker.state.name == "OPEN" and not breaker.try_acquire()
    clock.now += 5
    assert breaker.state.name == "HALF_OPEN"  # (by name: mypy narrows the property)
    assert breaker.try_acquire()
    assert not breaker.try_acquire()  # a second caller while the probe is out fails fast
    breaker.release()  # the probe was cancelled: someone else may probe
    assert breaker.try_acquire()
    breaker.record_success()
    assert breaker.state is CircuitState.CLOSED


async def test_other_urls_are_not_guarded(client: httpx.AsyncClient, upstream: Upstream) -> None:
    upstream.error = httpx.ConnectError("refused")
    for _ in range(5):
        with pytest.raises(httpx.ConnectError):
            await client.get("http://sub.test/health")
    upstream.error = None
    assert (await client.post(URL)).status_code == 200


class Switch:
    """A subgraph stand-in that fails with 503 while ``broken``, else forwards to the real one."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.broken = False
        self.calls = 0

    def app(self) -> Starlette:
        async def graphql(request: Request) -> Response:
            self.calls += 1
            if self.broken:
                return JSONResponse({"error": "down"}, status_code=503)
            async with httpx.AsyncClient() as http:
                answer = await http.post(self.target, content=await request.body(),
                                         headers={"content-type": "application/json"})
            return Response(answer.content, media_type="application/json")

        return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


@pytest.fixture
def switch(subgraph_urls: dict[str, str]) -> Iterator[tuple[Switch, str]]:
    stand_in = Switch(subgraph_urls["items"])
    with BackgroundServer(stand_in.app()) as server:
        yield stand_in, f"{server.base_url}/graphql"


async def test_over_http_an_open_circuit_fails_fast_with_the_executor_error_shape(
    make_router: RouterFactory, switch: tuple[Switch, str],
) -> None:
    stand_in, url = switch
    router = await make_router(subgraph_url_overrides={"items": url},
                               edge=EdgeConfig(breaker=BreakerPolicy(failures=2, reset=30)))
    query = '{ character(id: "c1") { name inventory { name } } }'
    healthy = await run_query(router, query)
    assert healthy["data"]["character"]["inventory"] == [{"name": "Longsword"}, {"name": "Rope"}]

    stand_in.broken = True
    failures = [await run_query(router, query) for _ in range(2)]
    failed_fetch = failures[0]["errors"][0]
    assert failed_fetch["extensions"]["serviceName"] == "items"
    assert "HTTP 503" in failed_fetch["message"]
    calls_when_opened = stand_in.calls
    fast: dict[str, Any] = await run_query(router, query)
    assert stand_in.calls == calls_when_opened  # not attempted
    [error] = fast["errors"]
    assert error["extensions"] == failed_fetch["extensions"]  # the executor's failed-fetch shape
    assert "CircuitOpen" in error["message"]
    others = await run_query(router, '{ character(id: "c1") { name } }')
    assert others == {"data": {"character": {"name": "Aria"}}}  # other subgraphs still answer

    metrics = (await router.get("/metrics")).text
    assert 'router_subgraph_circuit_state{subgraph="items"} 1' in metrics
    assert 'router_subgraph_circuit_state{subgraph="characters"} 0' in metrics

    # time passes (on the breaker's clock): the next call probes, succeeds and closes it
    stand_in.broken = False
    transport = router_transport(router)
    breaker = transport.breakers["items"]
    opened_at = breaker.opened_at
    assert opened_at is not None
    breaker.clock = lambda: opened_at + 30
    recovered = await run_query(router, query)
    assert "errors" not in recovered
    assert breaker.state is CircuitState.CLOSED


def router_transport(client: httpx.AsyncClient) -> SubgraphTransport:
    app: Any = client._transport.app  # type: ignore[attr-defined]  # the ASGI app under test
    transport = app.state.edge.transport
    assert isinstance(transport, SubgraphTransport)
    return transport
