"""Circuit breakers for subgraph calls, and the HTTP transport that applies them.

A subgraph that is down costs every request a connect error or a full timeout. After
``failures`` consecutive failed calls its circuit *opens*: calls fail at once, without touching
the network, for ``reset`` seconds. Then it is *half-open*: one call goes through as a probe
while the others keep failing fast; the probe's success closes the circuit, its failure opens
it for another ``reset`` seconds.

A failure is a transport error (connect, timeout, broken connection) or an HTTP 5xx answer. A
GraphQL error in a 200 answer is the subgraph working normally.

:class:`SubgraphTransport` guards the executor's subgraph client (``Gateway.guard_subgraph_calls``,
through ``SubgraphTransport.guarded``) and wraps the gateway's httpx transport
(``Gateway.wrap_transport``): a call refused by an open circuit raises :class:`CircuitOpen`, an
``httpx.TransportError``, and the executor reports it like any failed fetch (its usual
error code, naming the subgraph; the message ends in ``CircuitOpen``). Only calls to a
subgraph's GraphQL URL are guarded and timed; anything else (health probes, passthrough) goes
straight through.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol, TypeVar

import httpx

from router.edge.config import BreakerPolicy
from router.edge.metrics import RouterMetrics


class _HasStatus(Protocol):
    @property
    def status_code(self) -> int: ...


R = TypeVar("R", bound=_HasStatus)


class CircuitState(enum.IntEnum):
    """Numbered for the ``router_subgraph_circuit_state`` gauge."""

    CLOSED = 0
    OPEN = 1
    HALF_OPEN = 2


class CircuitOpen(httpx.TransportError):
    """The subgraph's circuit is open: the call was not attempted."""


class CircuitBreaker:
    """The state of one subgraph's circuit; ``clock`` is monotonic seconds (injectable)."""

    def __init__(self, policy: BreakerPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.clock = clock
        self.consecutive_failures = 0
        self.opened_at: float | None = None
        self.probing = False  # a half-open probe is in flight

    @property
    def state(self) -> CircuitState:
        if self.opened_at is None:
            return CircuitState.CLOSED
        if self.clock() - self.opened_at < self.policy.reset:
            return CircuitState.OPEN
        return CircuitState.HALF_OPEN

    def try_acquire(self) -> bool:
        """May a call go out now? In half-open state only the first caller gets to probe."""
        state = self.state
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.HALF_OPEN and not self.probing:
            self.probing = True
            return True
        return False

    def record_success(self) -> None:
        self.consecutive_failures = 0
        self.opened_at = None
        self.probing = False

    def record_failure(self) -> None:
        self.consecutive_failures += 1
        if self.probing or self.consecutive_failures >= self.policy.failures:
            self.opened_at = self.clock()  # (re)open: a failed probe starts a new wait
        self.probing = False

    def release(self) -> None:
        """The call ended without a verdict (cancelled): let another caller probe."""
        self.probing = False


def _url_key(url: httpx.URL) -> tuple[str, str, int | None, str]:
    return url.scheme, url.host, url.port, url.path


class SubgraphTransport(httpx.AsyncBaseTransport):
    """Wraps a transport: breaker and timing for calls to known subgraph URLs."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None,  # None: guards only calls made via ``guarded``
        subgraph_urls: Mapping[str, str],  # subgraph name -> its GraphQL URL
        *,
        policy: BreakerPolicy | None,
        metrics: RouterMetrics | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.names = {_url_key(httpx.URL(url)): name for name, url in subgraph_urls.items()}
        self.breakers = (
            {name: CircuitBreaker(policy, clock) for name in subgraph_urls} if policy else {}
        )
        self.metrics = metrics

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.inner is None:
            raise RuntimeError("SubgraphTransport has no inner transport to send through")
        inner = self.inner
        name = self.names.get(_url_key(request.url))
        if name is None:
            return await inner.handle_async_request(request)
        return await self.guarded(name, lambda: inner.handle_async_request(request))

    async def guarded(self, name: str, send: Callable[[], Awaitable[R]]) -> R:
        """Run one call to subgraph ``name`` under its breaker, timed and counted.

        Also the ``CallGuard`` of the executor's own client (``router.transport``).
        """
        breaker = self.breakers.get(name)
        if breaker is not None and not breaker.try_acquire():
            self._count_error(name, "circuit_open")
            raise CircuitOpen(f"circuit open for subgraph '{name}'")
        started = time.perf_counter()
        verdict: bool | None = None  # True: success, False: failure, None: cancelled
        try:
            response = await send()
            verdict = response.status_code < 500
            if not verdict:
                self._count_error(name, "http_5xx")
            return response
        except httpx.TimeoutException:
            verdict = False
            self._count_error(name, "timeout")
            raise
        except httpx.TransportError:
            verdict = False
            self._count_error(name, "transport")
            raise
        finally:
            if self.metrics is not None:
                self.metrics.fetch_seconds.labels(name).observe(time.perf_counter() - started)
            if breaker is not None:
                if verdict is True:
                    breaker.record_success()
                elif verdict is False:
                    breaker.record_failure()
                else:
                    breaker.release()

    def _count_error(self, name: str, reason: str) -> None:
        if self.metrics is not None:
            self.metrics.fetch_errors.labels(name, reason).inc()

    def states(self) -> list[tuple[tuple[str, ...], float]]:
        """``(subgraph,) -> state number`` for the breaker gauge."""
        return [((name, ), float(b.state)) for name, b in self.breakers.items()]

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()
