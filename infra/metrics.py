"""What every service's ``/metrics`` page shares: prometheus-client's text format, one registry
per app (several apps share a process in the embedded stack and in tests), common buckets."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, disable_created_metrics
from prometheus_client.exposition import generate_latest
from starlette.responses import Response

# ``*_created`` timestamps per series double the page and nothing here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus-client

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def metrics_response(registry: CollectorRegistry) -> Response:
    return Response(generate_latest(registry), media_type=CONTENT_TYPE)
