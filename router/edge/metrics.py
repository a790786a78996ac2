"""The router's metrics and its ``/metrics`` page, through ``prometheus-client``.

Counters and histograms are updated as things happen; *observed* metrics (plan cache hits,
breaker states) are read at scrape time from state kept elsewhere, by a collector. Each app has
its own ``CollectorRegistry``, so several routers in one process (tests) never share numbers.
The page is the Prometheus text format (``prometheus_client.generate_latest``).

Label values are bounded by construction: status codes, operation types, subgraph names and
fixed reason words; never anything a client chooses freely.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from infra.metrics import LATENCY_BUCKETS, metrics_response

LabelValues = tuple[str, ...]
Read = Callable[[], Iterable[tuple[LabelValues, float]]]


class _Observed(Collector):
    """A counter or gauge whose samples are read from elsewhere when the page is scraped."""

    def __init__(self, name: str, help_text: str, kind: str, labels: Sequence[str],
                 read: Read) -> None:
        self.name, self.help, self.kind, self.labels, self.read = (
            name, help_text, kind, list(labels), read)

    def collect(self) -> Iterator[Metric]:
        family: CounterMetricFamily | GaugeMetricFamily
        if self.kind == "counter":
            family = CounterMetricFamily(self.name.removesuffix("_total"), self.help,
                                         labels=self.labels)
        else:
            family = GaugeMetricFamily(self.name, self.help, labels=self.labels)
        for labels, value in sorted(self.read()):
            family.add_metric(list(labels), value)
        yield family


class RouterMetrics:
    """The router's own metrics, in one registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "router_http_requests", "HTTP requests served, by status and operation type.",
            ("status", "operation_type"), registry=self.registry)
        self.request_seconds = Histogram(
            "router_http_request_duration_seconds",
            "Time to serve an HTTP request (until the response is complete), by operation type.",
            ("operation_type",), buckets=LATENCY_BUCKETS, registry=self.registry)
        self.fetch_seconds = Histogram(
            "router_subgraph_fetch_duration_seconds",
            "Time of a subgraph GraphQL call (until its whole response arrived), by subgraph.",
            ("subgraph",), buckets=LATENCY_BUCKETS, registry=self.registry)
        self.fetch_errors = Counter(
            "router_subgraph_fetch_errors",
            "Failed subgraph calls by subgraph and reason "
            "(timeout, transport, http_5xx, circuit_open).", ("subgraph", "reason"),
            registry=self.registry)
        self.rate_limited = Counter(
            "router_rate_limited", "Requests refused by the rate limit.", registry=self.registry)

    def observe(self, name: str, help_text: str, kind: str, labels: Sequence[str],
                read: Read) -> None:
        """Add a metric read at scrape time (plan cache, breakers)."""
        self.registry.register(_Observed(name, help_text, kind, labels, read))

    def page(self) -> Callable[[Request], Response]:
        def metrics_page(_: Request) -> Response:
            return metrics_response(self.registry)
        return metrics_page


# Handlers that know the operation type put it here (``request.state.operation_type``).
OPERATION_TYPE_STATE = "operation_type"


class RequestMetricsMiddleware:
    """Counts every HTTP response by status and operation type, and times it."""

    def __init__(self, app: ASGIApp, metrics: RouterMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before starting a response, that is what the client sees
        scope.setdefault("state", {})

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            operation_type = str(scope["state"].get(OPERATION_TYPE_STATE, "none"))
            self.metrics.requests.labels(str(status), operation_type).inc()
            self.metrics.request_seconds.labels(operation_type).observe(
                time.perf_counter() - started)
