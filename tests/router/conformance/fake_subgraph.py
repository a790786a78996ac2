"""One generic fake subgraph server that serves every subgraph of every corpus case.

Instead of one hand-written app per subgraph, each subgraph is its SDL plus fixture data:

* the schema is built with graphql-core from the subgraph SDL, with the federation plumbing
  (``_Any``, ``_Entity``, ``_service``, ``_entities``) added generically;
* fields read their values from the fixture objects (plain dicts), except those listed under
  ``resolvers`` in the case file, whose value is a small expression (see ``expressions.py``) over
  the parent object's fields and the field's arguments;
* ``_entities`` finds fixture objects by the ``@key`` fields in each representation, and merges the
  representation in, so ``@requires`` fields sent by the gateway are visible to expressions;
* ``{"$ref": "Type", ...key fields}`` in fixture data points at an entity (of this subgraph's
  tables when it has one, else it stays a reference the gateway resolves elsewhere).

All subgraphs share one Starlette app: ``POST /<case>/<subgraph>`` executes an operation and
``POST /<case>/__reset`` clears the case's mutable state (the journal and counters mutations use),
so every operation of the corpus starts from the same state.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLResolveInfo,
    GraphQLSchema,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    build_ast_schema,
    execute,
    get_named_type,
    get_operation_ast,
    parse,
    validate,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.router.conformance.corpus import Case, SubgraphCase
from tests.router.conformance.expressions import evaluate

REF = "$ref"
TYPENAME = "__typename"


@dataclass
class CaseState:
    """Mutable state shared by the subgraphs of one case; reset before every operation."""

    journal: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.journal.clear()
        self.counters.clear()


def _key_selections(field_set: str) -> SelectionSetNode:
    return parse("{" + field_set + "}").definitions[0].selection_set  # type: ignore[attr-defined, no-any-return]


def _project(value: Any, selections: SelectionSetNode) -> Any:
    """The part of ``value`` a key field set selects (lists projected element by element)."""
    if isinstance(value, list):
        return [_project(item, selections) for item in value]
    if not isinstance(value, dict):
        return value
    projected: dict[str, Any] = {}
    for selection in selections.selections:
        assert isinstance(selection, FieldNode)
        inner = value.get(selection.name.value)
        projected[selection.name.value] = (
            _project(inner, selection.selection_set) if selection.selection_set else inner
        )
    return projected


def _covers(representation: dict[str, Any], selections: SelectionSetNode) -> bool:
    return all(isinstance(s, FieldNode) and s.name.value in representation
               for s in selections.selections)


def _with_base_types(document: DocumentNode) -> DocumentNode:
    """Turn ``extend type X`` into ``type X`` when X has no definition (legal in a subgraph)."""
    defined = {d.name.value for d in document.definitions
               if isinstance(d, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode)}
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, ObjectTypeExtensionNode) and definition.name.value not in defined:
            defined.add(definition.name.value)
            definition = ObjectTypeDefinitionNode(
                name=definition.name, interfaces=definition.interfaces,
                directives=definition.directives, fields=definition.fields)
        elif (isinstance(definition, InterfaceTypeExtensionNode)
              and definition.name.value not in defined):
            defined.add(definition.name.value)
            definition = InterfaceTypeDefinitionNode(
                name=definition.name, interfaces=definition.interfaces,
                directives=definition.directives, fields=definition.fields)
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions))


def _keys_by_type(document: DocumentNode) -> dict[str, list[SelectionSetNode]]:
    """Type name -> the field sets of its ``@key`` directives (object and interface types)."""
    keys: dict[str, list[SelectionSetNode]] = {}
    for definition in document.definitions:
        if not isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode
                          | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value != "key":
                continue
            for argument in directive.arguments or ():
                if argument.name.value == "fields" and isinstance(argument.value,
                                                                   StringValueNode):
                    keys.setdefault(definition.name.value, []).append(
                        _key_selections(argument.value.value))
    return keys


def _plumbing(document: DocumentNode, keys: dict[str, list[SelectionSetNode]]) -> str:
    object_names = {d.name.value for d in document.definitions
                    if isinstance(d, ObjectTypeDefinitionNode)}
    entities = sorted(name for name in keys if name in object_names)
    has_query = "Query" in object_names
    fields = "_service: _Service!"
    extra = "scalar _Any\ntype _Service { sdl: String }\n"
    if entities:
        extra += f"union _Entity = {' | '.join(entities)}\n"
        fields += "\n  _entities(representations: [_Any!]!): [_Entity]!"
    extra += f"{'extend type' if has_query else 'type'} Query {{\n  {fields}\n}}\n"
    return extra


class FakeSubgraph:
    """One subgraph of one case: schema, fixture tables and expression resolvers."""

    def __init__(self, spec: SubgraphCase, state: CaseState) -> None:
        self.spec, self.state = spec, state
        document = _with_base_types(parse(spec.sdl))
        self.keys = _keys_by_type(document)
        full = DocumentNode(definitions=(*document.definitions,
                                         *parse(_plumbing(document, self.keys)).definitions))
        self.schema: GraphQLSchema = build_ast_schema(full, assume_valid_sdl=True)
        self.functions: dict[str, Callable[..., Any]] = {
            "lookup": self.lookup, "find_all": self.find_all, "ref": self.ref,
            "error": self.error, "record": self.record, "counter": self.counter,
        }

    # --- data access, also offered to expressions -------------------------------------------

    def table(self, type_name: str) -> list[dict[str, Any]] | None:
        rows = self.spec.data.get(type_name)
        return rows if isinstance(rows, list) else None

    def find_all(self, type_name: str, **fields: Any) -> list[dict[str, Any]]:
        rows = self.table(type_name) or []
        return [{TYPENAME: type_name, **row} for row in rows
                if all(row.get(name) == value for name, value in fields.items())]

    def lookup(self, type_name: str, **fields: Any) -> dict[str, Any] | None:
        found = self.find_all(type_name, **fields)
        return found[0] if found else None

    def ref(self, type_name: str, **fields: Any) -> dict[str, Any]:
        """A reference to an entity: this subgraph's row when it has one, else just the key."""
        return self.resolve_representation({TYPENAME: type_name, **fields}) or {
            TYPENAME: type_name, **fields}

    @staticmethod
    def error(message: str, code: str | None = None) -> Any:
        raise GraphQLError(message, extensions={"code": code} if code else None)

    def record(self, entry: str) -> list[str]:
        self.state.journal.append(f"{self.spec.name}:{entry}")
        return list(self.state.journal)

    def counter(self, name: str, by: int = 1) -> int:
        self.state.counters[name] = self.state.counters.get(name, 0) + by
        return self.state.counters[name]

    # --- federation -------------------------------------------------------------------------

    def _candidate_types(self, type_name: str) -> list[str]:
        named = self.schema.get_type(type_name)
        if isinstance(named, GraphQLInterfaceType):
            return [t.name for t in self.schema.get_possible_types(named)]
        return [type_name]

    def resolve_representation(self, representation: dict[str, Any]) -> dict[str, Any] | None:
        type_name = str(representation.get(TYPENAME))
        key_sets = self.keys.get(type_name, [])
        for candidate in self._candidate_types(type_name):
            rows = self.table(candidate)
            if rows is None:
                if candidate == type_name:  # no table: the subgraph only extends the entity
                    return {**representation, TYPENAME: candidate}
                continue
            for selections in key_sets or self.keys.get(candidate, []):
                if not _covers(representation, selections):
                    continue
                wanted = _project(representation, selections)
                for row in rows:
                    if _project(row, selections) == wanted:
                        return {**representation, **row, TYPENAME: candidate}
        return None

    # --- execution --------------------------------------------------------------------------

    def deref(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.deref(item) for item in value]
        if isinstance(value, dict) and REF in value:
            fields = {k: v for k, v in value.items() if k != REF}
            return self.ref(str(value[REF]), **fields)
        return value

    def resolve_field(self, source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        coordinate = f"{info.parent_type.name}.{info.field_name}"
        if coordinate == "Query._entities":
            return [self.resolve_representation(r) for r in args["representations"]]
        if coordinate == "Query._service":
            return {"sdl": self.spec.sdl}
        expression = self.spec.resolvers.get(coordinate)
        parent = source if isinstance(source, dict) else {}
        if expression is not None:
            for name in info.parent_type.fields[info.field_name].args:
                args.setdefault(name, None)  # absent optional arguments read as None
            names = {**parent, **args, "parent": parent, "args": args}
            value = evaluate(expression, names, self.functions)
        else:
            value = copy.deepcopy(parent.get(info.field_name))
        return self.complete(self.deref(value), get_named_type(info.return_type).name)

    def complete(self, value: Any, type_name: str) -> Any:
        """Fill a nested entity reference (``{"id": ...}``) from this subgraph's table."""
        if isinstance(value, list):
            return [self.complete(item, type_name) for item in value]
        if not isinstance(value, dict):
            return value
        representation = {TYPENAME: type_name, **value}
        if representation[TYPENAME] not in self.keys:
            return value
        resolved = self.resolve_representation(representation)
        return value if resolved is None else {**resolved, **value}

    @staticmethod
    def resolve_type(value: Any, _info: GraphQLResolveInfo[Any], abstract: GraphQLAbstractType
                     ) -> str | None:
        if isinstance(value, dict) and TYPENAME in value:
            return str(value[TYPENAME])
        raise GraphQLError(f"fixture object for {abstract.name} lacks __typename: {value!r}")

    def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            document = parse(str(payload.get("query", "")))
        except GraphQLError as error:
            return {"errors": [error.formatted]}
        errors = validate(self.schema, document)
        if errors:
            return {"errors": [error.formatted for error in errors]}
        root_values = {name: dict(self.spec.data.get(name) or {})
                       for name in ("Query", "Mutation")}
        operation = get_operation_ast(document, payload.get("operationName"))
        is_mutation = operation is not None and operation.operation == OperationType.MUTATION
        root_name = "Mutation" if is_mutation else "Query"
        result = execute(
            self.schema, document, root_value=root_values[root_name],
            variable_values=payload.get("variables") or {},
            operation_name=payload.get("operationName"),
            field_resolver=self.resolve_field, type_resolver=self.resolve_type,
        )
        assert isinstance(result, ExecutionResult), "fake subgraph resolvers are synchronous"
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        return body


class FakeSubgraphs:
    """Every subgraph of the given cases, addressable as ``(case, subgraph)``."""

    def __init__(self, cases: Iterable[Case]) -> None:
        self.states: dict[str, CaseState] = {}
        self.subgraphs: dict[tuple[str, str], FakeSubgraph] = {}
        for case in cases:
            self.add(case)

    def add(self, case: Case) -> None:
        """Serve ``case``'s subgraphs too (the generative tests add cases as they go)."""
        state = self.states.setdefault(case.name, CaseState())
        for spec in case.subgraphs:
            self.subgraphs[case.name, spec.name] = FakeSubgraph(spec, state)

    def remove(self, case: Case) -> None:
        self.states.pop(case.name, None)
        for spec in case.subgraphs:
            self.subgraphs.pop((case.name, spec.name), None)

    def app(self) -> Starlette:
        async def serve(request: Request) -> Response:
            case, name = request.path_params["case"], request.path_params["subgraph"]
            if name == "__reset":
                if case not in self.states:
                    return PlainTextResponse(f"unknown case {case!r}", status_code=404)
                self.states[case].reset()
                return PlainTextResponse("reset")
            subgraph = self.subgraphs.get((case, name))
            if subgraph is None:
                return PlainTextResponse(f"unknown subgraph {case}/{name}", status_code=404)
            if subgraph.spec.behaviour == "http_500":
                return PlainTextResponse("Internal Server Error", status_code=500)
            if subgraph.spec.behaviour == "not_json":
                return PlainTextResponse("<html>upstream exploded</html>", status_code=200)
            payload = await request.json()
            return JSONResponse(subgraph.run(payload if isinstance(payload, dict) else {}))

        return Starlette(routes=[Route("/{case}/{subgraph}", serve, methods=["POST"])])
