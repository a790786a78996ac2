"""``/graphql`` with ``Accept: text/event-stream``: GraphQL over SSE, distinct connections mode.

Each request is its own stream: ``event: next`` carries one ``{"data", "errors"}`` result,
``event: complete`` ends the stream, and the client ends a subscription by closing the request.
Problems found before execution (parse, validation, variables) are *not* an HTTP error: the
protocol wants them as a ``next`` event with the errors, then ``complete``, because browsers'
``EventSource`` hides the body of a failed response. Problems with the HTTP request itself (bad
JSON, bad token) keep their HTTP status; the edge in ``router.app`` answers those before us.

A quiet stream sends a comment line every ``keepalive_interval`` seconds so proxies keep it open.
A client that falls ``queue_size`` events behind gets an error event and ``complete``; so does
one whose verified token expires while it listens (it reconnects with a fresh token).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping

from graphql import OperationType
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from router.authorization import ANONYMOUS, Viewer
from router.callers import Caller
from router.edge.responses import edge_error
from router.executor import JsonObject
from router.gateway import GraphQLRequest, PreparedOperation, RequestRejected
from router.subscriptions.outbox import Outbox
from router.subscriptions.protocol import encode_json
from router.subscriptions.service import Subscriptions

EVENT_STREAM = "text/event-stream"
COMPLETE_EVENT = "event: complete\ndata: \n\n"
KEEPALIVE_COMMENT = ":\n\n"
SLOW_CLIENT_BODY: JsonObject = {
    "errors": [{"message": "client too slow: outgoing queue overflowed",
                "extensions": {"code": "SUBSCRIPTION_CLIENT_TOO_SLOW"}}],
    "data": None,
}
TOKEN_EXPIRED_BODY: JsonObject = {
    "errors": [{"message": "access token has expired", "extensions": {"code": "UNAUTHENTICATED"}}],
    "data": None,
}


def _unauthenticated(reason: str) -> JsonObject:
    return {"errors": [{"message": reason, "extensions": {"code": "UNAUTHENTICATED"}}],
            "data": None}


STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


def wants_event_stream(request: Request) -> bool:
    return EVENT_STREAM in request.headers.get("accept", "")


def next_event(payload_json: str) -> str:
    return f"event: next\ndata: {payload_json}\n\n"  # JSON text has no raw newlines


class _SseSubscriber:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def deliver_next(self, payload_json: str) -> None:
        self.outbox.offer(next_event(payload_json))

    def deliver_complete(self) -> None:
        self.outbox.offer(COMPLETE_EVENT)


async def event_stream_response(
    subscriptions: Subscriptions,
    request: GraphQLRequest,
    forward_headers: Mapping[str, str],
    *,
    method: str = "POST",
    viewer: Viewer = ANONYMOUS,
) -> Response:
    """The SSE response for one operation (the HTTP edge already verified the token)."""
    expires_at = viewer.claims.get("exp")
    caller = Caller(forward_headers, viewer,
                    int(expires_at) if isinstance(expires_at, int | float) else None)
    try:
        prepared = subscriptions.prepare(request)
    except RequestRejected as rejected:
        return _stream(_one_result({"errors": rejected.errors}))
    if method == "GET" and prepared.kind == OperationType.MUTATION:
        return edge_error(405, "only queries and subscriptions may be sent with GET",
                          "BAD_REQUEST", headers={"allow": "POST"})
    if prepared.kind != OperationType.SUBSCRIPTION:
        return _stream(_executed_once(subscriptions, request, prepared, caller))
    return _stream(_subscription_events(subscriptions, request, prepared, caller))


def _stream(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(events, media_type=EVENT_STREAM, headers=STREAM_HEADERS)


async def _one_result(body: JsonObject) -> AsyncIterator[str]:
    yield next_event(encode_json(body))
    yield COMPLETE_EVENT


async def _executed_once(
    subscriptions: Subscriptions, request: GraphQLRequest, prepared: PreparedOperation,
    caller: Caller,
) -> AsyncIterator[str]:
    response = await subscriptions.execute_once(request, prepared, caller)
    yield next_event(encode_json(response.body))
    yield COMPLETE_EVENT


async def _subscription_events(
    subscriptions: Subscriptions, request: GraphQLRequest, prepared: PreparedOperation,
    caller: Caller,
) -> AsyncIterator[str]:
    settings = subscriptions.settings

    def say_goodbye() -> None:
        outbox.push_final(next_event(encode_json(SLOW_CLIENT_BODY)))
        outbox.push_final(COMPLETE_EVENT)

    outbox = Outbox(settings.queue_size, say_goodbye)
    try:
        subscription = subscriptions.subscribe(request, prepared, caller, _SseSubscriber(outbox))
    except RequestRejected as rejected:
        yield next_event(encode_json({"errors": rejected.errors}))
        yield COMPLETE_EVENT
        return
    try:
        while True:
            wait = settings.keepalive_interval
            if caller.expires_at is not None:
                wait = min(wait, max(0.0, caller.expires_at - time.time()))
            try:
                event = await asyncio.wait_for(outbox.take(), wait)
            except TimeoutError:
                if caller.expires_at is not None and time.time() >= caller.expires_at:
                    yield next_event(encode_json(TOKEN_EXPIRED_BODY))
                    yield COMPLETE_EVENT
                    return
                reason = await subscriptions.signed_out(caller)
                if reason is not None:  # the sign-in ended while the stream was open
                    yield next_event(encode_json(_unauthenticated(reason)))
                    yield COMPLETE_EVENT
                    return
                yield KEEPALIVE_COMMENT
                continue
            yield event
            if event == COMPLETE_EVENT:
                return
    finally:  # completed, overflowed, or the client closed the request (we are cancelled)
        subscription.cancel()
