"""The supergraph model: which subgraph can resolve what.

A supergraph SDL (``link/v1.0`` + ``join/v0.2``..``v0.5``, or a Federation 1 supergraph with
``core/v0.x`` + ``join/v0.1``) is an ordinary GraphQL schema whose ``@join__*`` directives record,
per type and per field, the subgraphs behind it. This module reads those directives once into
plain dataclasses so the planner never touches raw directive syntax.

Rules the model encodes (Federation v2 semantics, with the Federation 1 reading where it differs):

* A type's subgraphs are its ``@join__type(graph:)`` entries; ``key`` entries make it an entity.
  A type without any entry (Federation 1 value types) exists in every subgraph.
* A field without ``@join__field`` is resolvable in every subgraph of its parent type, or only in
  the ``@join__owner`` graph when the type has one (Federation 1 entities).
* A field with ``@join__field`` entries is resolvable in those subgraphs, except where the entry
  says ``external: true`` (the subgraph only references it) or ``usedOverridden: true`` (another
  subgraph took it over with ``@override``).
* A progressive ``@override`` (``overrideLabel``) is read as fully migrated unless the router is
  told the label is off (``override_labels``); then the original subgraph keeps the field.
* Key fields can always be supplied by a subgraph declaring that key, even where the fields are
  external there (Federation 1 ``extend type`` entities).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldNode,
    GraphQLSyntaxError,
    ObjectTypeDefinitionNode,
    OperationDefinitionNode,
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
SUPPORTED_JOIN_VERSIONS = ("v0.1", "v0.2", "v0.3", "v0.4", "v0.5")


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
    # A ``@join__field`` without ``graph``: no subgraph resolves the field on this type directly
    # (it comes from an ``@interfaceObject`` of one of the type's interfaces).
    graphless: bool = False


@dataclass
class TypeInfo:
    """A named type of the supergraph with everything the planner asks about it."""

    name: str
    kind: str  # "object", "interface", "union", "enum", "input", "scalar"
    joins: list[TypeJoin] = field(default_factory=list)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    owner: str | None = None  # Federation 1: the graph that owns fields without @join__field
    implements: dict[str, set[str]] = field(default_factory=dict)  # graph -> interfaces
    union_members: dict[str, set[str]] = field(default_factory=dict)  # graph -> members
    enum_values: dict[str, set[str]] = field(default_factory=dict)  # value -> graphs

    @property
    def graphs(self) -> set[str]:
        return {join.graph for join in self.joins}

    def keys_in(self, graph: str) -> list[TypeJoin]:
        """Resolvable ``@key`` entries of this type in ``graph`` (ways in via ``_entities``)."""
        return [j for j in self.joins if j.graph == graph and j.key is not None and j.resolvable]

    def declared_keys(self, graph: str) -> set[str]:
        """Every ``@key`` of this type in ``graph``, resolvable or not."""
        return {j.key for j in self.joins if j.graph == graph and j.key is not None}

    def is_interface_object_in(self, graph: str) -> bool:
        """Whether ``graph`` sees this interface as an ``@interfaceObject`` (an object type)."""
        return any(j.graph == graph and j.is_interface_object for j in self.joins)


@dataclass
class Supergraph:
    """The parsed supergraph: its document, subgraphs and join metadata per type."""

    document: DocumentNode
    subgraphs: dict[str, Subgraph]  # by join__Graph enum value
    types: dict[str, TypeInfo]
    join_prefix: str = "join"
    join_version: str = "v0.3"
    # Progressive @override labels: label -> whether the router treats the field as migrated.
    # Labels absent here: ``percent(0)`` is never migrated, others follow the default.
    override_labels: dict[str, bool] = field(default_factory=dict)
    override_label_default: bool = True

    def subgraph_by_name(self, name: str) -> Subgraph | None:
        return next((s for s in self.subgraphs.values() if s.name == name), None)

    def type_graphs(self, type_name: str) -> list[str]:
        """Subgraphs that define ``type_name`` (in supergraph order)."""
        info = self.types.get(type_name)
        if info is None:
            return []
        if not info.joins:
            return list(self.subgraphs)
        return [g for g in self.subgraphs if g in info.graphs]

    def label_migrated(self, label: str) -> bool:
        if label in self.override_labels:
            return self.override_labels[label]
        if label.replace(" ", "") in ("percent(0)", "percent(0.0)"):
            return False
        return self.override_label_default

    def field_graphs(self, type_name: str, field_name: str) -> list[str]:
        """Subgraphs that can resolve ``type_name.field_name`` (in supergraph order)."""
        info = self.types.get(type_name)
        if info is None:
            return []
        found = info.fields.get(field_name)
        if found is not None and found.graphless and not found.joins:
            return []
        if found is None or not found.joins:
            if info.owner is not None and found is not None:
                return [info.owner]
            return self.type_graphs(type_name)
        graphs: list[str] = []
        for join in found.joins:
            if join.external:
                continue
            if join.override_label is not None:
                migrated = self.label_migrated(join.override_label)
                if migrated != (join.override is not None):
                    continue  # the side of a progressive override that is not in use
            elif join.used_overridden:
                continue
            graphs.append(join.graph)
        return graphs

    def key_fields_in(self, type_name: str, graph: str) -> set[str]:
        """Top-level field names of the keys ``graph`` declares for ``type_name``."""
        info = self.types.get(type_name)
        if info is None:
            return set()
        names: set[str] = set()
        for key in info.declared_keys(graph):
            names.update(top_level_fields(key))
        return names

    def can_supply(self, type_name: str, field_name: str, graph: str) -> bool:
        """Whether ``graph`` can put ``field_name`` into an object of ``type_name`` it returns."""
        return graph in self.field_graphs(type_name, field_name) or (
            field_name in self.key_fields_in(type_name, graph)
        )

    def field_join(self, type_name: str, field_name: str, graph: str) -> FieldJoin | None:
        info = self.types.get(type_name)
        found = info.fields.get(field_name) if info else None
        if found is None:
            return None
        return next((j for j in found.joins if j.graph == graph), None)

    def type_in_graph(self, type_name: str, graph: str) -> bool:
        return graph in self.type_graphs(type_name)


def top_level_fields(field_set: str) -> list[str]:
    """The outermost field names of a ``FieldSet`` string (``"id org { id }"`` -> id, org)."""
    try:
        operation = parse("{" + field_set + "}").definitions[0]
    except GraphQLSyntaxError:
        raise SupergraphError(f"field set does not parse: {field_set!r}") from None
    assert isinstance(operation, OperationDefinitionNode)
    return [s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)]


def _args(directive: DirectiveNode) -> dict[str, object]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}


def _directives_named(node: object, name: str) -> list[dict[str, object]]:
    directives: tuple[DirectiveNode, ...] = getattr(node, "directives", None) or ()
    return [_args(d) for d in directives if d.name.value == name]


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _join_prefix(document: DocumentNode) -> tuple[str, str]:
    """The name the supergraph uses for the join spec (``join`` unless renamed with ``as:``)
    and the spec version. Federation 2 supergraphs ``@link`` it; Federation 1 ones ``@core`` it.
    """
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        links = [(link, link.get("url")) for link in _directives_named(definition, "link")]
        links += [(core, core.get("feature")) for core in _directives_named(definition, "core")]
        for link, url in links:
            if isinstance(url, str) and url.startswith(JOIN_SPEC):
                version = url[len(JOIN_SPEC):].rstrip("/")
                if version not in SUPPORTED_JOIN_VERSIONS:
                    raise SupergraphError(
                        f"join spec {version} is not supported "
                        f"(supported: {', '.join(SUPPORTED_JOIN_VERSIONS)})"
                    )
                alias = link.get("as")
                return (alias if isinstance(alias, str) else "join"), version
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


def load_supergraph(
    sdl: str,
    *,
    override_labels: Mapping[str, bool] | None = None,
    override_label_default: bool = True,
) -> Supergraph:
    """Parse a supergraph SDL; :class:`SupergraphError` says why when it is not one.

    ``override_labels`` maps progressive ``@override`` labels to whether the router treats the
    field as migrated; labels not listed are migrated when ``override_label_default`` is true
    (``percent(0)`` never is). Apollo Gateway behaves as if the default were false.
    """
    try:
        document = parse(sdl)
    except GraphQLSyntaxError as exc:
        raise SupergraphError(f"supergraph SDL does not parse: {exc.message}") from None
    prefix, version = _join_prefix(document)
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
        if name.startswith((f"{prefix}__", "link__", "core__")):
            continue
        info = types.setdefault(name, TypeInfo(name=name, kind=_kind_of(definition)))
        _read_type(definition, info, prefix)

    if not subgraphs:
        raise SupergraphError(f"supergraph declares no subgraphs (enum {graph_enum} is empty)")
    for info in types.values():
        for join in info.joins:
            if join.graph not in subgraphs:
                raise SupergraphError(f"type {info.name} names unknown subgraph {join.graph}")
        if info.owner is not None and info.owner not in subgraphs:
            raise SupergraphError(f"type {info.name} names unknown owner subgraph {info.owner}")
        for field_info in info.fields.values():
            for field_join in field_info.joins:
                if field_join.graph not in subgraphs:
                    raise SupergraphError(
                        f"field {info.name}.{field_info.name} names unknown subgraph "
                        f"{field_join.graph}"
                    )
    return Supergraph(
        document=document, subgraphs=subgraphs, types=types, join_prefix=prefix,
        join_version=version, override_labels=dict(override_labels or {}),
        override_label_default=override_label_default,
    )


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
    for entry in _directives_named(definition, f"{prefix}__owner"):
        info.owner = str(entry["graph"])
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
                field_info.graphless = True  # no subgraph resolves it here (@interfaceObject)
                continue
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
