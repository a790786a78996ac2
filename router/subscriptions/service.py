"""The subscription service: from a client's operation to a shared live stream.

Transports (``websocket.py``, ``sse.py``) parse their protocol, then call this service, which
(1) checks the bearer token as the HTTP edge does (``router.callers``), (2) prepares the
operation through the gateway (parse, limits, validation, planning, all cached), and (3)
attaches the transport's subscriber to a live stream from the hub. A stream's events come from
the owning subgraph (``upstream.py``) and are completed by the executor's entity fetches before
anyone sees them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from auth.tokens import InvalidToken, TokenVerifier
from router.callers import Caller, authenticate
from router.executor import JsonObject
from router.gateway import (
    Gateway,
    GatewayResponse,
    GraphQLRequest,
    PreparedOperation,
    RequestRejected,
)
from router.persisted import PersistedQueries
from router.subscriptions.plan import SubscriptionPlan
from router.subscriptions.streams import StreamHub, Subscriber, Subscription
from router.subscriptions.upstream import UpstreamFailure, dumps, failure_body, upstream_events


@dataclass(frozen=True)
class SubscriptionSettings:
    queue_size: int = 1024  # outgoing messages a client may fall behind before it is dropped
    connection_init_timeout: float = 10.0  # seconds a WebSocket may wait before connection_init
    upstream_timeout: float = 10.0  # seconds for a subgraph to accept and acknowledge
    keepalive_interval: float = 15.0  # seconds between SSE keep-alive comments
    # Seconds between checks that a WebSocket's sign-in has not ended (auth.revocation); SSE
    # streams check at every keep-alive.
    revocation_check_interval: float = 5.0
    deduplicate: bool = True  # identical subscriptions (same viewer) share one upstream stream

    def __post_init__(self) -> None:
        if self.queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        for name in ("connection_init_timeout", "upstream_timeout", "keepalive_interval",
                     "revocation_check_interval"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be a positive number of seconds")


class Subscriptions:
    """Subscriptions for one gateway: token checks, preparation, and the stream hub."""

    def __init__(
        self,
        gateway: Gateway,
        verifier: TokenVerifier | None,
        settings: SubscriptionSettings | None = None,
        persisted: PersistedQueries | None = None,
    ) -> None:
        self.gateway = gateway
        self.verifier = verifier
        self.persisted = PersistedQueries() if persisted is None else persisted
        self.settings = settings or SubscriptionSettings()
        self.hub = StreamHub(deduplicate=self.settings.deduplicate)

    async def authenticate(self, authorization: str | None) -> Caller:
        """Verify a bearer token if one came (raises ``InvalidToken``); none: anonymous."""
        return await authenticate(self.verifier, authorization)

    async def signed_out(self, caller: Caller) -> str | None:
        """Why ``caller``'s token is no longer accepted (its sign-in ended, it expired), or None
        while it is, or when that cannot be told right now (the list is unreachable: the
        stream goes on and the next check asks again)."""
        if not caller.viewer.authenticated:
            return None
        try:
            await self.authenticate(caller.forward_headers.get("authorization"))
        except InvalidToken as exc:
            return None if exc.code == "AUTH_UNAVAILABLE" else str(exc)
        return None

    def prepare(self, request: GraphQLRequest) -> PreparedOperation:
        """Parse, validate and plan (cached); raises ``RequestRejected`` with client errors."""
        return self.gateway.prepare(request.query, request.operation_name)

    async def execute_once(
        self, request: GraphQLRequest, prepared: PreparedOperation, caller: Caller
    ) -> GatewayResponse:
        """Queries and mutations sent over a streaming transport: one result."""
        return await self.gateway.execute(
            request, forward_headers=caller.forward_headers, prepared=prepared,
            viewer=caller.viewer,
        )

    def subscribe(
        self,
        request: GraphQLRequest,
        prepared: PreparedOperation,
        caller: Caller,
        subscriber: Subscriber,
    ) -> Subscription:
        """Attach ``subscriber`` to the live stream for this operation, starting it if needed."""
        coerced = self.gateway.coerce_variables(prepared, request.variables)
        # Fields the viewer may not read are left out of the plan and reported in every event.
        authorized, denied = self.gateway.authorized_plan(
            prepared, request.operation_name, caller.viewer
        )
        if authorized.node is None:  # the viewer may not read the subscription field itself
            raise RequestRejected(denied)
        plan = SubscriptionPlan.split(authorized)
        headers = dict(caller.forward_headers)
        key = (
            request.query, request.operation_name,
            orjson.dumps(dict(request.variables), option=orjson.OPT_SORT_KEYS),
            headers.get("authorization"),
        )

        def source() -> AsyncIterator[str]:
            return self._events(request, prepared, plan, coerced, headers, denied)

        return self.hub.subscribe(key, source, subscriber)

    async def _events(
        self,
        request: GraphQLRequest,
        prepared: PreparedOperation,
        plan: SubscriptionPlan,
        coerced: Mapping[str, Any],
        headers: Mapping[str, str],
        denied: list[JsonObject],
    ) -> AsyncIterator[str]:
        """The client payloads of one stream: each upstream event, completed and serialised."""
        gateway = self.gateway
        endpoint = gateway.endpoints[plan.primary.graph]
        variables = {
            name: request.variables[name]
            for name in plan.primary.variable_usages if name in request.variables
        }
        executor = gateway.executor
        try:
            async for event in upstream_events(
                endpoint.url, plan.primary.operation, variables, headers,
                handshake_timeout=self.settings.upstream_timeout,
            ):
                body = await executor.execute_event(
                    plan.primary, plan.rest, event, prepared.document, request.operation_name,
                    request.variables, headers, coerced_variables=coerced, errors=denied,
                )
                yield dumps(body)
        except UpstreamFailure as failure:
            yield dumps(failure_body(failure, plan.primary.service))

    async def aclose(self) -> None:
        await self.hub.aclose()
