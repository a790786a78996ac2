"""A tiny metrics registry and the ``/metrics`` page in Prometheus text format (version 0.0.4).

Three kinds are enough for the router: counters and histograms it updates as things happen,
and *observed* metrics whose values are read at scrape time from state kept elsewhere (plan
cache hits, breaker states). Each app builds its own :class:`Registry`, so several routers in
one process (tests) never share numbers.

Label values are bounded by construction: status codes, operation types, subgraph names and
fixed reason words; never anything a client chooses freely.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

LabelValues = tuple[str, ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: Sequence[str], values: Sequence[str], extra: str = "") -> str:
    pairs = [f'{name}="{_escape(value)}"' for name, value in zip(names, values, strict=True)]
    if extra:
        pairs.append(extra)
    return "{" + ",".join(pairs) + "}" if pairs else ""


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class Metric(Protocol):
    name: str

    def render(self) -> list[str]: ...


class Counter:
    """A value per label combination that only goes up."""

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()) -> None:
        self.name, self.help, self.label_names = name, help_text, tuple(labels)
        self.values: dict[LabelValues, float] = {}

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def value(self, *labels: str) -> float:
        return self.values.get(labels, 0.0)

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        for labels, value in sorted(self.values.items()):
            lines.append(f"{self.name}{_labels(self.label_names, labels)} {_number(value)}")
        return lines


class Histogram:
    """Observations counted into cumulative ``le`` buckets, with their sum and count."""

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = (),
                 buckets: Sequence[float] = LATENCY_BUCKETS) -> None:
        self.name, self.help, self.label_names = name, help_text, tuple(labels)
        self.buckets = tuple(sorted(buckets))
        # per label combination: a count per bucket (non-cumulative; +Inf last), sum, count
        self.series: dict[LabelValues, tuple[list[int], list[float]]] = {}

    def observe(self, value: float, *labels: str) -> None:
        counts, total = self.series.setdefault(labels, ([0] * (len(self.buckets) + 1), [0.0]))
        counts[bisect.bisect_left(self.buckets, value)] += 1
        total[0] += value

    def count(self, *labels: str) -> int:
        found = self.series.get(labels)
        return sum(found[0]) if found else 0

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        for labels, (counts, total) in sorted(self.series.items()):
            cumulative = 0
            for bound, in_bucket in zip([*self.buckets, math.inf], counts, strict=True):
                cumulative += in_bucket
                le = f'le="{_number(bound)}"'
                lines.append(f"{self.name}_bucket{_labels(self.label_names, labels, le)} "
                             f"{cumulative}")
            lines.append(f"{self.name}_sum{_labels(self.label_names, labels)} {_number(total[0])}")
            lines.append(f"{self.name}_count{_labels(self.label_names, labels)} {cumulative}")
        return lines


class Observed:
    """A counter or gauge whose samples are read from elsewhere when the page is scraped."""

    def __init__(self, name: str, help_text: str, kind: str, labels: Sequence[str],
                 read: Callable[[], Iterable[tuple[LabelValues, float]]]) -> None:
        self.name, self.help, self.kind, self.label_names = name, help_text, kind, tuple(labels)
        self.read = read

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]
        for labels, value in sorted(self.read()):
            lines.append(f"{self.name}{_labels(self.label_names, labels)} {_number(value)}")
        return lines


M = TypeVar("M", bound=Metric)


class Registry:
    def __init__(self) -> None:
        self.metrics: dict[str, Metric] = {}

    def add(self, metric: M) -> M:
        if metric.name in self.metrics:
            raise ValueError(f"metric {metric.name} is registered twice")
        self.metrics[metric.name] = metric
        return metric

    def render(self) -> str:
        lines = [line for metric in self.metrics.values() for line in metric.render()]
        return "\n".join(lines) + "\n"


class RouterMetrics:
    """The router's own metrics, in one registry."""

    def __init__(self) -> None:
        self.registry = Registry()
        self.requests = self.registry.add(Counter(
            "router_http_requests_total", "HTTP requests served, by status and operation type.",
            ("status", "operation_type")))
        self.request_seconds = self.registry.add(Histogram(
            "router_http_request_duration_seconds",
            "Time to serve an HTTP request (until the response is complete), by operation type.",
            ("operation_type",)))
        self.fetch_seconds = self.registry.add(Histogram(
            "router_subgraph_fetch_duration_seconds",
            "Time of a subgraph GraphQL call (until its whole response arrived), by subgraph.",
            ("subgraph",)))
        self.fetch_errors = self.registry.add(Counter(
            "router_subgraph_fetch_errors_total",
            "Failed subgraph calls by subgraph and reason "
            "(timeout, transport, http_5xx, circuit_open).", ("subgraph", "reason")))
        self.rate_limited = self.registry.add(Counter(
            "router_rate_limited_total", "Requests refused by the rate limit."))

    def observe(self, name: str, help_text: str, kind: str, labels: Sequence[str],
                read: Callable[[], Iterable[tuple[LabelValues, float]]]) -> None:
        """Add a metric read at scrape time (plan cache, breakers)."""
        self.registry.add(Observed(name, help_text, kind, labels, read))

    def page(self) -> Callable[[Request], Response]:
        def metrics_page(_: Request) -> Response:
            return Response(self.registry.render(), media_type=CONTENT_TYPE)
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
            self.metrics.requests.inc(str(status), operation_type)
            self.metrics.request_seconds.observe(time.perf_counter() - started, operation_type)
