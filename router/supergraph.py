"""The supergraph model: which subgraph can resolve what.

A supergraph SDL (``link/v1.0`` + ``join/v0.3``..``v0.5``) is an ordinary GraphQL schema whose
``@join__*`` directives record, per type and per field, the subgraphs behind it. This module reads
those directives once into plain dataclasses so the planner never touches raw directive syntax.

Rules the model encodes (Federation v2 semantics):

* A type's subgraphs are its ``@join__type(graph:)`` entries; ``key`` entries make it an entity.
* A field without ``@join__field`` is resolvable in every subgraph of its parent type.
* A field with ``@join__field`` entries is resolvable in those subgraphs, except where the entry
  says ``external: true`` (the subgraph only references it) or ``usedOverridden: true`` (another
  subgraph took it over with ``@override``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLSyntaxError,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    parse,
    value_from_ast_untyped,
)
from graphql.language import (
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeExtensionNode,
)

JOIN_SPEC = "https://specs.apollo.dev/join/"
SUPPORTED_JOIN_VERSIONS = ("v0.3", "v0.4", "v0.5")


class SupergraphError(ValueError):
    """The SDL is not a supergraph this router understands; the message says why."""


@dataclass(frozen=True)
class Subgraph:
    """One subgraph: its ``join__Graph`` enum value, its human name and where it listens."""

    enum_value: str
    name: str
    url: str


@dataclass(frozen=True)
class TypeJoin:
    """One ``@join__type`` entry."""

    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    is_interface_object: bool = False


@dataclass(frozen=True)
class FieldJoin:
    """One ``@join__field`` entry."""

    graph: str
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False


@dataclass
class FieldInfo:
    name: str
    joins: list[FieldJoin] = field(default_factory=list)


@dataclass
class TypeInfo:
    """A named type of the supergraph with everything the planner asks about it."""

    name: str
    kind: str  # "object", "interface", "union", "enum", "input", "scalar"
    joins: list[TypeJoin] = field(default_factory=list)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    implements: dict[str, set[str]] = field(default_factory=dict)  # graph -> interfaces
    union_members: dict[str, set[str]] = field(default_factory=dict)  # graph -> members
    enum_values: dict[str, set[str]] = field(default_factory=dict)  # value -> graphs

    @property
    def graphs(self) -> set[str]:
        return {join.graph for join in self.joins}

    def keys_in(self, graph: str) -> list[TypeJoin]:
        """Resolvable ``@key`` entries of this type in ``graph`` (ways in via ``_entities``)."""
        return [j for j in self.joins if j.graph == graph and j.key is not None and j.resolvable]


@dataclass
class Supergraph:
    """The parsed supergraph: its document, subgraphs and join metadata per type."""

    document: DocumentNode
    subgraphs: dict[str, Subgraph]  # by join__Graph enum value
    types: dict[str, TypeInfo]
    join_prefix: str = "join"

    def subgraph_by_name(self, name: str) -> Subgraph | None:
        return next((s for s in self.subgraphs.values() if s.name == name), None)

    def field_graphs(self, type_name: str, field_name: str) -> list[str]:
        """Subgraphs that can resolve ``type_name.field_name`` (in supergraph order)."""
        info = self.types.get(type_name)
        if info is None:
            return []
        found = info.fields.get(field_name)
        if found is None or not found.joins:
            return [g for g in self.subgraphs if g in info.graphs]
        return [
            j.graph for j in found.joins if not j.external and not j.used_overridden
        ]

    def field_join(self, type_name: str, field_name: str, graph: str) -> FieldJoin | None:
        info = self.types.get(type_name)
        found = info.fields.get(field_name) if info else None
        if found is None:
            return None
        return next((j for j in found.joins if j.graph == graph), None)

    def type_in_graph(self, type_name: str, graph: str) -> bool:
        info = self.types.get(type_name)
        return info is not None and graph in info.graphs


def _args(directive: DirectiveNode) -> dict[str, object]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}


def _directives_named(node: object, name: str) -> list[dict[str, object]]:
    directives: tuple[DirectiveNode, ...] = getattr(node, "directives", None) or ()
    return [_args(d) for d in directives if d.name.value == name]


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _join_prefix(document: DocumentNode) -> str:
    """The name the supergraph uses for the join spec (``join`` unless renamed with ``as:``)."""
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for link in _directives_named(definition, "link"):
            url = link.get("url")
            if isinstance(url, str) and url.startswith(JOIN_SPEC):
                version = url[len(JOIN_SPEC):].rstrip("/")
                if version not in SUPPORTED_JOIN_VERSIONS:
                    raise SupergraphError(
                        f"join spec {version} is not supported "
                        f"(supported: {', '.join(SUPPORTED_JOIN_VERSIONS)})"
                    )
                alias = link.get("as")
                return alias if isinstance(alias, str) else "join"
    raise SupergraphError(
        "not a supergraph: no @link to the join spec (https://specs.apollo.dev/join/v0.x)"
    )


_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
}


def _kind_of(node: TypeDefinitionNode | TypeExtensionNode) -> str:
    for node_type, kind in _KINDS.items():
        if isinstance(node, node_type):
            return kind
    return "input" if "InputObject" in type(node).__name__ else "scalar"


def load_supergraph(sdl: str) -> Supergraph:
    """Parse a supergraph SDL; :class:`SupergraphError` says why when it is not one."""
    try:
        document = parse(sdl)
    except GraphQLSyntaxError as exc:
        raise SupergraphError(f"supergraph SDL does not parse: {exc.message}") from None
    prefix = _join_prefix(document)
    graph_enum = f"{prefix}__Graph"

    subgraphs: dict[str, Subgraph] = {}
    types: dict[str, TypeInfo] = {}
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            continue
        name = definition.name.value
        if name == graph_enum and isinstance(definition, EnumTypeDefinitionNode):
            for value in definition.values or ():
                for graph in _directives_named(value, f"{prefix}__graph"):
                    subgraphs[value.name.value] = Subgraph(
                        enum_value=value.name.value,
                        name=str(graph.get("name", value.name.value.lower())),
                        url=str(graph.get("url", "")),
                    )
            continue
        if name.startswith((f"{prefix}__", "link__")):
            continue
        info = types.setdefault(name, TypeInfo(name=name, kind=_kind_of(definition)))
        _read_type(definition, info, prefix)

    if not subgraphs:
        raise SupergraphError(f"supergraph declares no subgraphs (enum {graph_enum} is empty)")
    for info in types.values():
        for join in info.joins:
            if join.graph not in subgraphs:
                raise SupergraphError(f"type {info.name} names unknown subgraph {join.graph}")
    return Supergraph(document=document, subgraphs=subgraphs, types=types, join_prefix=prefix)


def _read_type(
    definition: TypeDefinitionNode | TypeExtensionNode, info: TypeInfo, prefix: str
) -> None:
    for entry in _directives_named(definition, f"{prefix}__type"):
        info.joins.append(TypeJoin(
            graph=str(entry["graph"]),
            key=_optional_str(entry.get("key")),
            extension=entry.get("extension") is True,
            resolvable=entry.get("resolvable") is not False,
            is_interface_object=entry.get("isInterfaceObject") is True,
        ))
    for entry in _directives_named(definition, f"{prefix}__implements"):
        info.implements.setdefault(str(entry["graph"]), set()).add(str(entry["interface"]))
    for entry in _directives_named(definition, f"{prefix}__unionMember"):
        info.union_members.setdefault(str(entry["graph"]), set()).add(str(entry["member"]))
    for value in getattr(definition, "values", None) or ():
        graphs = {str(e["graph"]) for e in _directives_named(value, f"{prefix}__enumValue")}
        info.enum_values.setdefault(value.name.value, set()).update(graphs)
    for field_node in getattr(definition, "fields", None) or ():
        field_info = info.fields.setdefault(field_node.name.value, FieldInfo(field_node.name.value))
        for entry in _directives_named(field_node, f"{prefix}__field"):
            graph = entry.get("graph")
            if not isinstance(graph, str):
                continue  # a field no subgraph resolves directly (e.g. on @interfaceObject)
            field_info.joins.append(FieldJoin(
                graph=graph,
                requires=_optional_str(entry.get("requires")),
                provides=_optional_str(entry.get("provides")),
                type=_optional_str(entry.get("type")),
                external=entry.get("external") is True,
                override=_optional_str(entry.get("override")),
                override_label=_optional_str(entry.get("overrideLabel")),
                used_overridden=entry.get("usedOverridden") is True,
            ))
