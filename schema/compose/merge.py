"""Merge validated subgraph models into one supergraph model.

One function per kind of type. Each records the join metadata (which subgraph resolves what) and
reports the cross-subgraph conflicts it finds: kind mismatches, incompatible field types, fields
resolved by several subgraphs without ``@shareable``, enum and input type merge violations.
Subgraphs are always visited in name order, which makes the result deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .errors import IssueCollector, quote_list
from .fieldset import common_key_leaves, compact_field_set, key_field_names
from .join_fields import join_fields_for
from .markers import combine_markers
from .model import (
    ROOT_OPERATIONS,
    ROOT_TYPE_NAMES,
    FieldDef,
    KeyDef,
    Kind,
    SubgraphSchema,
    TypeDef,
    TypeRef,
)
from .supergraph import (
    JoinField,
    JoinType,
    MergedArgument,
    MergedEnumValue,
    MergedField,
    MergedType,
    Supergraph,
)
from .type_rules import SubtypeCheck, compatible, merge_input, merge_output


def merge_subgraphs(subgraphs: list[SubgraphSchema], issues: IssueCollector) -> Supergraph:
    return _Merger(sorted(subgraphs, key=lambda s: s.name), issues).merge()


@dataclass
class _Definition:
    """One subgraph's definition of a type, paired with the subgraph."""

    subgraph: SubgraphSchema
    type: TypeDef

    @property
    def graph(self) -> str:
        return self.subgraph.name


def _first(values: list[str | None]) -> str | None:
    return next((value for value in values if value), None)


def _type_groups(pairs: list[tuple[str, TypeRef]]) -> str:
    """``"Int" in subgraph "a" but type "String" in subgraphs "b" and "c"``."""
    by_type: dict[str, list[str]] = {}
    for graph, ref in pairs:
        by_type.setdefault(str(ref), []).append(graph)
    parts = []
    for type_text, graphs in by_type.items():
        label = "subgraph" if len(graphs) == 1 else "subgraphs"
        parts.append(f'"{type_text}" in {label} {quote_list(graphs)}')
    return " but type ".join(parts)


class _Merger:
    def __init__(self, subgraphs: list[SubgraphSchema], issues: IssueCollector) -> None:
        self.subgraphs = subgraphs
        self.graph_names = [subgraph.name for subgraph in subgraphs]
        self.issues = issues
        self.root_names = {ROOT_TYPE_NAMES[operation] for operation in ROOT_OPERATIONS}

    def merge(self) -> Supergraph:
        definitions: dict[str, list[_Definition]] = {}
        for subgraph in self.subgraphs:
            for type_def in subgraph.types.values():
                definitions.setdefault(type_def.name, []).append(_Definition(subgraph, type_def))
        merged: dict[str, MergedType] = {}
        for name, group in definitions.items():
            kind = self._agreed_kind(name, group)
            if kind is None:
                continue
            merger: Callable[[str, list[_Definition]], MergedType | None] = {
                Kind.OBJECT: self._merge_composite,
                Kind.INTERFACE: self._merge_composite,
                Kind.UNION: self._merge_union,
                Kind.ENUM: self._merge_enum,
                Kind.INPUT_OBJECT: self._merge_input,
                Kind.SCALAR: self._merge_scalar,
            }[kind]
            result = merger(name, group)
            if result is not None:
                merged[name] = result
        self._add_interface_object_fields(merged, definitions)
        query = merged.get("Query")
        if query is None or not query.fields:
            self.issues.add(
                "NO_QUERIES",
                "No queries found in any subgraph: a supergraph must have a query "
                "root type with at least one field",
                coordinates=["Query"],
            )
        roots = {
            operation: ROOT_TYPE_NAMES[operation]
            for operation in ROOT_OPERATIONS
            if ROOT_TYPE_NAMES[operation] in merged
        }
        return Supergraph(subgraphs=self.subgraphs, types=merged, root_types=roots)

    def _agreed_kind(self, name: str, group: list[_Definition]) -> Kind | None:
        kinds: dict[Kind, list[str]] = {}
        for definition in group:
            kinds.setdefault(definition.type.merge_kind, []).append(definition.graph)
        if len(kinds) == 1:
            kind = next(iter(kinds))
            if kind is Kind.INTERFACE and all(d.type.interface_object for d in group):
                graphs = [d.graph for d in group]
                self.issues.add(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'Type "{name}" is declared with @interfaceObject in '
                    f"{_subgraphs(graphs)} but is not defined as an interface in any subgraph",
                    subgraphs=graphs,
                    coordinates=[name],
                )
                return None
            return kind
        described = [
            f"{kind.value} in {'subgraph' if len(graphs) == 1 else 'subgraphs'} "
            f"{quote_list(graphs)}"
            for kind, graphs in kinds.items()
        ]
        self.issues.add(
            "TYPE_KIND_MISMATCH",
            f'Type "{name}" has mismatched kind: it is defined as ' + " but ".join(described),
            subgraphs=[definition.graph for definition in group],
            coordinates=[name],
        )
        return None

    def _base(self, name: str, kind: Kind, group: list[_Definition]) -> MergedType:
        return MergedType(
            name=name,
            kind=kind,
            description=_first([d.type.description for d in group]),
            markers=combine_markers([d.type.markers for d in group]),
            specified_by=_first([d.type.specified_by for d in group]),
        )

    # -- objects and interfaces --------------------------------------------------------------

    def _merge_composite(self, name: str, group: list[_Definition]) -> MergedType:
        kind = group[0].type.merge_kind
        merged = self._base(name, kind, group)
        if name == "Query":
            # Every subgraph serves Query (at least ``_service``), so each one joins it.
            present = {definition.graph for definition in group}
            group = group + [
                _Definition(subgraph, TypeDef(name=name, kind=Kind.OBJECT))
                for subgraph in self.subgraphs
                if subgraph.name not in present
            ]
            group.sort(key=lambda definition: definition.graph)
        for definition in group:
            type_def = definition.type
            keys: list[KeyDef | None] = list(type_def.keys) or [None]
            for key in keys:
                merged.join_types.append(
                    JoinType(
                        graph=definition.graph,
                        key=key.fields if key else None,
                        extension=type_def.extension,
                        resolvable=key.resolvable if key else True,
                        is_interface_object=type_def.interface_object,
                    )
                )
            for interface in type_def.interfaces:
                merged.implements.append((definition.graph, interface))
                if interface not in merged.interfaces:
                    merged.interfaces.append(interface)
        field_names: list[str] = []
        for definition in group:
            field_names.extend(f for f in definition.type.fields if f not in field_names)
        for field_name in field_names:
            owners = [d for d in group if field_name in d.type.fields]
            merged_field = self._merge_output_field(merged, owners, field_name, len(group))
            if merged_field is not None:
                merged.fields[field_name] = merged_field
        return merged

    def _merge_output_field(
        self, merged: MergedType, owners: list[_Definition], field_name: str, type_graphs: int
    ) -> MergedField | None:
        coordinate = f"{merged.name}.{field_name}"
        defs = [(owner, owner.type.fields[field_name]) for owner in owners]
        field_type = self._merged_field_type(coordinate, defs, self._is_subtype)
        if field_type is None:
            return None
        if all(field_def.external for _, field_def in defs):
            graphs = [owner.graph for owner in owners]
            label = "subgraph" if len(graphs) == 1 else "subgraphs"
            self.issues.add(
                "EXTERNAL_MISSING_ON_BASE",
                f'Field "{coordinate}" is marked @external on all the subgraphs in which it is '
                f"listed ({label} {quote_list(graphs)}).",
                subgraphs=graphs,
                coordinates=[coordinate],
            )
            return None
        defs = [(owner, self._compact_field_sets(owner, field_def)) for owner, field_def in defs]
        overridden = self._overridden_graphs(coordinate, defs)
        self._check_sharing(merged, coordinate, defs, overridden)
        result = MergedField(
            name=field_name,
            type=field_type,
            description=_first([field_def.description for _, field_def in defs]),
            markers=combine_markers([field_def.markers for _, field_def in defs]),
            arguments=self._merge_arguments(coordinate, defs),
        )
        is_root = merged.name in self.root_names
        expected = len(self.subgraphs) if is_root else type_graphs
        result.joins = join_fields_for(
            [(owner.graph, owner.type, field_def) for owner, field_def in defs],
            field_type,
            overridden,
            is_root=is_root,
            defined_everywhere=len(defs) == expected,
            join_type_count=len(merged.join_types),
        )
        return result

    def _compact_field_sets(self, owner: _Definition, field_def: FieldDef) -> FieldDef:
        """``requires``/``provides`` as the supergraph prints them (see ``compact_field_set``)."""
        requires = field_def.requires
        if requires is not None:
            requires = compact_field_set(requires, common_key_leaves(owner.type))
        provides = field_def.provides
        target = owner.subgraph.types.get(field_def.type.named)
        if provides is not None and target is not None and target.kind is not Kind.UNION:
            drop = common_key_leaves(target) if target.extension else set()
            provides = compact_field_set(provides, drop)
        return replace(field_def, requires=requires, provides=provides)

    def _merged_field_type(
        self,
        coordinate: str,
        defs: list[tuple[_Definition, FieldDef]],
        is_subtype: SubtypeCheck | None = None,
    ) -> TypeRef | None:
        """The supergraph type of an output field (``is_subtype`` given) or an input field."""
        merged_type = defs[0][1].type
        for _, field_def in defs[1:]:
            if is_subtype is None:
                ok = compatible(merged_type, field_def.type)
            else:
                ok = compatible(merged_type, field_def.type, is_subtype)
            if not ok:
                pairs = [(owner.graph, field_def.type) for owner, field_def in defs]
                self.issues.add(
                    "FIELD_TYPE_MISMATCH",
                    f'Type of field "{coordinate}" is incompatible across subgraphs: it has type '
                    + _type_groups(pairs),
                    subgraphs=[owner.graph for owner, _ in defs],
                    coordinates=[coordinate],
                )
                return None
            if is_subtype is None:
                merged_type = merge_input(merged_type, field_def.type)
            else:
                merged_type = merge_output(merged_type, field_def.type, is_subtype)
        return merged_type

    def _is_subtype(self, sub: str, sup: str) -> bool:
        """Whether some subgraph declares ``sub`` as implementing ``sup`` or a member of it."""
        for subgraph in self.subgraphs:
            sub_def = subgraph.types.get(sub)
            sup_def = subgraph.types.get(sup)
            if sub_def is not None and sup in sub_def.interfaces:
                return True
            if sup_def is not None and sub in sup_def.members:
                return True
        return False

    def _overridden_graphs(
        self, coordinate: str, defs: list[tuple[_Definition, FieldDef]]
    ) -> dict[str, str | None]:
        """Subgraphs whose copy of the field is taken over by another, with the override label."""
        by_graph = {owner.graph: field_def for owner, field_def in defs}
        overridden: dict[str, str | None] = {}
        for owner, field_def in defs:
            source = field_def.override
            if source is None or source == owner.graph or source not in by_graph:
                continue
            if by_graph[source].override is not None:
                self.issues.add(
                    "OVERRIDE_SOURCE_HAS_OVERRIDE",
                    f'Field "{coordinate}" on subgraph "{owner.graph}" is also marked with '
                    f'directive @override in subgraph "{source}". Only one @override directive '
                    "is allowed per field.",
                    subgraphs=[owner.graph, source],
                    coordinates=[coordinate],
                )
                continue
            overridden[source] = field_def.override_label
        return overridden

    def _check_sharing(
        self,
        merged: MergedType,
        coordinate: str,
        defs: list[tuple[_Definition, FieldDef]],
        overridden: dict[str, str | None],
    ) -> None:
        resolving = [
            (owner, field_def)
            for owner, field_def in defs
            if not field_def.external
            and not owner.type.interface_object
            and owner.graph not in overridden
        ]
        if merged.kind is not Kind.OBJECT or len(resolving) < 2:
            return
        non_shareable = [
            owner.graph
            for owner, field_def in resolving
            if not (
                field_def.shareable
                or owner.type.shareable
                or field_def.name in key_field_names(owner.type)
                or field_def.override is not None
            )
        ]
        if not non_shareable:
            return
        graphs = [owner.graph for owner, _ in resolving]
        if len(non_shareable) == len(graphs):
            where = "all of them"
        else:
            label = "subgraph" if len(non_shareable) == 1 else "subgraphs"
            where = f"{label} {quote_list(non_shareable)}"
        self.issues.add(
            "INVALID_FIELD_SHARING",
            f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is '
            f"resolved from subgraphs {quote_list(graphs)} and defined as non-shareable in "
            f"{where}",
            subgraphs=graphs,
            coordinates=[coordinate],
        )

    def _merge_arguments(
        self, coordinate: str, defs: list[tuple[_Definition, FieldDef]]
    ) -> dict[str, MergedArgument]:
        names: list[str] = []
        for _, field_def in defs:
            names.extend(a for a in field_def.arguments if a not in names)
        merged: dict[str, MergedArgument] = {}
        for name in names:
            arg_coordinate = f"{coordinate}({name}:)"
            present = [(o, f.arguments[name]) for o, f in defs if name in f.arguments]
            if len(present) < len(defs):
                required_in = [o.graph for o, a in present if a.type.non_null and a.default is None]
                missing_in = [o.graph for o, f in defs if name not in f.arguments]
                if required_in:
                    self.issues.add(
                        "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                        f'Argument "{arg_coordinate}" is required in some subgraphs but does '
                        f"not appear in all subgraphs: it is required in "
                        f"{_subgraphs(required_in)} but does not appear in "
                        f"{_subgraphs(missing_in)}",
                        subgraphs=required_in + missing_in,
                        coordinates=[arg_coordinate],
                    )
                continue  # an argument some subgraph lacks is left out of the supergraph
            arg_type = present[0][1].type
            for _, argument in present[1:]:
                if not compatible(arg_type, argument.type):
                    pairs = [(o.graph, a.type) for o, a in present]
                    self.issues.add(
                        "FIELD_ARGUMENT_TYPE_MISMATCH",
                        f'Type of argument "{arg_coordinate}" is incompatible across subgraphs: '
                        f"it has type {_type_groups(pairs)}",
                        subgraphs=[o.graph for o, _ in present],
                        coordinates=[arg_coordinate],
                    )
                    break
                arg_type = merge_input(arg_type, argument.type)
            else:
                merged[name] = MergedArgument(
                    name=name,
                    type=arg_type,
                    default=_first([a.default for _, a in present]),
                    description=_first([a.description for _, a in present]),
                    markers=combine_markers([a.markers for _, a in present]),
                )
        return merged

    def _add_interface_object_fields(
        self, merged: dict[str, MergedType], definitions: dict[str, list[_Definition]]
    ) -> None:
        """Fields an @interfaceObject adds to an interface appear on every implementation too;
        the router resolves them through the interface object's subgraph."""
        for interface in merged.values():
            if interface.kind is not Kind.INTERFACE:
                continue
            contributed: list[str] = []
            for definition in definitions.get(interface.name, []):
                if definition.type.interface_object:
                    contributed.extend(f for f in definition.type.fields if f not in contributed)
            if not contributed:
                continue
            for implementation in merged.values():
                if interface.name not in implementation.interfaces:
                    continue
                if implementation.kind is not Kind.OBJECT:
                    continue
                for field_name in contributed:
                    if field_name in implementation.fields or field_name not in interface.fields:
                        continue
                    source = interface.fields[field_name]
                    implementation.fields[field_name] = MergedField(
                        name=field_name,
                        type=source.type,
                        description=source.description,
                        arguments=dict(source.arguments),
                        markers=source.markers,
                        joins=[JoinField()],
                    )

    # -- unions, enums, inputs, scalars ---------------------------------------------------------

    def _join_types(self, merged: MergedType, group: list[_Definition]) -> None:
        merged.join_types = [JoinType(graph=definition.graph) for definition in group]

    def _merge_union(self, name: str, group: list[_Definition]) -> MergedType:
        merged = self._base(name, Kind.UNION, group)
        self._join_types(merged, group)
        for definition in group:
            for member in definition.type.members:
                merged.union_members.append((definition.graph, member))
                if member not in merged.members:
                    merged.members.append(member)
        return merged

    def _merge_scalar(self, name: str, group: list[_Definition]) -> MergedType:
        merged = self._base(name, Kind.SCALAR, group)
        self._join_types(merged, group)
        return merged

    def _merge_enum(self, name: str, group: list[_Definition]) -> MergedType | None:
        merged = self._base(name, Kind.ENUM, group)
        self._join_types(merged, group)
        input_use, output_use = self._enum_usage(name)
        value_names: list[str] = []
        for definition in group:
            value_names.extend(v for v in definition.type.values if v not in value_names)
        for value_name in value_names:
            owners = [d for d in group if value_name in d.type.values]
            missing = [d.graph for d in group if value_name not in d.type.values]
            if missing and input_use and output_use:
                self.issues.add(
                    "ENUM_VALUE_MISMATCH",
                    f'Enum type "{name}" is used as both input type (for example, as type of '
                    f'"{input_use}") and output type (for example, as type of "{output_use}"), '
                    f'but value "{value_name}" is not defined in all the subgraphs defining '
                    f'"{name}": "{value_name}" is defined in '
                    f"{_subgraphs([d.graph for d in owners])} but not in {_subgraphs(missing)}",
                    subgraphs=[d.graph for d in group],
                    coordinates=[f"{name}.{value_name}"],
                )
                continue
            if missing and input_use:
                continue  # input-only enums keep the values every subgraph accepts
            values = [d.type.values[value_name] for d in owners]
            merged.values[value_name] = MergedEnumValue(
                name=value_name,
                description=_first([v.description for v in values]),
                markers=combine_markers([v.markers for v in values]),
                graphs=[d.graph for d in owners],
            )
        if not merged.values:
            self.issues.add(
                "EMPTY_MERGED_ENUM_TYPE",
                f'None of the values of enum type "{name}" are defined consistently in all the '
                f"subgraphs defining that type. As only values common to all subgraphs are "
                f"merged, this would result in an empty type (defined in "
                f"{_subgraphs([d.graph for d in group])}).",
                subgraphs=[d.graph for d in group],
                coordinates=[name],
            )
            return None
        return merged

    def _enum_usage(self, enum_name: str) -> tuple[str | None, str | None]:
        """An example input and an example output coordinate where the enum is used."""
        input_use: str | None = None
        output_use: str | None = None
        for subgraph in self.subgraphs:
            for type_def in subgraph.types.values():
                for field_def in type_def.fields.values():
                    coordinate = f"{type_def.name}.{field_def.name}"
                    if field_def.type.named == enum_name:
                        if type_def.kind is Kind.INPUT_OBJECT:
                            input_use = input_use or coordinate
                        else:
                            output_use = output_use or coordinate
                    for argument in field_def.arguments.values():
                        if argument.type.named == enum_name:
                            input_use = input_use or f"{coordinate}({argument.name}:)"
        return input_use, output_use

    def _merge_input(self, name: str, group: list[_Definition]) -> MergedType | None:
        merged = self._base(name, Kind.INPUT_OBJECT, group)
        merged.one_of = any(definition.type.one_of for definition in group)
        self._join_types(merged, group)
        field_names: list[str] = []
        for definition in group:
            field_names.extend(f for f in definition.type.fields if f not in field_names)
        for field_name in field_names:
            coordinate = f"{name}.{field_name}"
            defs = [(d, d.type.fields[field_name]) for d in group if field_name in d.type.fields]
            if len(defs) < len(group):
                required_in = [o.graph for o, f in defs if f.type.non_null and f.default is None]
                if required_in:
                    missing = [d.graph for d in group if field_name not in d.type.fields]
                    self.issues.add(
                        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                        f'Input object field "{coordinate}" is required in some subgraphs but '
                        f"does not appear in all subgraphs: it is required in "
                        f"{_subgraphs(required_in)} but does not appear in {_subgraphs(missing)}",
                        subgraphs=required_in + missing,
                        coordinates=[coordinate],
                    )
                continue  # optional fields some subgraph lacks are left out
            field_type = self._merged_field_type(coordinate, defs)
            if field_type is None:
                continue
            defaults = {f.default for _, f in defs}
            if len(defaults) > 1:
                self.issues.add(
                    "INPUT_FIELD_DEFAULT_MISMATCH",
                    f'Input field "{coordinate}" has incompatible default values across '
                    "subgraphs: "
                    + ", ".join(f'"{f.default}" in subgraph "{o.graph}"' for o, f in defs),
                    subgraphs=[o.graph for o, _ in defs],
                    coordinates=[coordinate],
                )
            merged_field = MergedField(
                name=field_name,
                type=field_type,
                description=_first([f.description for _, f in defs]),
                default=_first([f.default for _, f in defs]),
                markers=combine_markers([f.markers for _, f in defs]),
            )
            if any(f.type != field_type for _, f in defs):
                merged_field.joins = [JoinField(graph=o.graph, type=str(f.type)) for o, f in defs]
            merged.fields[field_name] = merged_field
        if not merged.fields:
            self.issues.add(
                "EMPTY_MERGED_INPUT_TYPE",
                f'None of the fields of input object type "{name}" are consistently defined in '
                "all the subgraphs defining that type. As only fields common to all subgraphs "
                "are merged, this would result in an empty type (defined in "
                f"{_subgraphs([d.graph for d in group])}).",
                subgraphs=[d.graph for d in group],
                coordinates=[name],
            )
            return None
        return merged


def _subgraphs(graphs: list[str]) -> str:
    return ("subgraph " if len(graphs) == 1 else "subgraphs ") + quote_list(graphs)
