"""The ASGI app of a subgraph: ``/graphql`` (HTTP and graphql-transport-ws) and ``/health``."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.federation import Schema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from auth.tokens import InvalidToken, bearer_token
from infra.db.migrations import upgrade
from infra.db.outbox_relay import run_relay
from infra.logs import serving
from infra.requests import RequestContextMiddleware
from subgraphs.kit.context import Context, Viewer
from subgraphs.kit.health import Check, ReadinessCheck, run_checks, runtime_checks
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
    readiness: Mapping[str, ReadinessCheck] | None = None,
) -> Starlette:
    """``extra_routes`` add service-specific endpoints (JWKS, asset bytes); ``on_startup`` hooks
    run after migrations, before the service takes requests (e.g. a first catalog import);
    ``consumers`` (event bus consumers) start after the hooks and are cancelled at shutdown;
    ``readiness`` adds checks of the service's own to ``/health`` (``subgraphs.kit.health``)."""
    graphql = SubgraphGraphQL(schema, runtime)
    checks: dict[str, Check] = runtime_checks(runtime)
    for name, check in (readiness or {}).items():
        checks[name] = functools.partial(check, runtime)

    async def health(_: Request) -> Response:
        answers = await run_checks(checks)
        ready = all(answer == "ok" for answer in answers.values())
        body = {"status": "ok" if ready else "unavailable", "service": runtime.name,
                "checks": answers}
        return JSONResponse(body, 200 if ready else 503)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        bus = runtime.ports.get("bus")
        with serving(runtime.name):  # start-up's and the tasks' log lines name this service
            await upgrade(runtime.engine, runtime.migrations)
            for hook in on_startup:
                await hook(runtime)
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
        middleware=[Middleware(RequestContextMiddleware, service=runtime.name)],
        routes=[
            Route("/health", health),
            Route("/metrics", runtime.metrics.page),
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            *extra_routes,
        ],
        lifespan=lifespan,
    )
