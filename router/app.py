"""The HTTP edge: GraphQL over HTTP, GraphiQL, health, bearer-token checks, request limits.

Status codes follow the GraphQL-over-HTTP specification. With ``application/json`` (what most
clients accept) every well-formed request gets 200, even when the operation fails validation;
with ``application/graphql-response+json`` a request error (nothing executed) is a 400. Problems
with the HTTP request itself (not JSON, too large, wrong method, bad token) get their own status
and still a GraphQL-shaped body, so clients can always read ``errors[0].extensions.code``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import orjson
from graphql import OperationType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from auth.tokens import CachedVerifier, InvalidToken, RevocationCheck, TokenVerifier
from infra.cache import Cache
from infra.requests import RequestContextMiddleware
from router.authorization import ANONYMOUS, PolicyHook, deny_all_policies
from router.callers import authenticate
from router.edge.config import EdgeConfig
from router.edge.install import install_edge
from router.edge.responses import edge_error
from router.explorer_assets import explorer_routes
from router.gateway import Gateway, GatewayConfig, GraphQLRequest, RequestRejected
from router.graphiql import GRAPHIQL_HTML
from router.limits import Limits
from router.persisted import PersistedQueries
from router.request_log import Served, log_request
from router.subscriptions import (
    GraphQLWebSocket,
    Subscriptions,
    SubscriptionSettings,
    event_stream_response,
    wants_event_stream,
)
from router.tracing import SERVICE, router_tracer

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
BAD_REQUEST = "BAD_REQUEST"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
HEALTH_CHECK_SECONDS = 2.0

log = logging.getLogger("router")


class HttpProblem(Exception):
    """A request the edge refuses before GraphQL runs: an HTTP status plus a GraphQL error."""

    def __init__(
        self, status: int, message: str, code: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, dict(headers or {})


def _media_type(request: Request) -> str:
    accept = request.headers.get("accept", "")
    return GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in accept else JSON


def _json(body: Any, status: int, media_type: str, headers: Mapping[str, str] | None = None
          ) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=media_type,
                    headers=dict(headers or {}))


def _problem_response(problem: HttpProblem, media_type: str) -> Response:
    return edge_error(problem.status, str(problem), problem.code, headers=problem.headers,
                      media_type=media_type)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HttpProblem(413, f"request body is larger than {limit} bytes", PAYLOAD_TOO_LARGE)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HttpProblem(413, f"request body is larger than {limit} bytes", PAYLOAD_TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def _graphql_request(payload: Any) -> GraphQLRequest:
    """Check the shape of ``{"query", "variables", "operationName"}``."""
    if isinstance(payload, list):
        raise HttpProblem(400, "batched requests are not supported", BAD_REQUEST)
    if not isinstance(payload, dict):
        raise HttpProblem(400, "request body must be a JSON object", BAD_REQUEST)
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        raise HttpProblem(400, "'query' must be a non-empty string", BAD_REQUEST)
    variables = payload.get("variables")
    if variables is None:
        variables = {}
    if not isinstance(variables, dict):
        raise HttpProblem(400, "'variables' must be a JSON object", BAD_REQUEST)
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise HttpProblem(400, "'operationName' must be a string", BAD_REQUEST)
    return GraphQLRequest(query=query, variables=variables, operation_name=operation_name)


class GraphQLEndpoint:
    """Handles ``/graphql``; one instance per app, sharing the app's ``Gateway``."""

    def __init__(
        self, gateway: Gateway, verifier: TokenVerifier | None,
        subscriptions: Subscriptions | None = None,
        persisted: PersistedQueries | None = None,
    ) -> None:
        self.gateway = gateway
        self.verifier = verifier
        self.persisted = PersistedQueries() if persisted is None else persisted
        self.subscriptions = subscriptions  # serves Accept: text/event-stream (SSE)
        self.tracer = router_tracer()  # a span per operation; fetches nest in it

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and "query" not in request.query_params \
                and self._wants_html(request):
            return HTMLResponse(GRAPHIQL_HTML)
        started = time.perf_counter()
        served = Served()
        response = await self._serve(request, served)
        log_request(served, response.status_code, time.perf_counter() - started)
        return response

    async def _serve(self, request: Request, served: Served) -> Response:
        media_type = _media_type(request)
        try:
            if request.method == "GET":
                graphql_request = self._from_query_params(request)
            else:
                graphql_request = await self._from_body(request)
            served.operation = graphql_request.operation_name or "anonymous"
            forward = await self._authenticate(request)
            if self.subscriptions is not None and wants_event_stream(request):
                served.streaming = True
                return await event_stream_response(
                    self.subscriptions, graphql_request, forward, method=request.method,
                    viewer=getattr(request.state, "viewer", ANONYMOUS),
                )
            return await self._run(request, graphql_request, forward, media_type, served)
        except HttpProblem as problem:
            served.codes = (problem.code,)
            return _problem_response(problem, media_type)
        except RequestRejected as rejected:  # a persisted query unknown or not allowed
            served.errors(rejected.errors)
            status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
            return _json({"errors": rejected.errors}, status, media_type)
        except Exception:  # a bug of ours: log it, never show a stack trace to the client
            log.exception("unexpected error while serving %s /graphql", request.method)
            internal = HttpProblem(500, "internal router error", INTERNAL_SERVER_ERROR)
            return _problem_response(internal, media_type)

    @staticmethod
    def _wants_html(request: Request) -> bool:
        return "text/html" in request.headers.get("accept", "")

    def _from_query_params(self, request: Request) -> GraphQLRequest:
        params = request.query_params
        variables: Any = None
        extensions: Any = None
        for name in ("variables", "extensions"):
            if params.get(name):
                try:
                    parsed = orjson.loads(params[name])
                except orjson.JSONDecodeError:
                    raise HttpProblem(400, f"'{name}' is not valid JSON", BAD_REQUEST) from None
                variables, extensions = (parsed, extensions) if name == "variables" \
                    else (variables, parsed)
        return self._request_from({
            "query": params.get("query"),
            "variables": variables,
            "operationName": params.get("operationName") or None,
            "extensions": extensions,
        })

    def _request_from(self, payload: Any) -> GraphQLRequest:
        """The request a payload asks for, its query looked up if it was persisted."""
        if isinstance(payload, dict):
            query = self.persisted.resolve(payload.get("query"), payload.get("extensions"))
            payload = {**payload, "query": query}
        return _graphql_request(payload)

    async def _from_body(self, request: Request) -> GraphQLRequest:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != JSON:
            raise HttpProblem(415, "send the request as application/json", BAD_REQUEST)
        body = await _read_body(request, self.gateway.config.limits.max_body_bytes)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise HttpProblem(400, "request body is not valid JSON", BAD_REQUEST) from None
        return self._request_from(payload)

    async def _authenticate(self, request: Request) -> dict[str, str]:
        """Verify a bearer token if one came; return the headers forwarded to subgraphs."""
        try:
            caller = await authenticate(self.verifier, request.headers.get("authorization"))
        except InvalidToken as exc:
            status = 503 if exc.code == "AUTH_UNAVAILABLE" else 401
            raise HttpProblem(status, str(exc), exc.code,
                              {"www-authenticate": 'Bearer error="invalid_token"'}) from None
        if caller.viewer.authenticated:  # who the router's authorization checks see
            request.state.viewer = caller.viewer
        return dict(caller.forward_headers)  # anonymous: none; subgraphs decide field by field

    async def _run(
        self, request: Request, graphql_request: GraphQLRequest, forward: dict[str, str],
        media_type: str, served: Served,
    ) -> Response:
        try:
            prepared = self.gateway.prepare(graphql_request.query, graphql_request.operation_name)
            request.state.operation_type = prepared.kind.value  # for the /metrics labels
        except RequestRejected as rejected:
            served.errors(rejected.errors)
            status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
            return _json({"errors": rejected.errors}, status, media_type)
        if request.method == "GET" and prepared.kind != OperationType.QUERY:
            raise HttpProblem(405, "only queries may be sent with GET; use POST", BAD_REQUEST,
                              {"allow": "POST"})
        named = prepared.operation.name
        served.operation = named.value if named is not None else "anonymous"
        served.operation_type = prepared.kind.value
        with self.tracer.start_as_current_span(
            f"{served.operation_type} {served.operation}",
            attributes={"graphql.operation.name": served.operation,
                        "graphql.operation.type": served.operation_type},
        ):
            response = await self.gateway.execute(
                graphql_request, forward_headers=forward, prepared=prepared,
                viewer=getattr(request.state, "viewer", ANONYMOUS),
            )
        served.errors(response.body.get("errors"))
        status = 400 if response.is_request_error and media_type == GRAPHQL_RESPONSE_JSON else 200
        return _json(response.body, status, media_type)


async def _own_health(revocations: RevocationCheck | None) -> dict[str, str]:
    """The router's own dependencies: the revocation list (Redis in production), without which
    it refuses every token."""
    ping = getattr(revocations, "ping", None)
    if ping is None:
        return {}
    try:
        await asyncio.wait_for(ping(), HEALTH_CHECK_SECONDS)
    except Exception as exc:  # timeout or connection refused: not ready either way
        return {"revocations": f"unreachable ({exc.__class__.__name__})"}
    return {"revocations": "ok"}


def create_app(
    supergraph_sdl: str,
    *,
    verifier: TokenVerifier | None = None,
    dev: bool = False,
    subgraph_url_overrides: dict[str, str] | None = None,
    limits: Limits | None = None,
    subgraph_timeout: float = 10.0,
    subgraph_timeouts: dict[str, float] | None = None,
    subscriptions: SubscriptionSettings | None = None,
    edge: EdgeConfig | None = None,
    passthrough: Mapping[str, str] | None = None,
    cache: Cache | None = None,
    override_labels: Mapping[str, bool] | None = None,
    override_label_default: bool = True,
    policy_hook: PolicyHook = deny_all_policies,
    revocations: RevocationCheck | None = None,
    persisted_queries: PersistedQueries | None = None,
) -> Starlette:
    """The router as an ASGI app serving ``supergraph_sdl``.

    ``verifier`` checks bearer tokens at the edge (none: tokens pass through unchecked to the
    subgraphs, which verify them anyway). ``dev`` adds ``extensions.queryPlan`` to responses.
    ``subgraph_url_overrides`` maps subgraph names to URLs that replace the supergraph's.
    ``subscriptions`` tunes WebSocket/SSE subscriptions (``router.subscriptions``).
    The app's ``state.gateway`` is the underlying :class:`~router.gateway.Gateway`.
    ``edge`` configures CORS, security headers, rate limits, breakers and metrics
    (``router.edge``); ``passthrough`` maps path prefixes to subgraphs (``{"/assets": "image"}``);
    ``cache`` holds rate-limit counters (default in-process; the caller closes it).
    ``override_labels``/``override_label_default`` decide progressive ``@override`` labels and
    ``policy_hook`` decides ``@policy`` names (``router.gateway.GatewayConfig``).
    ``revocations`` refuses tokens of signed-out sessions (``auth.revocation``), asked on every
    request after the signature check. ``persisted_queries`` (default: from the environment,
    ``router.persisted``) serves automatic persisted queries, or only an allow-list.
    """
    config = GatewayConfig(
        dev=dev,
        limits=limits or Limits(),
        subgraph_timeout=subgraph_timeout,
        subgraph_timeouts=subgraph_timeouts or {},
        override_labels=dict(override_labels or {}),
        override_label_default=override_label_default,
        policy_hook=policy_hook,
    )
    gateway = Gateway(supergraph_sdl, config=config, subgraph_url_overrides=subgraph_url_overrides)
    if verifier is not None:
        # One signature check per token, not per request; the revocation list every time.
        verifier = CachedVerifier(verifier, revocations=revocations)
    persisted = PersistedQueries.from_env() if persisted_queries is None else persisted_queries
    streams = Subscriptions(gateway, verifier, subscriptions, persisted)
    endpoint = GraphQLEndpoint(gateway, verifier, streams, persisted)

    async def health(_: Request) -> Response:
        statuses = await gateway.health()
        own = await _own_health(revocations)
        healthy = all(status == "ok" for status in [*statuses.values(), *own.values()])
        body = {"status": "ok" if healthy else "unavailable", "subgraphs": statuses,
                "checks": own}
        return JSONResponse(body, status_code=200 if healthy else 503)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await streams.aclose()
        await gateway.aclose()

    app = Starlette(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", GraphQLWebSocket(streams).handle),
            Route("/health", health, methods=["GET"]),
            *explorer_routes(),
        ],
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    app.state.subscriptions = streams
    app.state.persisted_queries = persisted
    app.state.edge = install_edge(app, gateway, edge or EdgeConfig(), verifier=verifier,
                                  cache=cache, passthrough=passthrough, dev=dev)
    # Outermost: every response, refusals included, carries its request ID; every line and span
    # of the request (the subgraphs' too) names it.
    app.add_middleware(RequestContextMiddleware, service=SERVICE)
    return app
