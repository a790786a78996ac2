"""Field sets: the selection strings inside ``@key``, ``@requires`` and ``@provides``.

A field set is a GraphQL selection without the outer braces (``"id owner { id }"``). We parse it
with graphql-core and walk it against one subgraph's types, reporting every field it touches, so
the validators can check existence, ``@external`` and usage.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLSyntaxError, print_ast, strip_ignored_characters
from graphql import parse as parse_document
from graphql.language import ast

from .model import BUILTIN_SCALARS, FieldDef, Kind, SubgraphSchema, TypeDef


@dataclass(frozen=True)
class FieldSelection:
    name: str
    has_arguments: bool
    selections: tuple[Selection, ...]


@dataclass(frozen=True)
class FragmentSelection:
    type_condition: str | None
    selections: tuple[Selection, ...]


Selection = FieldSelection | FragmentSelection


class FieldSetSyntaxError(ValueError):
    """The field set string is not a valid selection."""


def parse_field_set(text: str) -> tuple[Selection, ...]:
    try:
        document = parse_document("{" + text + "}")
    except GraphQLSyntaxError as error:
        raise FieldSetSyntaxError(f"syntax error: {error.message}") from error
    operation = document.definitions[0]
    if not isinstance(operation, ast.OperationDefinitionNode) or len(document.definitions) != 1:
        raise FieldSetSyntaxError("a field set must be a plain selection of fields")
    selections = _convert(operation.selection_set)
    if not selections:
        raise FieldSetSyntaxError("the field set selects no fields")
    return selections


def _convert(selection_set: ast.SelectionSetNode | None) -> tuple[Selection, ...]:
    if selection_set is None:
        return ()
    converted: list[Selection] = []
    for node in selection_set.selections:
        if isinstance(node, ast.FieldNode):
            if node.alias is not None:
                raise FieldSetSyntaxError("aliases are not allowed in a field set")
            converted.append(
                FieldSelection(
                    name=node.name.value,
                    has_arguments=bool(node.arguments),
                    selections=_convert(node.selection_set),
                )
            )
        elif isinstance(node, ast.InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            converted.append(FragmentSelection(condition, _convert(node.selection_set)))
        else:
            raise FieldSetSyntaxError("named fragments are not allowed in a field set")
    return tuple(converted)


def key_field_names(type_def: TypeDef) -> set[str]:
    """Top-level fields selected by any of the type's @key directives in one subgraph."""
    names: set[str] = set()
    for key in type_def.keys:
        try:
            selections = parse_field_set(key.fields)
        except FieldSetSyntaxError:
            continue
        names.update(s.name for s in selections if isinstance(s, FieldSelection))
    return names


def common_key_leaves(type_def: TypeDef) -> set[str]:
    """Top-level leaf fields that every @key of the type selects (in one subgraph)."""
    common: set[str] | None = None
    for key in type_def.keys:
        try:
            selections = parse_field_set(key.fields)
        except FieldSetSyntaxError:
            continue
        leaves = {s.name for s in selections if isinstance(s, FieldSelection) and not s.selections}
        common = leaves if common is None else common & leaves
    return common or set()


def compact_field_set(text: str, drop: set[str]) -> str | None:
    """The field set as the supergraph carries it: top-level leaves in ``drop`` removed (the
    router sends key fields with every entity representation anyway) and printed without
    insignificant whitespace. ``None`` when nothing is left; unparsable text is kept as is."""
    try:
        document = parse_document("{" + text + "}")
    except GraphQLSyntaxError:
        return text
    operation = document.definitions[0]
    if not isinstance(operation, ast.OperationDefinitionNode):
        return text
    kept = tuple(
        node
        for node in operation.selection_set.selections
        if not (
            isinstance(node, ast.FieldNode) and not node.selection_set and node.name.value in drop
        )
    )
    if not kept:
        return None
    selection_set = ast.SelectionSetNode(selections=kept)
    return strip_ignored_characters(print_ast(selection_set))[1:-1]


@dataclass(frozen=True)
class VisitedField:
    """One field a field set selects, with the type it was selected on and its nesting depth."""

    parent: TypeDef
    field: FieldDef
    depth: int


@dataclass
class FieldSetWalk:
    visited: list[VisitedField]
    problems: list[str]


def walk_field_set(
    subgraph: SubgraphSchema, type_name: str, selections: tuple[Selection, ...]
) -> FieldSetWalk:
    """Resolve ``selections`` on ``type_name``; collect the visited fields and the problems."""
    walk = FieldSetWalk(visited=[], problems=[])
    _walk(subgraph, type_name, selections, 0, walk)
    return walk


def _walk(
    subgraph: SubgraphSchema,
    type_name: str,
    selections: tuple[Selection, ...],
    depth: int,
    walk: FieldSetWalk,
) -> None:
    parent = subgraph.types.get(type_name)
    if parent is None or parent.kind not in (Kind.OBJECT, Kind.INTERFACE, Kind.UNION):
        walk.problems.append(f'type "{type_name}" has no fields to select')
        return
    for selection in selections:
        if isinstance(selection, FragmentSelection):
            condition = selection.type_condition or type_name
            if condition not in subgraph.types:
                walk.problems.append(f'Unknown type "{condition}" in an inline fragment')
                continue
            _walk(subgraph, condition, selection.selections, depth, walk)
            continue
        if selection.name == "__typename":
            continue
        field = parent.fields.get(selection.name)
        if field is None:
            walk.problems.append(f'Cannot query field "{selection.name}" on type "{type_name}"')
            continue
        walk.visited.append(VisitedField(parent, field, depth))
        if selection.has_arguments:
            walk.problems.append(
                f'field "{type_name}.{selection.name}" has arguments, which are not allowed here'
            )
        named = field.type.named
        target = subgraph.types.get(named)
        is_leaf = named in BUILTIN_SCALARS or (
            target is not None and target.kind in (Kind.SCALAR, Kind.ENUM)
        )
        if is_leaf and selection.selections:
            walk.problems.append(
                f'field "{type_name}.{selection.name}" of type "{named}" is a leaf and cannot '
                "have a selection of subfields"
            )
        elif not is_leaf and not selection.selections:
            walk.problems.append(
                f'field "{type_name}.{selection.name}" of type "{named}" must have a selection '
                "of subfields"
            )
        elif selection.selections:
            _walk(subgraph, named, selection.selections, depth + 1, walk)
