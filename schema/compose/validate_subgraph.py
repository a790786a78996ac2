"""Checks that concern one subgraph on its own, run before anything is merged.

* every referenced type exists and fits its position (input vs output);
* ``@key``, ``@requires`` and ``@provides`` select fields that exist, with the right ``@external``;
* every ``@external`` field is actually used by one of those directives or by an interface;
* ``@override`` does not name the subgraph itself.
"""

from __future__ import annotations

from .errors import IssueCollector
from .fieldset import (
    FieldSetSyntaxError,
    Selection,
    VisitedField,
    key_field_names,
    parse_field_set,
    walk_field_set,
)
from .model import BUILTIN_SCALARS, FieldDef, Kind, SubgraphSchema, TypeDef

INPUT_KINDS = (Kind.SCALAR, Kind.ENUM, Kind.INPUT_OBJECT)
OUTPUT_KINDS = (Kind.SCALAR, Kind.ENUM, Kind.OBJECT, Kind.INTERFACE, Kind.UNION)


def validate_subgraph(subgraph: SubgraphSchema, issues: IssueCollector) -> None:
    _SubgraphValidator(subgraph, issues).run()


class _SubgraphValidator:
    def __init__(self, subgraph: SubgraphSchema, issues: IssueCollector) -> None:
        self.subgraph = subgraph
        self.issues = issues
        self.used: set[tuple[str, str]] = set()  # (type, field) selected by a federation directive

    @property
    def name(self) -> str:
        return self.subgraph.name

    def run(self) -> None:
        self._check_references()
        self._check_root_types()
        for type_def in self.subgraph.types.values():
            for key in type_def.keys:
                self._check_key(type_def, key.fields)
            for field in type_def.fields.values():
                if field.requires is not None:
                    self._check_requires(type_def, field, field.requires)
                if field.provides is not None:
                    self._check_provides(type_def, field, field.provides)
                if field.override is not None and field.override == self.name:
                    self.issues.add(
                        "OVERRIDE_FROM_SELF_ERROR",
                        f'[{self.name}] Source and destination subgraphs "{self.name}" are the '
                        f'same for overridden field "{type_def.name}.{field.name}"',
                        subgraphs=[self.name],
                        coordinates=[f"{type_def.name}.{field.name}"],
                    )
        self._check_unused_externals()

    def _check_root_types(self) -> None:
        for name in self.subgraph.root_types.values():
            root = self.subgraph.types.get(name)
            if root is not None and root.kind is not Kind.OBJECT:
                self.issues.add(
                    "INVALID_GRAPHQL",
                    f'[{self.name}] root type "{name}" must be an object type, not '
                    f"{root.kind.value}",
                    subgraphs=[self.name],
                    coordinates=[name],
                )
        for type_def in self.subgraph.types.values():
            if type_def.interface_object and not type_def.keys:
                self.issues.add(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'[{self.name}] @interfaceObject type "{type_def.name}" has no @key: an '
                    "interface object must be an entity",
                    subgraphs=[self.name],
                    coordinates=[type_def.name],
                )

    # -- references -------------------------------------------------------------------------

    def _check_references(self) -> None:
        for type_def in self.subgraph.types.values():
            for interface in type_def.interfaces:
                self._expect_kind(type_def.name, interface, (Kind.INTERFACE,), "an interface")
            for member in type_def.members:
                self._expect_kind(type_def.name, member, (Kind.OBJECT,), "an object type")
            for field in type_def.fields.values():
                coordinate = f"{type_def.name}.{field.name}"
                if type_def.kind is Kind.INPUT_OBJECT:
                    self._expect_kind(coordinate, field.type.named, INPUT_KINDS, "an input type")
                    continue
                self._expect_kind(coordinate, field.type.named, OUTPUT_KINDS, "an output type")
                for argument in field.arguments.values():
                    self._expect_kind(
                        f"{coordinate}({argument.name}:)",
                        argument.type.named,
                        INPUT_KINDS,
                        "an input type",
                    )

    def _expect_kind(
        self, coordinate: str, type_name: str, kinds: tuple[Kind, ...], wanted: str
    ) -> None:
        if type_name in BUILTIN_SCALARS:
            if Kind.SCALAR in kinds:
                return
            found: TypeDef | None = TypeDef(name=type_name, kind=Kind.SCALAR)
        else:
            found = self.subgraph.types.get(type_name)
        if found is None:
            self.issues.add(
                "INVALID_GRAPHQL",
                f'[{self.name}] "{coordinate}" refers to unknown type "{type_name}"',
                subgraphs=[self.name],
                coordinates=[coordinate],
            )
        elif found.merge_kind not in kinds and found.kind not in kinds:
            self.issues.add(
                "INVALID_GRAPHQL",
                f'[{self.name}] "{coordinate}" refers to "{type_name}", which is '
                f"{found.kind.value} but must be {wanted}",
                subgraphs=[self.name],
                coordinates=[coordinate],
            )

    # -- @key / @requires / @provides ---------------------------------------------------------

    def _parse(self, text: str, code: str, where: str, coordinate: str) -> tuple[Selection, ...]:
        try:
            return parse_field_set(text)
        except FieldSetSyntaxError as error:
            self.issues.add(
                code,
                f"[{self.name}] {where}: invalid field set: {error}",
                subgraphs=[self.name],
                coordinates=[coordinate],
            )
            return ()

    def _check_key(self, type_def: TypeDef, fields: str) -> None:
        where = f'On type "{type_def.name}", for @key(fields: "{fields}")'
        selections = self._parse(fields, "KEY_INVALID_FIELDS", where, type_def.name)
        walk = walk_field_set(self.subgraph, type_def.name, selections)
        for problem in walk.problems:
            self.issues.add(
                "KEY_INVALID_FIELDS",
                f"[{self.name}] {where}: {problem} (the field should either be added to this "
                "subgraph or, if it should not be resolved by this subgraph, you need to add it "
                "to this subgraph with @external).",
                subgraphs=[self.name],
                coordinates=[type_def.name],
            )
        for visited in walk.visited:
            self._mark_used(visited)
            target = self.subgraph.types.get(visited.field.type.named)
            if target is not None and target.merge_kind in (Kind.INTERFACE, Kind.UNION):
                self.issues.add(
                    "KEY_FIELDS_SELECT_INVALID_TYPE",
                    f'[{self.name}] {where}: field "{visited.parent.name}.{visited.field.name}" '
                    f"is a {target.merge_kind.value}, which is not allowed in @key",
                    subgraphs=[self.name],
                    coordinates=[type_def.name, f"{visited.parent.name}.{visited.field.name}"],
                )

    def _check_requires(self, type_def: TypeDef, field: FieldDef, fields: str) -> None:
        coordinate = f"{type_def.name}.{field.name}"
        where = f'On field "{coordinate}", for @requires(fields: "{fields}")'
        selections = self._parse(fields, "REQUIRES_INVALID_FIELDS", where, coordinate)
        walk = walk_field_set(self.subgraph, type_def.name, selections)
        for problem in walk.problems:
            self.issues.add(
                "REQUIRES_INVALID_FIELDS",
                f"[{self.name}] {where}: {problem} (if the field is defined in another "
                "subgraph, you need to add it to this subgraph with @external).",
                subgraphs=[self.name],
                coordinates=[coordinate],
            )
        for visited in walk.visited:
            self._mark_used(visited)
            if visited.depth == 0 and not visited.field.external:
                self.issues.add(
                    "REQUIRES_FIELDS_MISSING_EXTERNAL",
                    f'[{self.name}] {where}: field "{visited.parent.name}.{visited.field.name}" '
                    "should not be part of a @requires since it is already provided by this "
                    "subgraph (it is not marked @external)",
                    subgraphs=[self.name],
                    coordinates=[coordinate, f"{visited.parent.name}.{visited.field.name}"],
                )

    def _check_provides(self, type_def: TypeDef, field: FieldDef, fields: str) -> None:
        coordinate = f"{type_def.name}.{field.name}"
        where = f'On field "{coordinate}", for @provides(fields: "{fields}")'
        target = self.subgraph.types.get(field.type.named)
        if target is None or target.merge_kind not in (Kind.OBJECT, Kind.INTERFACE, Kind.UNION):
            self.issues.add(
                "PROVIDES_ON_NON_OBJECT_FIELD",
                f'[{self.name}] {where}: field "{coordinate}" has type "{field.type}" which is '
                "not a composite type",
                subgraphs=[self.name],
                coordinates=[coordinate],
            )
            return
        selections = self._parse(fields, "PROVIDES_INVALID_FIELDS", where, coordinate)
        walk = walk_field_set(self.subgraph, target.name, selections)
        for problem in walk.problems:
            self.issues.add(
                "PROVIDES_INVALID_FIELDS",
                f"[{self.name}] {where}: {problem} (if the field is defined in another "
                "subgraph, you need to add it to this subgraph with @external).",
                subgraphs=[self.name],
                coordinates=[coordinate],
            )
        for visited in walk.visited:
            self._mark_used(visited)
            # A key field of an ``extend type`` is resolvable here even when marked @external.
            extension_key = visited.parent.extension and visited.field.name in key_field_names(
                visited.parent
            )
            if visited.depth == 0 and (not visited.field.external or extension_key):
                self.issues.add(
                    "PROVIDES_FIELDS_MISSING_EXTERNAL",
                    f'[{self.name}] {where}: field "{visited.parent.name}.{visited.field.name}" '
                    "should not be part of a @provides since it is already provided by this "
                    "subgraph (it is not marked @external)",
                    subgraphs=[self.name],
                    coordinates=[coordinate, f"{visited.parent.name}.{visited.field.name}"],
                )

    def _mark_used(self, visited: VisitedField) -> None:
        self.used.add((visited.parent.name, visited.field.name))

    # -- @external ------------------------------------------------------------------------------

    def _check_unused_externals(self) -> None:
        for type_def in self.subgraph.types.values():
            for field in type_def.fields.values():
                if not field.external or (type_def.name, field.name) in self.used:
                    continue
                if self._satisfies_interface(type_def, field.name):
                    continue
                coordinate = f"{type_def.name}.{field.name}"
                self.issues.add(
                    "EXTERNAL_UNUSED",
                    f'[{self.name}] Field "{coordinate}" is marked @external but is not used in '
                    "any federation directive (@key, @provides, @requires) or to satisfy an "
                    "interface; the field declaration has no use and should be removed (or the "
                    "field should not be @external).",
                    subgraphs=[self.name],
                    coordinates=[coordinate],
                )

    def _satisfies_interface(self, type_def: TypeDef, field_name: str) -> bool:
        for interface_name in type_def.interfaces:
            interface = self.subgraph.types.get(interface_name)
            if interface is not None and field_name in interface.fields:
                return True
        return False
