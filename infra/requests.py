"""Which request is being served: its ID, its trace, and the service serving it.

``RequestContextMiddleware`` wraps the router and every subgraph. It takes the request's ID from
``X-Request-ID`` when the caller sent a sane one (the router's own, on a call to a subgraph; a
client's or a proxy's, at the router), or makes one; keeps it in ``infra.logs.REQUEST_ID`` for the
whole request, so every log line names it; and echoes it in the response, so a client can quote
it and an operator can find every line of that request, in the router and in each subgraph.

An HTTP request also gets a server span (``infra.tracing``) that continues the caller's trace
when a W3C ``traceparent`` header came: a subgraph's span is a child of the router's fetch.
"""

from __future__ import annotations

import re
import uuid

from opentelemetry import propagate
from opentelemetry.trace import SpanKind
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from infra import tracing
from infra.logs import REQUEST_ID, SERVICE

HEADER = "x-request-id"
# What we accept from outside: short, and nothing that could forge a log line or a header.
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _headers(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope.get("headers", ())}


def sane_request_id(value: str | None) -> str | None:
    return value if value is not None and _SANE.fullmatch(value) else None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        self.tracer = tracing.tracer(service)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        request_id = sane_request_id(headers.get(HEADER)) or uuid.uuid4().hex
        tokens = REQUEST_ID.set(request_id), SERVICE.set(self.service)
        try:
            if scope["type"] == "websocket":  # a connection, not a request: no span of its own
                await self.app(scope, receive, send)
                return
            await self._traced(scope, receive, send, headers, request_id)
        finally:
            REQUEST_ID.reset(tokens[0])
            SERVICE.reset(tokens[1])

    async def _traced(self, scope: Scope, receive: Receive, send: Send,
                      headers: dict[str, str], request_id: str) -> None:
        parent = propagate.extract(headers)
        name = f"{scope.get('method', 'GET')} {scope.get('path', '/')}"
        with self.tracer.start_as_current_span(
            name, context=parent, kind=SpanKind.SERVER,
            attributes={"http.request.method": scope.get("method", "GET"),
                        "url.path": scope.get("path", "/"), "request.id": request_id},
        ) as span:

            async def send_with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []),
                                          (HEADER.encode(), request_id.encode())]
                    span.set_attribute("http.response.status_code", int(message["status"]))
                await send(message)

            await self.app(scope, receive, send_with_id)
