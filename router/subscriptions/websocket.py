"""``/graphql`` over WebSocket: the server side of graphql-transport-ws.

One :class:`_Connection` per socket runs three tasks: a *reader* that handles client messages in
order, a *writer* that drains the connection's bounded :class:`Outbox` into the socket, and a
timer that closes the socket if ``connection_init`` does not arrive in time. Every outgoing
message goes through the outbox, so messages keep their order and a slow reader only ever fills
its own queue (overflow closes it with 1013; see ``outbox.py``).

Authentication happens once, on ``connection_init``: the ``Authorization`` value in its payload
(top level or under ``headers``, any letter case) is verified like the HTTP edge verifies the
header. A token we cannot accept closes the socket with **4403 Forbidden**, which is what the
protocol's reference server does when it rejects ``connection_init``; 4401 means something else
in this protocol ("subscribe before acknowledgement"), and a client that re-reads its token on
reconnect (graphql-ws's ``connectionParams`` function) retries after 4403. No token at all is an
anonymous connection: as over HTTP, subgraphs then decide field by field. A verified token's
expiry also closes the socket with 4403, so a long-lived connection cannot outlive its token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from typing import Any

from graphql import OperationType
from starlette.websockets import WebSocket

from auth.tokens import InvalidToken
from router.callers import Caller
from router.gateway import GraphQLRequest, PreparedOperation, RequestRejected
from router.persisted import PersistedQueries
from router.subscriptions import protocol
from router.subscriptions.outbox import Outbox
from router.subscriptions.protocol import CloseCode, Message, ProtocolViolation
from router.subscriptions.service import Subscriptions
from router.subscriptions.streams import Subscription

SLOW_CLIENT_REASON = "client too slow: outgoing queue overflowed"
log = logging.getLogger("router.subscriptions")


class GraphQLWebSocket:
    """The WebSocket endpoint; mount ``handle`` as a Starlette ``WebSocketRoute``."""

    def __init__(self, subscriptions: Subscriptions) -> None:
        self.subscriptions = subscriptions

    async def handle(self, websocket: WebSocket) -> None:
        offered = websocket.scope.get("subprotocols") or []
        if protocol.SUBPROTOCOL not in offered:
            await websocket.accept()
            await websocket.close(CloseCode.SUBPROTOCOL_NOT_ACCEPTABLE,
                                  "Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=protocol.SUBPROTOCOL)
        await _Connection(websocket, self.subscriptions).serve()


class _StreamOperation:
    """A subscription operation: the stream's subscriber for one operation id."""

    def __init__(self, connection: _Connection, operation_id: str) -> None:
        self.connection, self.id = connection, operation_id
        self.subscription: Subscription | None = None
        self._prefix = protocol.next_prefix(operation_id)

    def deliver_next(self, payload_json: str) -> None:
        self.connection.outbox.offer(protocol.encode_next(self.id, payload_json, self._prefix))

    def deliver_complete(self) -> None:
        if self.connection.operations.get(self.id) is self:
            del self.connection.operations[self.id]
            self.connection.outbox.offer(protocol.encode(protocol.COMPLETE, self.id))

    def stop(self) -> None:
        if self.subscription is not None:
            self.subscription.cancel()


class _SingleOperation:
    """A query or mutation sent over the socket: one ``next``, then ``complete``."""

    def __init__(self, task: asyncio.Task[None]) -> None:
        self.task = task

    def stop(self) -> None:
        self.task.cancel()


def _authorization(payload: Any) -> str | None:
    """The Authorization value of a connection_init payload, wherever clients usually put it."""
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise ProtocolViolation(CloseCode.BAD_REQUEST, "connection_init payload must be an object")
    for container in (payload, payload.get("headers")):
        if not isinstance(container, dict):
            continue
        for key, value in container.items():
            if key.lower() == "authorization":
                if not isinstance(value, str):
                    raise ProtocolViolation(CloseCode.BAD_REQUEST,
                                            "Authorization must be a string")
                return value
    return None


def _graphql_request(payload: Any, persisted: PersistedQueries) -> GraphQLRequest:
    """The operation a ``subscribe`` payload asks for (``RequestRejected`` for a persisted query
    unknown or not allowed: an ``error`` message, the connection stays)."""
    if not isinstance(payload, dict):
        raise ProtocolViolation(CloseCode.BAD_REQUEST, "subscribe payload must be an object")
    query = persisted.resolve(payload.get("query"), payload.get("extensions"))
    variables = payload.get("variables") or {}
    operation_name = payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise ProtocolViolation(CloseCode.BAD_REQUEST, "'query' must be a non-empty string")
    if not isinstance(variables, dict):
        raise ProtocolViolation(CloseCode.BAD_REQUEST, "'variables' must be an object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise ProtocolViolation(CloseCode.BAD_REQUEST, "'operationName' must be a string")
    return GraphQLRequest(query=query, variables=variables, operation_name=operation_name)


class _Connection:
    def __init__(self, websocket: WebSocket, subscriptions: Subscriptions) -> None:
        self.websocket = websocket
        self.subscriptions = subscriptions
        self.settings = subscriptions.settings
        self.outbox = Outbox(self.settings.queue_size, self._on_overflow)
        self.caller: Caller | None = None  # set when the connection is acknowledged
        self.init_received = False
        self.operations: dict[str, _StreamOperation | _SingleOperation] = {}
        self.closing: asyncio.Future[tuple[int, str]] = asyncio.get_running_loop().create_future()
        self.client_gone = False
        self._helpers: set[asyncio.Task[None]] = set()

    def request_close(self, code: int, reason: str) -> None:
        if not self.closing.done():
            self.closing.set_result((code, reason))

    def _on_overflow(self) -> None:
        self.request_close(CloseCode.TRY_AGAIN_LATER, SLOW_CLIENT_REASON)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._helpers.add(task)
        task.add_done_callback(self._helpers.discard)
        return task

    async def serve(self) -> None:
        reader = asyncio.create_task(self._read())
        writer = asyncio.create_task(self._write())
        self._spawn(self._close_unless_initialised())
        try:
            watched: set[asyncio.Future[Any]] = {reader, writer, self.closing}
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for operation in list(self.operations.values()):
                operation.stop()  # detaches from streams; the last one out completes upstream
            self.operations.clear()
            tasks = [reader, writer, *self._helpers]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.closing.done() and not self.client_gone:
                code, reason = self.closing.result()
                with contextlib.suppress(Exception):  # the client may be gone already
                    await self.websocket.close(code, reason)

    async def _read(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                self.client_gone = True
                return
            text = message.get("text")
            try:
                if text is None:
                    raise ProtocolViolation(CloseCode.BAD_REQUEST, "messages must be text")
                await self._handle(protocol.decode(text))
            except ProtocolViolation as violation:
                self.request_close(violation.code, violation.reason)
                return
            except Exception:  # a bug of ours: log it, tell the client as the protocol says
                log.exception("unexpected error while handling a graphql-transport-ws message")
                self.request_close(CloseCode.INTERNAL_ERROR, "Internal server error")
                return

    async def _write(self) -> None:
        while True:
            message = await self.outbox.take()
            try:
                await self.websocket.send_text(message)
            except Exception:  # the client went away mid-send: the reader sees it too
                self.client_gone = True
                return

    async def _close_unless_initialised(self) -> None:
        await asyncio.sleep(self.settings.connection_init_timeout)
        if not self.init_received:
            self.request_close(CloseCode.INIT_TIMEOUT, "Connection initialisation timeout")

    async def _close_when_expired(self, expires_at: int) -> None:
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        self.request_close(CloseCode.FORBIDDEN, "Forbidden: access token has expired")

    async def _close_when_signed_out(self, caller: Caller) -> None:
        """A sign-in that ends (logout, a stolen refresh token) ends its live streams too."""
        while True:
            await asyncio.sleep(self.settings.revocation_check_interval)
            reason = await self.subscriptions.signed_out(caller)
            if reason is not None:
                self.request_close(CloseCode.FORBIDDEN, f"Forbidden: {reason}")
                return

    # --- messages -----------------------------------------------------------------------------

    async def _handle(self, message: Message) -> None:
        if message.type == protocol.CONNECTION_INIT:
            await self._on_init(message)
        elif message.type == protocol.PING:
            self.outbox.offer(protocol.encode(protocol.PONG))
        elif message.type == protocol.PONG:
            pass
        elif message.type == protocol.SUBSCRIBE:
            self._on_subscribe(message)
        elif message.type == protocol.COMPLETE:
            operation = self.operations.pop(protocol.required_id(message), None)
            if operation is not None:
                operation.stop()
        else:
            raise ProtocolViolation(CloseCode.BAD_REQUEST,
                                    f"unknown message type '{message.type}'")

    async def _on_init(self, message: Message) -> None:
        if self.init_received:
            raise ProtocolViolation(CloseCode.TOO_MANY_INIT, "Too many initialisation requests")
        self.init_received = True
        authorization = _authorization(message.payload)
        try:
            caller = await self.subscriptions.authenticate(authorization)
        except InvalidToken as exc:
            if exc.code == "AUTH_UNAVAILABLE":
                raise ProtocolViolation(CloseCode.TRY_AGAIN_LATER, str(exc)) from None
            raise ProtocolViolation(CloseCode.FORBIDDEN, f"Forbidden: {exc}") from None
        self.caller = caller
        if caller.expires_at is not None:
            self._spawn(self._close_when_expired(caller.expires_at))
        if caller.viewer.authenticated:
            self._spawn(self._close_when_signed_out(caller))
        self.outbox.offer(protocol.encode(protocol.CONNECTION_ACK))

    def _on_subscribe(self, message: Message) -> None:
        caller = self.caller
        if caller is None:
            raise ProtocolViolation(CloseCode.UNAUTHORIZED, "Unauthorized")
        operation_id = protocol.required_id(message)
        if operation_id in self.operations:
            raise ProtocolViolation(CloseCode.SUBSCRIBER_EXISTS,
                                    f"Subscriber for {operation_id} already exists")
        try:
            request = _graphql_request(message.payload, self.subscriptions.persisted)
            prepared = self.subscriptions.prepare(request)
            if prepared.kind != OperationType.SUBSCRIPTION:
                task = self._spawn(self._run_once(operation_id, request, prepared, caller))
                self.operations[operation_id] = _SingleOperation(task)
                return
            operation = _StreamOperation(self, operation_id)
            self.operations[operation_id] = operation
            try:
                operation.subscription = self.subscriptions.subscribe(
                    request, prepared, caller, operation
                )
            except RequestRejected:
                del self.operations[operation_id]
                raise
        except RequestRejected as rejected:
            self.outbox.offer(protocol.encode(protocol.ERROR, operation_id, rejected.errors))

    async def _run_once(
        self, operation_id: str, request: GraphQLRequest, prepared: PreparedOperation,
        caller: Caller,
    ) -> None:
        response = await self.subscriptions.execute_once(request, prepared, caller)
        if self.operations.pop(operation_id, None) is None:
            return  # the client completed it meanwhile
        if response.is_request_error:
            errors = response.body["errors"]
            self.outbox.offer(protocol.encode(protocol.ERROR, operation_id, errors))
            return
        self.outbox.offer(protocol.encode_next(operation_id, protocol.encode_json(response.body)))
        self.outbox.offer(protocol.encode(protocol.COMPLETE, operation_id))
