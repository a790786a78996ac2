"""The router as a graphql-transport-ws client of the subgraph that owns a subscription field.

``upstream_events`` opens one WebSocket to the subgraph, sends ``connection_init`` (carrying the
client's ``Authorization``, which the subgraph verifies again), waits for the ack, subscribes and
yields every ``next`` payload. When the consumer stops early (the last client left, the router
shuts down) the generator sends ``complete`` so the subgraph ends its source stream, then closes
the socket. Every way the subgraph can fail - unreachable, refusing the handshake, an ``error``
message, closing mid-stream - surfaces as one :class:`UpstreamFailure`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.typing import Subprotocol

from router.subscriptions import protocol
from router.subscriptions.protocol import ProtocolViolation

OPERATION_ID = "1"  # one subscription per upstream socket
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
CLOSE_TIMEOUT = 2.0  # seconds to wait for the subgraph to answer our close frame


class UpstreamFailure(Exception):
    """The subgraph stream failed; ``errors`` are the subgraph's own errors when it sent some."""

    def __init__(self, reason: str, errors: list[Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or []


def websocket_url(http_url: str) -> str:
    """The subgraph's WebSocket URL: same host, port and path, ``ws``/``wss`` scheme."""
    parts = urlsplit(http_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))


async def upstream_events(
    url: str,
    operation: str,
    variables: Mapping[str, Any],
    forward_headers: Mapping[str, str],
    *,
    handshake_timeout: float,
) -> AsyncIterator[dict[str, Any]]:
    """Yield each event payload (``{"data": ..., "errors": ...}``) of one upstream subscription."""
    init_payload: dict[str, Any] = {}
    if "authorization" in forward_headers:
        init_payload["Authorization"] = forward_headers["authorization"]
    try:
        async with connect(
            websocket_url(url),
            subprotocols=[Subprotocol(protocol.SUBPROTOCOL)],
            open_timeout=handshake_timeout,
            close_timeout=CLOSE_TIMEOUT,
            max_size=MAX_MESSAGE_BYTES,
            compression=None,
        ) as socket:
            await socket.send(protocol.encode(protocol.CONNECTION_INIT, payload=init_payload))
            async with asyncio.timeout(handshake_timeout):
                await _wait_for_ack(socket)
            subscribe = {"query": operation, "variables": dict(variables)}
            await socket.send(protocol.encode(protocol.SUBSCRIBE, OPERATION_ID, subscribe))
            async for payload in _operation_events(socket):
                yield payload
    except TimeoutError:
        raise UpstreamFailure(f"no answer within {handshake_timeout:g}s") from None
    except ConnectionClosed as exc:
        code = exc.rcvd.code if exc.rcvd is not None else "none"
        raise UpstreamFailure(f"connection closed before the stream completed (code {code})"
                              ) from None
    except (OSError, InvalidHandshake, InvalidURI) as exc:
        raise UpstreamFailure(f"cannot connect ({exc.__class__.__name__})") from None
    except ProtocolViolation as exc:
        raise UpstreamFailure(f"protocol violation: {exc.reason}") from None


async def _wait_for_ack(socket: ClientConnection) -> None:
    while True:
        message = protocol.decode(await socket.recv())
        if message.type == protocol.CONNECTION_ACK:
            return
        if message.type == protocol.PING:
            await socket.send(protocol.encode(protocol.PONG))
        elif message.type != protocol.PONG:
            raise ProtocolViolation(protocol.CloseCode.BAD_REQUEST,
                                    f"expected connection_ack, got '{message.type}'")


async def _operation_events(socket: ClientConnection) -> AsyncIterator[dict[str, Any]]:
    finished = False
    try:
        while True:
            message = protocol.decode(await socket.recv())
            if message.type == protocol.PING:
                await socket.send(protocol.encode(protocol.PONG))
                continue
            if message.id != OPERATION_ID:
                continue  # pong, or noise about an operation we never started
            if message.type == protocol.NEXT and isinstance(message.payload, dict):
                yield message.payload
            elif message.type == protocol.COMPLETE:
                finished = True
                return
            elif message.type == protocol.ERROR:
                finished = True
                errors = message.payload if isinstance(message.payload, list) else []
                raise UpstreamFailure("the subgraph rejected the subscription", errors)
            else:
                raise ProtocolViolation(protocol.CloseCode.BAD_REQUEST,
                                        f"unexpected '{message.type}' message")
    finally:
        if not finished:  # we are leaving first: tell the subgraph to end its source stream
            with contextlib.suppress(ConnectionClosed):
                await socket.send(protocol.encode(protocol.COMPLETE, OPERATION_ID))


def failure_body(failure: UpstreamFailure, service: str) -> dict[str, Any]:
    """What subscribers receive when the upstream stream fails (then the stream completes)."""
    errors: list[dict[str, Any]] = []
    for error in failure.errors:
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            extensions = error.get("extensions")
            errors.append({
                "message": error["message"],
                "extensions": {**(extensions if isinstance(extensions, dict) else {}),
                               "serviceName": service},
            })
    if not errors:
        errors.append({
            "message": f"subscription to '{service}' failed: {failure.reason}",
            "extensions": {"code": "SUBSCRIPTION_UPSTREAM_FAILED", "serviceName": service},
        })
    return {"errors": errors, "data": None}


def dumps(body: dict[str, Any]) -> str:
    return orjson.dumps(body).decode()
