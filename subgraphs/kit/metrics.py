"""A subgraph's own metrics (``GET /metrics`` on each service, internal like the service).

``subgraph_operations_total{service, operation_type, outcome}`` counts the GraphQL operations it
served (``ok``, ``client_error``, ``fault``: as in its log lines) and
``subgraph_operation_duration_seconds{service}`` times them. Each service has a registry of its
own (the embedded stack runs them all in one process).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.requests import Request
from starlette.responses import Response

from infra.metrics import LATENCY_BUCKETS, metrics_response


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self.operations = Counter(
            "subgraph_operations", "GraphQL operations served, by type and outcome.",
            ("service", "operation_type", "outcome"), registry=self.registry)
        self.seconds = Histogram(
            "subgraph_operation_duration_seconds", "Time to execute a GraphQL operation.",
            ("service",), buckets=LATENCY_BUCKETS, registry=self.registry)

    def include(self, registry: CollectorRegistry) -> None:
        """Show a service's own metrics (another registry) on the same page."""
        self.registry.register(registry)

    def served(self, operation_type: str, outcome: str, seconds: float) -> None:
        self.operations.labels(self.service, operation_type, outcome).inc()
        self.seconds.labels(self.service).observe(seconds)

    async def page(self, _: Request) -> Response:
        return metrics_response(self.registry)
