"""Runs a query plan and shapes the client's response.

Execution has two halves:

1. *Fetching.* Walk the plan; ``Parallel`` children run with ``asyncio.gather``. Each fetch's
   result is deep-merged into one response tree. Subgraph operations use the client's response
   keys, so the tree already has the client's shape (plus the ``__typename``/key fields the
   planner added). An entity fetch gathers the objects at its ``Flatten`` path, builds one
   representation per distinct entity and sends them in one ``_entities`` call.
2. *Shaping.* graphql-core executes the client's own operation against the API schema with that
   tree as root value, reading each field by response key. That gives spec behaviour for free:
   aliases, fragments, ``@skip``/``@include``, ``__typename``, introspection, and non-null
   violations bubbling to the nearest nullable parent. Ordinary responses take a faster road
   to the same answer: the operation's compiled projection (``router.shaping``), which hands
   back to graphql-core whenever there is an error to report.

Subgraph calls go through ``router.transport`` (pooled keep-alive HTTP/1.1, one write each).

A subgraph that fails or times out leaves its fields missing: they come back as nulls, with one
error naming the subgraph, while everything else is returned.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    execute_sync,
)

from router.plan import (
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    RequiredField,
    SequenceNode,
)
from router.shaping import GAVE_UP, Projection
from router.transport import Poster

JsonObject = dict[str, Any]
Path = list[str | int]

# Codes as Apollo Gateway writes them: a subgraph request that failed (HTTP error, not JSON,
# timeout) and a subgraph's own error that came without a code.
SUBREQUEST_FAILED = "INTERNAL_SERVER_ERROR"
DOWNSTREAM_SERVICE_ERROR = "DOWNSTREAM_SERVICE_ERROR"
VALUE_COMPLETION_CODE = "INVALID_GRAPHQL"
NON_NULL_MESSAGE = "Cannot return null for non-nullable field"


@dataclass(frozen=True)
class SubgraphEndpoint:
    name: str
    url: str
    timeout: float


@dataclass
class _Target:
    """An object in the response tree an entity fetch will extend, and where it sits."""

    value: JsonObject
    path: Path


@dataclass
class _Run:
    """Mutable state of one request's execution."""

    variables: Mapping[str, Any]  # as the client sent them: forwarded to subgraphs
    coerced: Mapping[str, Any]  # with defaults applied: decides @skip/@include
    headers: Mapping[str, str]
    data: JsonObject = field(default_factory=dict)
    errors: list[JsonObject] = field(default_factory=list)
    # Response paths already explained by an error; a non-null violation under one of them is
    # the same failure seen again and is not reported twice.
    explained: list[Path] = field(default_factory=list)


def _resolve_by_response_key(source: Any, info: GraphQLResolveInfo[Any], **_: Any) -> Any:
    if isinstance(source, dict):
        return source.get(info.path.key)
    return None


def _resolve_type(
    value: Any, info: GraphQLResolveInfo[Any], abstract: GraphQLAbstractType
) -> str | None:
    """The concrete type of an object, from its ``__typename``.

    An object that only an ``@interfaceObject`` subgraph returned carries the interface's name;
    the planner fetches the real one whenever the client can tell types apart (``__typename``,
    type conditions), so otherwise any implementation reads the same fields.
    """
    typename = value.get("__typename") if isinstance(value, dict) else None
    if isinstance(typename, str) and isinstance(info.schema.get_type(typename), GraphQLObjectType):
        return typename
    possible = info.schema.get_possible_types(abstract)
    return possible[0].name if possible else None


def deep_merge(
    target: JsonObject, source: JsonObject, placeholders: frozenset[str] = frozenset()
) -> None:
    """Merge a subgraph result into the response tree (objects field by field, lists by index).

    ``placeholders`` are abstract type names a subgraph may report as ``__typename`` (an
    ``@interfaceObject`` does not know the concrete type); a later concrete name replaces them.
    """
    for key, value in source.items():
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value, placeholders)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            _merge_lists(existing, value, placeholders)
        elif existing is None or key not in target or (
            key == "__typename" and existing in placeholders and value not in placeholders
        ):
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any], placeholders: frozenset[str]) -> None:
    for index, (old, new) in enumerate(zip(target, source, strict=True)):
        if isinstance(old, dict) and isinstance(new, dict):
            deep_merge(old, new, placeholders)
        elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            _merge_lists(old, new, placeholders)
        elif old is None:
            target[index] = new


def _targets(value: Any, path: tuple[str, ...], here: Path) -> list[_Target]:
    """Objects reached by following a ``Flatten`` path (``@`` steps into every list item)."""
    if value is None:
        return []
    if not path:
        if isinstance(value, list):  # a list the path did not spell out with "@"
            return [t for i, item in enumerate(value) for t in _targets(item, path, [*here, i])]
        return [_Target(value, here)] if isinstance(value, dict) else []
    step, rest = path[0], path[1:]
    if step == "@":
        if not isinstance(value, list):
            return []
        return [t for i, item in enumerate(value) for t in _targets(item, rest, [*here, i])]
    if not isinstance(value, dict):
        return []
    return _targets(value.get(step), rest, [*here, step])


TypeTest = Callable[[str, str], bool]  # (type condition, runtime __typename) -> applies


def _representation_part(value: Any, fields: tuple[RequiredField, ...], applies: TypeTest) -> Any:
    """Copy ``fields`` out of a response object; _MISSING when a required field is missing.

    Each is read under the response key it was fetched with and written under its name.
    Fields required under a type condition are copied only from objects of that type.
    """
    if isinstance(value, list):
        parts = [_representation_part(item, fields, applies) for item in value]
        return None if any(p is _MISSING for p in parts) else parts
    if value is None or not fields:
        return value
    if not isinstance(value, dict):
        return _MISSING
    part: JsonObject = {}
    typename = value.get("__typename")
    for required in fields:
        if required.condition is not None and not (
            isinstance(typename, str) and applies(required.condition, typename)
        ):
            continue
        if required.key not in value:
            return _MISSING
        child = _representation_part(value[required.key], required.children, applies)
        if child is _MISSING:
            return _MISSING
        part[required.name] = child
    return part


_MISSING: Any = object()


def _excluded(directives: tuple[DirectiveNode, ...] | None, variables: Mapping[str, Any]) -> bool:
    """Whether ``@skip``/``@include`` leave this selection out for these variable values."""
    for directive in directives or ():
        if directive.name.value not in ("skip", "include"):
            continue
        argument = next((a for a in directive.arguments or () if a.name.value == "if"), None)
        if argument is None:
            continue
        if isinstance(argument.value, VariableNode):
            value = variables.get(argument.value.name.value) is True
        else:
            value = isinstance(argument.value, BooleanValueNode) and argument.value.value
        if value == (directive.name.value == "skip"):
            return True
    return False


def selects_anything(selection_set: SelectionSetNode, variables: Mapping[str, Any]) -> bool:
    """Whether a fetch still asks for a real field once ``@skip``/``@include`` are applied.

    When every field of a fetch is switched off, the request would only echo ``__typename``
    and keys back, so the executor does not send it.
    """
    for selection in selection_set.selections:
        if _excluded(selection.directives, variables):
            continue
        if isinstance(selection, FieldNode):
            if selection.name.value != "__typename":
                return True
        elif isinstance(selection, InlineFragmentNode) and selects_anything(
            selection.selection_set, variables
        ):
            return True
    return False


def _is_under(path: Path, prefix: Path) -> bool:
    """Whether ``path`` lies under ``prefix``; ``@`` in the prefix stands for any list index."""
    if len(path) < len(prefix):
        return False
    return all(
        step == wanted or (wanted == "@" and isinstance(step, int))
        for step, wanted in zip(path, prefix, strict=False)
    )


def _start_run(
    variables: Mapping[str, Any], coerced_variables: Mapping[str, Any] | None,
    headers: Mapping[str, str], errors: Sequence[JsonObject],
) -> _Run:
    """A run that already holds the errors known before execution (see ``Executor.execute``)."""
    run = _Run(variables=variables, coerced=coerced_variables or variables, headers=headers)
    for error in errors:
        run.errors.append(dict(error))
        if isinstance(error.get("path"), list):
            run.explained.append(list(error["path"]))
    return run


class Executor:
    """Executes plans for one supergraph over a shared, pooled HTTP client."""

    def __init__(
        self,
        schema: GraphQLSchema,
        endpoints: Mapping[str, SubgraphEndpoint],  # by join__Graph enum value
        client: Poster,  # router.transport: the gateway's SubgraphClient, or an HttpxPoster
    ) -> None:
        self.schema = schema
        self.endpoints = endpoints
        self.client = client
        self.placeholders = frozenset(
            name for name, type_ in schema.type_map.items()
            if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType)
        )

    def applies(self, condition: str, typename: str) -> bool:
        """Whether a type condition covers objects whose ``__typename`` is ``typename``."""
        if condition == typename:
            return True
        abstract = self.schema.get_type(condition)
        runtime = self.schema.get_type(typename)
        return (
            isinstance(abstract, GraphQLInterfaceType | GraphQLUnionType)
            and isinstance(runtime, GraphQLObjectType)
            and self.schema.is_sub_type(abstract, runtime)
        )

    async def execute(
        self,
        plan: QueryPlan,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        coerced_variables: Mapping[str, Any] | None = None,
        errors: Sequence[JsonObject] = (),
        projection: Projection | None = None,
    ) -> JsonObject:
        """Run ``plan`` and return the client's ``{"data", "errors"}`` response body.

        ``errors`` are known before execution (fields removed by authorization): they come
        first, and the nulls at their paths are not reported again. ``projection`` (cached with
        the plan) shapes the response without graphql-core when it can (``router.shaping``).
        """
        run = _start_run(variables, coerced_variables, headers, errors)
        if plan.node is not None:
            await self._run_node(plan.node, run)
        return self._shape(run, document, operation_name, variables, projection)

    async def execute_event(
        self,
        primary: FetchNode,
        rest: PlanNode | None,
        event: JsonObject,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        coerced_variables: Mapping[str, Any] | None = None,
        errors: Sequence[JsonObject] = (),
    ) -> JsonObject:
        """Complete one subscription event into the client's ``{"data", "errors"}`` body.

        ``event`` is what the owning subgraph sent for ``primary`` (its ``data`` in the client's
        response keys, perhaps ``errors``); ``rest`` holds the entity fetches that add the fields
        other subgraphs own. Shaping then runs the client's subscription operation over the tree,
        which is the spec's "execute the subscription event" step. ``errors`` as in ``execute``.
        """
        run = _start_run(variables, coerced_variables, headers, errors)
        event_errors = event.get("errors")
        for error in event_errors if isinstance(event_errors, list) else ():
            self._forward_error(error, primary, run, lambda path: path)
        data = event.get("data")
        if not isinstance(data, dict):  # the event itself failed: nothing to complete
            return {"errors": run.errors, "data": None}
        run.data = data
        if rest is not None:
            await self._run_node(rest, run)
        return self._shape(run, document, operation_name, variables)

    def _shape(
        self, run: _Run, document: DocumentNode, operation_name: str | None,
        variables: Mapping[str, Any], projection: Projection | None = None,
    ) -> JsonObject:
        """Execute the client's operation over the fetched tree (see the module docstring)."""
        if projection is not None:
            data = projection.shape(run.data, run.coerced)
            if data is not GAVE_UP:  # nothing to report: graphql-core would say the same
                return {"errors": list(run.errors), "data": data} if run.errors \
                    else {"data": data}
        shaped = execute_sync(
            self.schema, document, root_value=run.data, variable_values=dict(variables),
            operation_name=operation_name, field_resolver=_resolve_by_response_key,
            type_resolver=_resolve_type,
        )
        # Problems found while completing values (a null where the schema says non-null, such
        # as an entity its subgraph could not resolve; an enum value the API schema hides) that
        # no subgraph error explains are errors of their own, with the client's path, as Hive
        # Gateway and Apollo Router report them (Apollo Gateway hides them in extensions).
        completion: list[JsonObject] = []
        for error in shaped.errors or ():
            if self._already_explained(error, run):
                continue
            entry: JsonObject = {"message": error.message}
            if error.path is not None:
                entry["path"] = list(error.path)
            entry["extensions"] = {"code": VALUE_COMPLETION_CODE}
            completion.append(entry)
        errors = [*run.errors, *completion]
        return {"errors": errors, "data": shaped.data} if errors else {"data": shaped.data}

    @staticmethod
    def _already_explained(error: GraphQLError, run: _Run) -> bool:
        if not error.message.startswith(NON_NULL_MESSAGE) or error.path is None:
            return False
        path = list(error.path)
        return any(_is_under(path, prefix) for prefix in run.explained)

    async def _run_node(self, node: PlanNode, run: _Run) -> None:
        if isinstance(node, SequenceNode):
            for child in node.nodes:
                await self._run_node(child, run)
        elif isinstance(node, ParallelNode):
            await asyncio.gather(*(self._run_node(child, run) for child in node.nodes))
        elif isinstance(node, FlattenNode):
            await self._run_entity_fetch(node, run)
        else:
            await self._run_root_fetch(node, run)

    async def _run_root_fetch(self, fetch: FetchNode, run: _Run) -> None:
        if not selects_anything(fetch.selection, run.coerced):
            return
        roots: list[Path] = [
            [s.alias.value if s.alias else s.name.value]  # type: ignore[attr-defined]
            for s in fetch.selection.selections if hasattr(s, "name")
        ]
        result = await self._send(fetch, self._variables_for(fetch, run), run, roots)
        if result is None:
            return
        data, errors = result
        if isinstance(data, dict):
            deep_merge(run.data, data, self.placeholders)
        for error in errors:
            self._forward_error(error, fetch, run, lambda path: path)

    async def _run_entity_fetch(self, flatten: FlattenNode, run: _Run) -> None:
        fetch = flatten.node
        if not selects_anything(fetch.selection, run.coerced):
            return
        representations: list[JsonObject] = []
        destinations: list[list[_Target]] = []
        seen: dict[bytes, int] = {}
        for target in _targets(run.data, flatten.path, []):
            typename = target.value.get("__typename")
            if not isinstance(typename, str):
                continue
            condition, fields = next(
                ((c, f) for c, f in fetch.requires if self.applies(c, typename)), (None, None)
            )
            if condition is None or fields is None:
                continue
            representation = _representation_part(target.value, fields, self.applies)
            if representation is _MISSING:
                continue
            if condition in fetch.interface_object_types:
                representation = {**representation, "__typename": condition}
            fingerprint = orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)
            if fingerprint in seen:
                destinations[seen[fingerprint]].append(target)
                continue
            seen[fingerprint] = len(representations)
            representations.append(representation)
            destinations.append([target])
        if not representations:
            return  # nothing to extend (parents were null, skipped or failed)

        variables = {"representations": representations, **self._variables_for(fetch, run)}
        failure_paths = [t.path for group in destinations for t in group]
        result = await self._send(fetch, variables, run, failure_paths)
        if result is None:
            return
        data, errors = result
        entities = data.get("_entities") if isinstance(data, dict) else None
        if isinstance(entities, list):
            for index, entity in enumerate(entities[: len(destinations)]):
                if isinstance(entity, dict):
                    for target in destinations[index]:
                        deep_merge(target.value, entity, self.placeholders)

        def client_path(path: Path) -> Path | None:
            if len(path) >= 2 and path[0] == "_entities" and isinstance(path[1], int) \
                    and path[1] < len(destinations):
                return [*destinations[path[1]][0].path, *path[2:]]
            return None

        for error in errors:
            self._forward_error(error, fetch, run, client_path)

    @staticmethod
    def _variables_for(fetch: FetchNode, run: _Run) -> JsonObject:
        return {n: run.variables[n] for n in fetch.variable_usages if n in run.variables}

    def _forward_error(
        self, error: Any, fetch: FetchNode, run: _Run, rewrite: Any
    ) -> None:
        """Pass a subgraph error on: its message and extensions, its path in client terms."""
        if not isinstance(error, dict):
            return
        forwarded: JsonObject = {"message": str(error.get("message", "subgraph error"))}
        path = error.get("path")
        if isinstance(path, list):
            client_path = rewrite(path)
            if client_path is not None:
                forwarded["path"] = client_path
                run.explained.append(client_path)
        extensions = error.get("extensions")
        forwarded["extensions"] = {
            "code": DOWNSTREAM_SERVICE_ERROR,  # what Apollo Gateway says when the subgraph didn't
            **(extensions if isinstance(extensions, dict) else {}),
            "serviceName": fetch.service,
        }
        run.errors.append(forwarded)

    async def _send(
        self, fetch: FetchNode, variables: JsonObject, run: _Run, affected: list[Path]
    ) -> tuple[Any, list[Any]] | None:
        """POST one subgraph operation. On failure record an error and return None."""
        endpoint = self.endpoints[fetch.graph]
        body: JsonObject = {"query": fetch.operation, "variables": variables}
        try:
            response = await self.client.post(
                endpoint.name, endpoint.url, orjson.dumps(body), run.headers, endpoint.timeout
            )
            payload = orjson.loads(response.content)
        except httpx.TimeoutException:
            return self._failed(fetch, f"timed out after {endpoint.timeout:g}s", run, affected)
        except httpx.HTTPError as exc:
            return self._failed(fetch, exc.__class__.__name__, run, affected)
        except orjson.JSONDecodeError:
            return self._failed(
                fetch, f"HTTP {response.status_code} with a body that is not JSON", run, affected
            )
        if not isinstance(payload, dict) or ("data" not in payload and "errors" not in payload):
            return self._failed(fetch, f"HTTP {response.status_code}, not a GraphQL response",
                                run, affected)
        errors = payload.get("errors")
        return payload.get("data"), errors if isinstance(errors, list) else []

    @staticmethod
    def _failed(fetch: FetchNode, reason: str, run: _Run, affected: list[Path]) -> None:
        run.errors.append({
            "message": f"HTTP fetch failed from '{fetch.service}': {reason}",
            "extensions": {"code": SUBREQUEST_FAILED, "serviceName": fetch.service},
        })
        run.explained.extend(affected)
        return None
