"""The llm service's Prometheus metrics (``prometheus-client``), served on its ``/metrics``.

One registry per app, so two services in one process (tests, the embedded stack) never mix
numbers. Labels are bounded: purposes and failure kinds are enums, providers come from
configuration, outcomes are fixed words.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response

LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class LlmMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "llm_requests",
            "Generation requests by purpose, answering provider and outcome "
            "(ok, cached, rate_limited, quota_exceeded, failed).",
            ["purpose", "provider", "outcome"],
            registry=r,
        )
        self.latency = Histogram(
            "llm_request_seconds",
            "Time to answer a generation request, cache hits included.",
            ["purpose", "provider"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.tokens = Counter(
            "llm_tokens",
            "Tokens used by generations (not cache hits), by purpose, provider and direction.",
            ["purpose", "provider", "direction"],
            registry=r,
        )
        self.cache = Counter(
            "llm_cache_lookups",
            "Lookups in the cache of identical requests; hit ratio = hit / (hit + miss).",
            ["result"],
            registry=r,
        )
        self.failures = Counter(
            "llm_provider_failures",
            "Failed model calls (each retry counts), by purpose, provider and kind.",
            ["purpose", "provider", "kind"],
            registry=r,
        )
        self.fallbacks = Counter(
            "llm_fallbacks",
            "Requests answered by a later candidate after earlier ones failed.",
            ["purpose", "answered_by"],
            registry=r,
        )

    async def endpoint(self, _: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
