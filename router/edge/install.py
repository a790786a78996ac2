"""Wire the edge features into the router's Starlette app.

Middleware order, outermost first, and why:

1. request metrics — sees every response, refusals included, and times it all;
2. security headers — on every response, refusals included;
3. CORS — answers preflights and refuses foreign origins before anything is counted against a
   rate limit; adds CORS headers to 429s so browser code can read them;
4. rate limit — before any GraphQL work.

Routes added: the metrics page and one passthrough route per prefix. Subgraph calls get circuit
breakers and fetch timing through ``Gateway.guard_subgraph_calls`` (and ``wrap_transport``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from auth.tokens import TokenVerifier
from infra.cache import Cache, MemoryCache
from router.edge.breaker import SubgraphTransport
from router.edge.config import EdgeConfig
from router.edge.cors import CorsMiddleware
from router.edge.metrics import RequestMetricsMiddleware, RouterMetrics
from router.edge.passthrough import passthrough_routes
from router.edge.rate_limit import ClientIdentity, RateLimiter, RateLimitMiddleware
from router.edge.security_headers import SecurityHeadersMiddleware
from router.gateway import Gateway


class Edge:
    """What ``install_edge`` built, kept on ``app.state.edge`` for inspection and tests."""

    def __init__(self, metrics: RouterMetrics, cache: Cache | None) -> None:
        self.metrics = metrics
        self.cache = cache
        self.transport: SubgraphTransport | None = None


def install_edge(
    app: Starlette,
    gateway: Gateway,
    config: EdgeConfig,
    *,
    verifier: TokenVerifier | None,
    cache: Cache | None = None,
    passthrough: Mapping[str, str] | None = None,
    dev: bool = False,
) -> Edge:
    """Add the edge features to ``app`` (call before the app serves its first request).

    ``cache`` holds the rate-limit counters (default: in-process); the caller owns it.
    ``dev`` also allows browser pages on ``http://localhost:*`` and ``http://127.0.0.1:*``.
    """
    metrics = RouterMetrics()
    edge = Edge(metrics, cache)
    _guard_subgraph_calls(gateway, config, edge)
    _observe_gateway(gateway, edge)

    if config.metrics_path is not None:
        app.router.routes.append(Route(config.metrics_path, metrics.page(), methods=["GET"]))
    if passthrough:
        app.router.routes.extend(passthrough_routes(passthrough, gateway.endpoints,
                                                    lambda: gateway.client))

    cors = config.cors
    if dev and not cors.allow_localhost:
        cors = dataclasses.replace(cors, allow_localhost=True)
    middleware: list[tuple[Any, dict[str, Any]]] = [
        (RequestMetricsMiddleware, {"metrics": metrics}),
        (SecurityHeadersMiddleware, {"policy": config.security_headers}),
        (CorsMiddleware, {"policy": cors}),
    ]
    if config.rate_limit is not None:
        if edge.cache is None:
            edge.cache = MemoryCache()
        limiter = RateLimiter(edge.cache, config.rate_limit)
        identity = ClientIdentity(verifier, config.rate_limit.trusted_proxies)
        middleware.append((RateLimitMiddleware, {
            "limiter": limiter, "identity": identity, "on_limited": metrics.rate_limited.inc,
        }))
    # add_middleware puts each new one outermost: add innermost first.
    for middleware_class, options in reversed(middleware):
        app.add_middleware(middleware_class, **options)
    return edge


def _guard_subgraph_calls(gateway: Gateway, config: EdgeConfig, edge: Edge) -> None:
    urls = {endpoint.name: endpoint.url for endpoint in gateway.endpoints.values()}
    # One set of breakers for both ways out: the executor's own client (via ``guarded``) and the
    # httpx client (its transport is attached when first used). Only calls to a subgraph's
    # GraphQL URL are guarded and timed; health probes and passthrough go through untouched.
    guard = edge.transport = SubgraphTransport(None, urls, policy=config.breaker,
                                               metrics=edge.metrics)

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        guard.inner = inner
        return guard

    gateway.wrap_transport = wrap
    gateway.guard_subgraph_calls = guard.guarded
    edge.metrics.observe(
        "router_subgraph_circuit_state",
        "Circuit breaker state by subgraph: 0 closed, 1 open, 2 half-open.", "gauge",
        ("subgraph",),
        lambda: edge.transport.states() if edge.transport is not None else [
            ((name,), 0.0) for name in urls if config.breaker is not None
        ],
    )


def _observe_gateway(gateway: Gateway, edge: Edge) -> None:
    cache = gateway.plan_cache
    edge.metrics.observe("router_plan_cache_hits_total",
                         "Operations whose plan came from the plan cache.", "counter", (),
                         lambda: [((), float(cache.hits))])
    edge.metrics.observe("router_plan_cache_misses_total",
                         "Operations parsed, validated and planned afresh.", "counter", (),
                         lambda: [((), float(cache.misses))])
