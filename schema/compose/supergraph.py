"""The merged model: every type of the supergraph with the join metadata the router needs.

``merge.py`` builds it from the subgraph models, ``printer.py`` turns it into SDL. Graphs are
referred to by subgraph name here; the printer maps names to ``join__Graph`` enum values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Kind, Markers, SubgraphSchema, TypeRef


@dataclass(frozen=True)
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    is_interface_object: bool = False


@dataclass(frozen=True)
class JoinField:
    """One ``@join__field``; ``graph=None`` prints the bare directive (field from an interface
    object, resolved through the interface's own subgraphs)."""

    graph: str | None = None
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None


@dataclass
class MergedArgument:
    name: str
    type: TypeRef
    default: str | None = None
    description: str | None = None
    markers: Markers = field(default_factory=Markers)


@dataclass
class MergedField:
    name: str
    type: TypeRef
    description: str | None = None
    arguments: dict[str, MergedArgument] = field(default_factory=dict)
    default: str | None = None
    markers: Markers = field(default_factory=Markers)
    joins: list[JoinField] = field(default_factory=list)


@dataclass
class MergedEnumValue:
    name: str
    description: str | None = None
    markers: Markers = field(default_factory=Markers)
    graphs: list[str] = field(default_factory=list)


@dataclass
class MergedType:
    name: str
    kind: Kind
    description: str | None = None
    markers: Markers = field(default_factory=Markers)
    specified_by: str | None = None
    one_of: bool = False
    join_types: list[JoinType] = field(default_factory=list)
    fields: dict[str, MergedField] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    implements: list[tuple[str, str]] = field(default_factory=list)  # (graph, interface)
    members: list[str] = field(default_factory=list)
    union_members: list[tuple[str, str]] = field(default_factory=list)  # (graph, member)
    values: dict[str, MergedEnumValue] = field(default_factory=dict)


@dataclass
class Supergraph:
    subgraphs: list[SubgraphSchema]  # sorted by name
    types: dict[str, MergedType]
    root_types: dict[str, str]  # operation -> type name, only for roots that exist

    def uses_one_of(self) -> bool:
        return any(merged.one_of for merged in self.types.values())

    def uses_tag(self) -> bool:
        return any(markers.tags for markers in self._all_markers())

    def uses_inaccessible(self) -> bool:
        return any(markers.inaccessible for markers in self._all_markers())

    def uses_authenticated(self) -> bool:
        return any(markers.authenticated for markers in self._all_markers())

    def uses_requires_scopes(self) -> bool:
        return any(markers.scopes for markers in self._all_markers())

    def uses_policy(self) -> bool:
        return any(markers.policies for markers in self._all_markers())

    def _all_markers(self) -> list[Markers]:
        found: list[Markers] = []
        for merged in self.types.values():
            found.append(merged.markers)
            for merged_field in merged.fields.values():
                found.append(merged_field.markers)
                found.extend(argument.markers for argument in merged_field.arguments.values())
            found.extend(value.markers for value in merged.values.values())
        return found
