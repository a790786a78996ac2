"""Checks that need the merged supergraph.

``INTERFACE_FIELD_NO_IMPLEM``: interfaces merge to the union of their fields, so a field one
subgraph adds to an interface must exist on every implementation, wherever that is defined.

``MISSING_TRANSITIVE_AUTH_REQUIREMENTS``: a field with ``@requires`` receives the required
fields' data from another subgraph. If those fields (or their types) are protected by
``@authenticated``/``@requiresScopes``/``@policy``, the requiring field must demand at least the
same, or it would leak protected data through its own result.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import IssueCollector, quote_list
from .fieldset import FieldSelection, FieldSetSyntaxError, Selection, parse_field_set
from .markers import combine_requirements
from .model import Kind, Markers, SubgraphSchema
from .supergraph import MergedType, Supergraph


def validate_supergraph(
    supergraph: Supergraph, subgraphs: list[SubgraphSchema], issues: IssueCollector
) -> None:
    _check_interface_implementations(supergraph, subgraphs, issues)
    _check_auth_behind_requires(supergraph, subgraphs, issues)


def _check_interface_implementations(
    supergraph: Supergraph, subgraphs: list[SubgraphSchema], issues: IssueCollector
) -> None:
    for implementation in supergraph.types.values():
        for interface_name in implementation.interfaces:
            interface = supergraph.types.get(interface_name)
            if interface is None:
                continue
            for field_name in interface.fields:
                if field_name in implementation.fields:
                    continue
                declared_in = [
                    s.name
                    for s in subgraphs
                    if field_name in getattr(s.types.get(interface_name), "fields", {})
                ]
                implemented_in = [
                    graph for graph, name in implementation.implements if name == interface_name
                ]
                issues.add(
                    "INTERFACE_FIELD_NO_IMPLEM",
                    f'Interface field "{interface_name}.{field_name}" is declared in '
                    f'{_subgraphs(declared_in)} but type "{implementation.name}", which '
                    f'implements "{interface_name}" in {_subgraphs(implemented_in)} does not '
                    f'have field "{field_name}".',
                    subgraphs=declared_in + implemented_in,
                    coordinates=[f"{interface_name}.{field_name}", implementation.name],
                )


def _subgraphs(graphs: list[str]) -> str:
    return ("subgraph " if len(graphs) == 1 else "subgraphs ") + quote_list(graphs)


def _check_auth_behind_requires(
    supergraph: Supergraph, subgraphs: list[SubgraphSchema], issues: IssueCollector
) -> None:
    for subgraph in sorted(subgraphs, key=lambda s: s.name):
        for type_def in subgraph.types.values():
            merged_type = supergraph.types.get(type_def.name)
            if merged_type is None or type_def.kind is not Kind.OBJECT:
                continue
            for field_def in type_def.fields.values():
                merged_field = merged_type.fields.get(field_def.name)
                if field_def.requires is None or merged_field is None:
                    continue
                try:
                    selections = parse_field_set(field_def.requires)
                except FieldSetSyntaxError:
                    continue  # already reported by the subgraph checks
                access = _Access.granted_by(merged_type.markers, merged_field.markers)
                lacking = _first_lacking(supergraph, merged_type, selections, access)
                if lacking is None:
                    continue
                coordinate = f"{type_def.name}.{field_def.name}"
                what = f'field "{lacking}"' if "." in lacking else f'type "{lacking}"'
                issues.add(
                    "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
                    f'[{subgraph.name}] Field "{coordinate}" does not specify necessary '
                    "@authenticated, @requiresScopes and/or @policy auth requirements to access "
                    f"the transitive {what} data from @requires selection set.",
                    subgraphs=[subgraph.name],
                    coordinates=[coordinate, lacking],
                )


@dataclass(frozen=True)
class _Access:
    """What a caller of the requiring field is guaranteed to have."""

    authenticated: bool
    scopes: list[list[str]]
    policies: list[list[str]]

    @staticmethod
    def granted_by(type_markers: Markers, field_markers: Markers) -> _Access:
        return _Access(
            authenticated=type_markers.authenticated or field_markers.authenticated,
            scopes=combine_requirements(type_markers.scopes, field_markers.scopes),
            policies=combine_requirements(type_markers.policies, field_markers.policies),
        )

    def covers(self, required: Markers) -> bool:
        if required.authenticated and not self.authenticated:
            return False
        return _groups_covered(required.scopes, self.scopes) and _groups_covered(
            required.policies, self.policies
        )


def _groups_covered(required: list[list[str]], granted: list[list[str]]) -> bool:
    return all(any(set(needed) <= set(group) for group in granted) for needed in required)


def _first_lacking(
    supergraph: Supergraph,
    current: MergedType,
    selections: tuple[Selection, ...],
    access: _Access,
) -> str | None:
    """The first type or field coordinate the selection reaches that ``access`` does not cover."""
    if current.kind is not Kind.UNION and not access.covers(current.markers):
        return current.name
    for selection in selections:
        if not isinstance(selection, FieldSelection):
            target = supergraph.types.get(selection.type_condition or current.name)
            if target is None:
                continue
            found = _first_lacking(supergraph, target, selection.selections, access)
        else:
            found = _lacking_in_field(supergraph, current, selection, access)
        if found is not None:
            return found
    return None


def _lacking_in_field(
    supergraph: Supergraph, current: MergedType, selection: FieldSelection, access: _Access
) -> str | None:
    merged_field = current.fields.get(selection.name)
    if merged_field is None:
        return None  # __typename, or a field the subgraph checks already reported
    coordinate = f"{current.name}.{selection.name}"
    if not access.covers(merged_field.markers):
        return coordinate
    output = supergraph.types.get(merged_field.type.named)
    if output is None:
        return None  # a built-in scalar
    if output.kind is not Kind.UNION and not access.covers(output.markers):
        return coordinate
    if selection.selections:
        return _first_lacking(supergraph, output, selection.selections, access)
    return None
