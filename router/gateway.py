"""The router's core, independent of HTTP: prepare an operation, plan it, execute it.

``Gateway`` owns everything built once per supergraph (API schema, planner, plan cache, pooled
HTTP clients: ``router.transport`` for subgraph GraphQL calls, httpx for health and
passthrough). The Starlette edge in ``router.app`` turns requests into ``GraphQLRequest`` values
and ``GatewayResponse`` values back into HTTP; embedding code can call ``Gateway`` directly.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from router.api_schema import build_api_schema
from router.authorization import (
    ANONYMOUS,
    AuthorizationRules,
    PolicyHook,
    Viewer,
    authorize,
    deny_all_policies,
)
from router.executor import Executor, JsonObject, SubgraphEndpoint
from router.limits import Limits, check_cost, check_limits
from router.plan import QueryPlan, print_plan
from router.planner import PlanningError, QueryPlanner
from router.shaping import Projection
from router.supergraph import Supergraph, SupergraphError, load_supergraph
from router.transport import CallGuard, SubgraphClient
from router.variables import OperationVariables

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
UNKNOWN_OPERATION = "INVALID_GRAPHQL"  # the code Apollo Gateway gives, so clients see one
BAD_USER_INPUT = "BAD_USER_INPUT"
PLANNING_FAILED = "QUERY_PLANNING_FAILED"
SUBSCRIPTION_TRANSPORT = "SUBSCRIPTION_TRANSPORT_REQUIRED"


@dataclass(frozen=True)
class GatewayConfig:
    dev: bool = False  # add the query plan to responses as extensions.queryPlan
    limits: Limits = field(default_factory=Limits)
    subgraph_timeout: float = 10.0  # seconds, for every subgraph without its own entry
    subgraph_timeouts: Mapping[str, float] = field(default_factory=dict)  # by subgraph name
    plan_cache_size: int = 512
    # Progressive @override labels (join v0.4+ ``overrideLabel``): label -> migrated. Labels
    # not listed follow ``override_label_default`` (``percent(0)`` is never migrated): true
    # means the overriding subgraph serves the field; Apollo Gateway acts as if it were false.
    override_labels: Mapping[str, bool] = field(default_factory=dict)
    override_label_default: bool = True
    # Decides @policy names for a viewer (router.authorization); unknown policies are denied.
    policy_hook: PolicyHook = deny_all_policies
    max_connections: int = 100


@dataclass(frozen=True)
class GraphQLRequest:
    query: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    operation_name: str | None = None


@dataclass(frozen=True)
class PreparedOperation:
    """A parsed, validated, planned operation: what the plan cache stores."""

    document: DocumentNode
    operation: OperationDefinitionNode
    plan: QueryPlan
    projection: Projection  # shapes responses without graphql-core (shaping.py)
    variables: OperationVariables  # coerces variables fast (variables.py)

    @property
    def kind(self) -> OperationType:
        return self.operation.operation


@dataclass(frozen=True)
class GatewayResponse:
    """A response body, and whether it is a request error (no ``data``: nothing executed)."""

    body: JsonObject

    @property
    def is_request_error(self) -> bool:
        return "data" not in self.body


class RequestRejected(Exception):
    """The operation cannot run; ``errors`` are spec-shaped and safe to return to the client."""

    def __init__(self, errors: list[JsonObject]) -> None:
        super().__init__(errors[0]["message"] if errors else "request rejected")
        self.errors = errors


def _error(message: str, code: str, error: GraphQLError | None = None) -> JsonObject:
    formatted: JsonObject = {"message": message}
    if error is not None and error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column}
                                  for loc in error.locations]
    formatted["extensions"] = {"code": code}
    return formatted


def _with_code(error: GraphQLError, code: str) -> JsonObject:
    extensions = dict(error.extensions or {})
    extensions.setdefault("code", code)
    return _error(error.message, str(extensions["code"]), error) | {"extensions": extensions}


class PlanCache:
    """A bounded least-recently-used map from (operation text, operation name) to a plan."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str | None], PreparedOperation] = OrderedDict()
        self.hits = self.misses = 0  # read by the /metrics page

    def get(self, key: tuple[str, str | None]) -> PreparedOperation | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
        return found

    def put(self, key: tuple[str, str | None], value: PreparedOperation) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class Gateway:
    """Serves one supergraph: prepares, plans and executes client operations."""

    def __init__(
        self,
        supergraph_sdl: str,
        *,
        config: GatewayConfig | None = None,
        subgraph_url_overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config or GatewayConfig()
        self.supergraph: Supergraph = load_supergraph(
            supergraph_sdl, override_labels=self.config.override_labels,
            override_label_default=self.config.override_label_default,
        )
        self.schema = build_api_schema(self.supergraph.document)
        self.planner = QueryPlanner(self.supergraph, self.schema)
        self.authorization = AuthorizationRules.from_supergraph(self.supergraph.document)
        # plans of operations with fields removed for a viewer: (operation, removed paths) -> plan
        self._authorized_plans: dict[
            tuple[int, tuple[tuple[str | int, ...], ...]], tuple[PreparedOperation, QueryPlan]
        ] = {}
        self.plan_cache = PlanCache(self.config.plan_cache_size)
        overrides = dict(subgraph_url_overrides or {})
        names = {s.name for s in self.supergraph.subgraphs.values()}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise SupergraphError(f"URL override for unknown subgraph(s): {', '.join(unknown)}")
        self.endpoints = {
            graph: SubgraphEndpoint(
                name=sub.name,
                url=overrides.get(sub.name, sub.url),
                timeout=self.config.subgraph_timeouts.get(sub.name, self.config.subgraph_timeout),
            )
            for graph, sub in self.supergraph.subgraphs.items()
        }
        self._client: httpx.AsyncClient | None = None
        self._subgraph_client: SubgraphClient | None = None
        self._executor: Executor | None = None  # built once per subgraph client (see executor)
        # Set before the first request to wrap every subgraph GraphQL call (circuit breakers and
        # fetch metrics: router.edge.install); None sends them unguarded.
        self.guard_subgraph_calls: CallGuard | None = None
        # Set before the first request to wrap the transport of every subgraph call (circuit
        # breakers and fetch metrics: router.edge.install); None keeps the plain pooled one.
        self.wrap_transport: (
            Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None
        ) = None

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def client(self) -> httpx.AsyncClient:
        """The pooled httpx client for health probes and passthrough, created on first use."""
        if self._client is None:
            pool = httpx.Limits(max_connections=self.config.max_connections,
                                max_keepalive_connections=self.config.max_connections)
            transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(limits=pool)
            if self.wrap_transport is not None:
                transport = self.wrap_transport(transport)
            self._client = httpx.AsyncClient(transport=transport, follow_redirects=False)
        return self._client

    @property
    def subgraph_client(self) -> SubgraphClient:
        """The lean keep-alive client the executor calls subgraphs with, created on first use."""
        if self._subgraph_client is None:
            self._subgraph_client = SubgraphClient(self.config.max_connections,
                                                   guard=self.guard_subgraph_calls)
        return self._subgraph_client

    @property
    def executor(self) -> Executor:
        """The shared executor (stateless per request), rebuilt only if the client changes."""
        client = self.subgraph_client
        if self._executor is None or self._executor.client is not client:
            self._executor = Executor(self.schema, self.endpoints, client)
        return self._executor

    async def aclose(self) -> None:
        if self._subgraph_client is not None:
            await self._subgraph_client.aclose()
            self._subgraph_client = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # --- preparing ----------------------------------------------------------------------------

    def prepare(self, query: str, operation_name: str | None) -> PreparedOperation:
        """Parse, check limits, validate and plan; cached by text and operation name."""
        key = (query, operation_name)
        cached = self.plan_cache.get(key)
        if cached is not None:
            return cached
        try:
            document = parse(
                query, max_tokens=self.config.limits.max_tokens, allow_empty_selection_sets=False
            )
        except GraphQLSyntaxError as exc:
            raise RequestRejected([_error(exc.message, PARSE_FAILED, exc)]) from None
        limit_errors = check_limits(document, self.config.limits, self.schema)
        if limit_errors:
            raise RequestRejected([_with_code(e, VALIDATION_FAILED) for e in limit_errors])
        validation_errors = validate(self.schema, document)
        if validation_errors:
            raise RequestRejected([_with_code(e, VALIDATION_FAILED) for e in validation_errors])
        operation = self._pick_operation(document, operation_name)
        try:
            plan = self.planner.plan(document, operation_name)
        except PlanningError as exc:
            raise RequestRejected([_error(str(exc), PLANNING_FAILED)]) from None
        prepared = PreparedOperation(document=document, operation=operation, plan=plan,
                                     projection=Projection(self.schema, document, operation),
                                     variables=OperationVariables(self.schema, document,
                                                                  operation))
        self.plan_cache.put(key, prepared)
        return prepared

    @staticmethod
    def _pick_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if name is None:
            if len(operations) == 1:
                return operations[0]
            raise RequestRejected([_error(
                "the document has several operations: say which with operationName",
                UNKNOWN_OPERATION,
            )])
        for operation in operations:
            if operation.name is not None and operation.name.value == name:
                return operation
        raise RequestRejected([_error(f"no operation named '{name}'", UNKNOWN_OPERATION)])

    # --- executing ----------------------------------------------------------------------------

    async def execute(
        self,
        request: GraphQLRequest,
        *,
        forward_headers: Mapping[str, str] | None = None,
        prepared: PreparedOperation | None = None,
        viewer: Viewer = ANONYMOUS,
    ) -> GatewayResponse:
        """Run one operation; request errors come back as a body without ``data``.

        ``viewer`` is who the verified token says is asking: fields guarded by
        ``@authenticated``/``@requiresScopes``/``@policy`` that it may not read come back null
        with an error (``router.authorization``).
        """
        try:
            prepared = prepared or self.prepare(request.query, request.operation_name)
        except RequestRejected as exc:
            return GatewayResponse({"errors": exc.errors})
        if prepared.kind == OperationType.SUBSCRIPTION:  # streams: router.subscriptions
            return GatewayResponse({"errors": [_error(
                "subscriptions are served over WebSocket (graphql-transport-ws) or "
                "Server-Sent Events (Accept: text/event-stream)", SUBSCRIPTION_TRANSPORT,
            )]})
        try:
            values = self.coerce_variables(prepared, request.variables)
        except RequestRejected as exc:
            return GatewayResponse({"errors": exc.errors})
        # Sizes may come from variables: re-check (unless no variable is a list size).
        if prepared.variables.affects_cost:
            over_budget = check_cost(prepared.document, self.config.limits, self.schema,
                                     values, only=prepared.operation)
            if over_budget:
                return GatewayResponse({"errors": [_with_code(e, VALIDATION_FAILED)
                                                   for e in over_budget]})
        try:
            plan, denied = self.authorized_plan(prepared, request.operation_name, viewer)
        except RequestRejected as exc:
            return GatewayResponse({"errors": exc.errors})
        body = await self.executor.execute(
            plan, prepared.document, request.operation_name, request.variables,
            forward_headers or {}, coerced_variables=values, errors=denied,
            projection=prepared.projection,
        )
        if self.config.dev:
            body.setdefault("extensions", {})["queryPlan"] = print_plan(plan)
        return GatewayResponse(body)

    def coerce_variables(
        self, prepared: PreparedOperation, variables: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The operation's variables coerced to their types; ``RequestRejected`` if they don't.

        Types are resolved once per cached operation (router.variables); graphql-core's
        ``get_variable_values`` runs only when that fast path declines, for the spec's errors.
        """
        values = prepared.variables.coerce(variables)
        if values is not None:
            return values
        coerced = get_variable_values(
            self.schema, prepared.operation.variable_definitions or (), dict(variables)
        )
        if isinstance(coerced, list):
            raise RequestRejected([_with_code(e, BAD_USER_INPUT) for e in coerced])
        return coerced.coerced

    def authorized_plan(
        self, prepared: PreparedOperation, operation_name: str | None, viewer: Viewer
    ) -> tuple[QueryPlan, list[JsonObject]]:
        """The plan for what ``viewer`` may read, and the errors for what was left out.

        Both HTTP execution and subscriptions (router.subscriptions) plan through this, so a
        viewer's reduced plan is cached once for every transport. ``RequestRejected`` when the
        reduced operation cannot be planned.
        """
        authorized = authorize(self.schema, self.authorization, prepared.document,
                               prepared.operation, viewer, self.config.policy_hook)
        if authorized is None:
            return prepared.plan, []
        key = (id(prepared), authorized.removed)
        cached = self._authorized_plans.get(key)
        if cached is not None and cached[0] is prepared:  # holding it keeps its id unique
            return cached[1], authorized.errors()
        try:
            plan = self.planner.plan(authorized.document, operation_name)
        except PlanningError as exc:
            raise RequestRejected([_error(str(exc), PLANNING_FAILED)]) from None
        if len(self._authorized_plans) >= self.config.plan_cache_size:
            self._authorized_plans.clear()
        self._authorized_plans[key] = (prepared, plan)
        return plan, authorized.errors()

    # --- health -------------------------------------------------------------------------------

    async def health(self) -> dict[str, str]:
        """Each subgraph's ``/health`` status: "ok" or why not."""

        async def probe(endpoint: SubgraphEndpoint) -> tuple[str, str]:
            parts = urlsplit(endpoint.url)
            url = urlunsplit((parts.scheme, parts.netloc, "/health", "", ""))
            try:
                response = await self.client.get(url, timeout=min(endpoint.timeout, 5.0))
            except httpx.HTTPError as exc:
                return endpoint.name, f"unreachable ({exc.__class__.__name__})"
            if response.status_code != 200:
                return endpoint.name, f"HTTP {response.status_code}"
            return endpoint.name, "ok"

        results = await asyncio.gather(*(probe(e) for e in self.endpoints.values()))
        return dict(sorted(results))
