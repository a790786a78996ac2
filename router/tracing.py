"""Tracing and request IDs on the router's calls to subgraphs.

``TracedPoster`` wraps the client the executor sends subgraph calls with: each call becomes a
client span (``fetch <subgraph>``, a child of the operation's span) and carries that span's
context in ``traceparent`` and the client request's ID in ``X-Request-ID``, so the subgraph
continues the trace and logs under the same ID (``infra.requests``).
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from infra import tracing
from infra.logs import REQUEST_ID
from infra.requests import HEADER as REQUEST_ID_HEADER
from router.transport import Poster, SubgraphResponse

SERVICE = "router"


def router_tracer() -> trace.Tracer:
    return tracing.tracer(SERVICE)


class TracedPoster:
    def __init__(self, inner: Poster) -> None:
        self.inner = inner
        self.tracer = router_tracer()

    async def post(
        self, name: str, url: str, body: bytes, headers: Mapping[str, str], time_limit: float
    ) -> SubgraphResponse:
        with self.tracer.start_as_current_span(
            f"fetch {name}", kind=SpanKind.CLIENT,
            attributes={"graphql.subgraph": name, "server.address": url},
        ) as span:
            outgoing = dict(headers)
            propagate.inject(outgoing)
            request_id = REQUEST_ID.get()
            if request_id is not None:
                outgoing[REQUEST_ID_HEADER] = request_id
            try:
                response = await self.inner.post(name, url, body, outgoing, time_limit)
            except Exception as exc:
                span.set_status(Status(StatusCode.ERROR, exc.__class__.__name__))
                raise
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                span.set_status(Status(StatusCode.ERROR, f"HTTP {response.status_code}"))
            return response
