"""The ASGI app of a subgraph: ``/graphql`` (HTTP and graphql-transport-ws) and ``/health``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.federation import Schema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from auth.tokens import InvalidToken, bearer_token
from infra.db.engine import ping
from infra.db.migrations import upgrade
from infra.db.outbox_relay import run_relay
from subgraphs.kit.context import Context, Viewer
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.subgraph")


class SubgraphGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Schema, runtime: Runtime) -> None:
        super().__init__(
            schema,
            graphql_ide=None,  # subgraphs are internal; developers explore through the router
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        )
        self.runtime = runtime

    async def _context_for(self, authorization: str | None) -> Context:
        try:
            token = bearer_token(authorization)
            if token is None:
                return Context(self.runtime)
            claims = await self.runtime.verifier.verify(token)
        except InvalidToken as exc:
            return Context(self.runtime, auth_error=exc)
        return Context(self.runtime, viewer=Viewer.from_claims(claims), token=token)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        if isinstance(request, WebSocket):
            return Context(self.runtime)  # the token arrives later, in connection_init
        return await self._context_for(request.headers.get("authorization"))

    async def on_ws_connect(self, context: Context) -> None:
        params = context.connection_params or {}
        authorization = params.get("Authorization") or params.get("authorization")
        verified = await self._context_for(
            authorization if isinstance(authorization, str) else None
        )
        context.viewer, context.auth_error = verified.viewer, verified.auth_error


StartupHook = Callable[[Runtime], Awaitable[None]]
# A background task that lives as long as the service, e.g. an event bus consumer loop.
BackgroundTask = Callable[[Runtime], Coroutine[Any, Any, None]]


def create_app(
    schema: Schema,
    runtime: Runtime,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    on_startup: Sequence[StartupHook] = (),
    consumers: Sequence[BackgroundTask] = (),
) -> Starlette:
    """``extra_routes`` add service-specific endpoints (JWKS, asset bytes); ``on_startup`` hooks
    run after migrations, before the service takes requests (e.g. a first catalog import);
    ``consumers`` (event bus consumers) start after the hooks and are cancelled at shutdown."""
    graphql = SubgraphGraphQL(schema, runtime)

    async def health(_: Request) -> Response:
        try:
            await ping(runtime.engine)
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log
            log.warning("%s health check failed: %s", runtime.name, exc)
            return JSONResponse({"status": "unavailable", "service": runtime.name}, 503)
        return JSONResponse({"status": "ok", "service": runtime.name})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await upgrade(runtime.engine, runtime.migrations)
        for hook in on_startup:
            await hook(runtime)
        bus = runtime.ports.get("bus")
        background = [asyncio.create_task(consumer(runtime)) for consumer in consumers]
        if bus is not None:
            background.append(
                asyncio.create_task(run_relay(runtime.sessions, runtime.outbox_model, bus))
            )
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            for outcome in await asyncio.gather(*background, return_exceptions=True):
                if isinstance(outcome, Exception):  # it had stopped on its own, by failing
                    log.error("%s background task had failed: %r", runtime.name, outcome)
            await runtime.engine.dispose()

    return Starlette(
        routes=[
            Route("/health", health),
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            *extra_routes,
        ],
        lifespan=lifespan,
    )
