"""Each subgraph's own schema, as far as the supergraph's join metadata tells it.

The planner writes one document per fetch, and the subgraph that receives it validates it against
*its* schema, not the supergraph's: a type condition on a type it does not have, a field it does
not define, a union member it does not list, or one response key with two different types are
errors there even when they are fine in the supergraph. This module rebuilds, for every subgraph,
the part of its schema the supergraph records, so the planner can ask what a subgraph has and
tests can validate every fetch document the way the subgraph will.

What a subgraph has, read from the join directives (``router.supergraph`` holds them):

* a type: its ``@join__type(graph:)`` entries (a type without any is in every subgraph); an
  interface that a subgraph declares ``@interfaceObject`` is an object type there;
* a field: its ``@join__field(graph:)`` entries, ``@external`` ones included (the subgraph
  declares them); a field without entries is in every subgraph of its type (Federation 1: only
  in the owner, plus the key fields of the others); ``@join__field(type:)`` is its type there;
* interfaces, union members and enum values: ``@join__implements``, ``@join__unionMember`` and
  ``@join__enumValue`` per graph, or every one the subgraph has when the supergraph's join
  version does not record them;
* the federation plumbing: ``_Any``, ``_Entity`` (object types with a resolvable key there),
  ``_entities`` and ``_service``.

The result is a subset of the real subgraph schema (an ``@override``-n field the old subgraph
still declares is not recorded): a document valid here is valid there.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    Undefined,
    ast_from_value,
    build_schema,
    get_named_type,
    is_specified_scalar_type,
    print_ast,
)

from router.supergraph import Supergraph, TypeInfo


@dataclass
class _Subgraph:
    """What one subgraph has, asked of the supergraph's join metadata."""

    supergraph: Supergraph
    schema: GraphQLSchema  # the supergraph's own schema (@inaccessible elements kept)
    graph: str

    def info(self, name: str) -> TypeInfo | None:
        return self.supergraph.types.get(name)

    def has_type(self, name: str) -> bool:
        named = self.schema.get_type(name)
        if named is None:
            return False
        if isinstance(named, GraphQLScalarType):
            return True
        info = self.info(name)
        return info is None or not info.joins or self.graph in info.graphs

    def has_field(self, type_name: str, field_name: str) -> bool:
        info = self.info(type_name)
        if info is None:
            return True
        found = info.fields.get(field_name)
        if found is not None and found.joins:
            return any(join.graph == self.graph for join in found.joins)
        if found is not None and found.graphless:
            return False
        if info.owner is not None and info.owner != self.graph:
            return field_name in self.supergraph.key_fields_in(type_name, self.graph)
        return True

    def field_type(self, type_name: str, field_name: str, declared: GraphQLType) -> str:
        join = self.supergraph.field_join(type_name, field_name, self.graph)
        return join.type if join is not None and join.type else str(declared)

    def interfaces(self, type_: GraphQLObjectType | GraphQLInterfaceType) -> list[str]:
        info = self.info(type_.name)
        if info is not None and any(t.implements for t in self.supergraph.types.values()):
            recorded = info.implements.get(self.graph, set())
            return [i.name for i in type_.interfaces if i.name in recorded]
        return [i.name for i in type_.interfaces if self.has_type(i.name)]

    def union_members(self, union: GraphQLUnionType) -> list[str]:
        info = self.info(union.name)
        if info is not None and info.union_members:
            recorded = info.union_members.get(self.graph, set())
            return [m.name for m in union.types if m.name in recorded]
        return [m.name for m in union.types if self.has_type(m.name)]

    def enum_values(self, enum: GraphQLEnumType) -> list[str]:
        info = self.info(enum.name)
        if info is not None and any(info.enum_values.values()):
            return [v for v in enum.values if self.graph in info.enum_values.get(v, set())]
        return list(enum.values)

    def is_interface_object(self, name: str) -> bool:
        info = self.info(name)
        return info is not None and info.is_interface_object_in(self.graph)

    def entities(self) -> list[str]:
        """Members of ``_Entity``: object types (``@interfaceObject``s included) with a key
        this subgraph resolves."""
        found = []
        for name, named in self.schema.type_map.items():
            info = self.info(name)
            if info is None or not info.keys_in(self.graph):
                continue
            if isinstance(named, GraphQLObjectType) or self.is_interface_object(name):
                found.append(name)
        return found

    # --- writing SDL ----------------------------------------------------------------------

    def sdl(self) -> str:
        entities = self.entities()
        query = self.schema.query_type
        root = query.name if query is not None else "Query"
        plumbing = ["_service: _Service!"]
        if entities:
            plumbing.append("_entities(representations: [_Any!]!): [_Entity]!")
        lines = ["scalar _Any", "type _Service { sdl: String }"]
        if entities:
            lines.append(f"union _Entity = {' | '.join(entities)}")
        if query is None or not self.has_type(root):
            lines += [f"type {root} {{", *(f"  {p}" for p in plumbing), "}"]
        for name, named in self.schema.type_map.items():
            if name.startswith("__") or is_specified_scalar_type(named) \
                    or not self.has_type(name):
                continue
            lines += self.type_lines(named, plumbing if name == root else [])
        return "\n".join(lines) + "\n"

    def type_lines(self, named: GraphQLNamedType, extra: list[str]) -> list[str]:
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            as_object = isinstance(named, GraphQLObjectType) or self.is_interface_object(
                named.name)
            keyword = "type" if as_object else "interface"
            interfaces = self.interfaces(named) if not self.is_interface_object(named.name) \
                else []
            implements = f" implements {' & '.join(interfaces)}" if interfaces else ""
            body = [
                f"{name}{_arguments(definition.args)}: "
                f"{self.field_type(named.name, name, definition.type)}"
                for name, definition in named.fields.items()
                if self.has_field(named.name, name)
                and self.has_type(get_named_type(definition.type).name)
            ] + extra
            return [f"{keyword} {named.name}{implements} {{",
                    *(f"  {line}" for line in body or ["_empty: Boolean"]), "}"]
        if isinstance(named, GraphQLUnionType):
            members = self.union_members(named)
            return [f"union {named.name} = {' | '.join(members)}"] if members else []
        if isinstance(named, GraphQLEnumType):
            values = self.enum_values(named) or ["_EMPTY"]
            return [f"enum {named.name} {{", *(f"  {v}" for v in values), "}"]
        if isinstance(named, GraphQLInputObjectType):
            body = [_input_value(name, value) for name, value in named.fields.items()
                    if self.has_field(named.name, name)]
            return [f"input {named.name} {{",
                    *(f"  {line}" for line in body or ["_empty: Boolean"]), "}"]
        return [f"scalar {named.name}"]


def _input_value(name: str, value: GraphQLArgument | GraphQLInputField) -> str:
    """``name: Type`` with its default value, as SDL writes an argument or input field."""
    literal = value.ast_node.default_value if value.ast_node is not None else None
    if literal is None and value.default_value is not Undefined:
        literal = ast_from_value(value.default_value, value.type)
    return f"{name}: {value.type} = {print_ast(literal)}" if literal else f"{name}: {value.type}"


def _arguments(arguments: dict[str, GraphQLArgument]) -> str:
    if not arguments:
        return ""
    return "(" + ", ".join(_input_value(name, a) for name, a in arguments.items()) + ")"


def subgraph_sdl(supergraph: Supergraph, schema: GraphQLSchema, graph: str) -> str:
    """The SDL of subgraph ``graph`` (a ``join__Graph`` value) as the supergraph records it.

    ``schema`` is the supergraph's own schema with ``@inaccessible`` elements kept (the
    planner's ``QueryPlanner.schema``).
    """
    return _Subgraph(supergraph, schema, graph).sdl()


def subgraph_schema(supergraph: Supergraph, schema: GraphQLSchema, graph: str) -> GraphQLSchema:
    """Subgraph ``graph``'s schema, built from :func:`subgraph_sdl`."""
    return build_schema(subgraph_sdl(supergraph, schema, graph), assume_valid=True,
                        assume_valid_sdl=True)
