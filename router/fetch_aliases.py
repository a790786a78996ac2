"""Response keys a subgraph would reject, and the aliases that replace them.

Within one selection set, GraphQL lets two fields share a response key only when they mean the
same thing: same field, same arguments, same type. A client's operation obeys that against the
supergraph, but a fetch is validated by the subgraph that receives it, whose types may differ:
``... on Product { name } ... on User { name }`` is fine where both are ``String`` and rejected by
a subgraph where ``Product.name`` is ``String!`` (the supergraph records the difference as
``@join__field(type:)``). The planner's own fields can collide the same way.

``dealias`` walks a fetch's selection against the receiving subgraph's schema and gives every
field that cannot share its key an alias of its own (``<prefix><key>_<n>``); the executor moves
the values back under the client's key (``restore``) before merging, so nobody downstream sees
the aliases.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NameNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    print_ast,
)

from router.response_keys import list_depth

Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


@dataclass(frozen=True)
class Alias:
    """Values fetched under ``fetched`` at ``path`` (of the fetch's result) belong to ``key``."""

    path: tuple[str, ...]  # response path within the fetch's data, "@" for every list level
    fetched: str
    key: str


def _meaning(field_node: FieldNode, definition: GraphQLField | None) -> tuple[str, str, str]:
    arguments = " ".join(print_ast(a) for a in field_node.arguments or ())
    return (field_node.name.value, arguments, str(definition.type) if definition else "")


def _fields(
    selection_set: SelectionSetNode, parent: Composite, schema: GraphQLSchema
) -> Iterator[tuple[FieldNode, Composite]]:
    """Every field at this level, fragments looked through, with the type it is selected on."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection, parent
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = schema.get_type(condition.name.value) if condition else parent
            if isinstance(inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                yield from _fields(selection.selection_set, inner, schema)


def _definition(parent: Composite, name: str) -> GraphQLField | None:
    fields = getattr(parent, "fields", None)
    return fields.get(name) if fields else None


class _Dealias:
    def __init__(self, schema: GraphQLSchema, prefix: str) -> None:
        self.schema = schema
        self.prefix = prefix
        self.aliases: list[Alias] = []

    def level(self, selection_sets: list[tuple[SelectionSetNode, Composite]],
              path: tuple[str, ...]) -> dict[int, str]:
        """Decide the aliases for one level; returns id(field node) -> new response key.

        ``selection_sets`` are merged by GraphQL into one level (the sub-selections of fields
        sharing a key), so they are checked together.
        """
        renamed: dict[int, str] = {}
        meanings: dict[str, tuple[str, str, str]] = {}
        used: set[str] = set()
        groups: dict[tuple[str, tuple[str, str, str]], list[tuple[FieldNode, Composite]]] = {}
        for selection_set, parent in selection_sets:
            for field_node, owner in _fields(selection_set, parent, self.schema):
                key = field_node.alias.value if field_node.alias else field_node.name.value
                used.add(key)
                meaning = _meaning(field_node, _definition(owner, field_node.name.value))
                groups.setdefault((key, meaning), []).append((field_node, owner))
        for (key, meaning), members in groups.items():
            first = meanings.setdefault(key, meaning)
            target = key
            if first != meaning:
                number = 2
                while f"{self.prefix}{key}_{number}" in used:
                    number += 1
                target = f"{self.prefix}{key}_{number}"
                used.add(target)
                self.aliases.append(Alias(path, target, key))
                for field_node, _ in members:
                    renamed[id(field_node)] = target
            below = []
            depth = 0
            for field_node, owner in members:
                definition = _definition(owner, field_node.name.value)
                named = get_named_type(definition.type) if definition else None
                if field_node.selection_set is not None and definition is not None and \
                        isinstance(named, GraphQLObjectType | GraphQLInterfaceType
                                   | GraphQLUnionType):
                    below.append((field_node.selection_set, named))
                    depth = list_depth(definition.type)
            if below:  # restore() has put outer values back under ``key`` by then
                renamed.update(self.level(below, (*path, key, *("@",) * depth)))
        return renamed


def _rewrite(selection_set: SelectionSetNode, renamed: dict[int, str]) -> SelectionSetNode:
    selections: list[SelectionNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            key = renamed.get(id(selection))
            inner = _rewrite(selection.selection_set, renamed) if selection.selection_set \
                else None
            selections.append(FieldNode(
                alias=NameNode(value=key) if key else selection.alias, name=selection.name,
                arguments=selection.arguments, directives=selection.directives,
                selection_set=inner,
            ))
        elif isinstance(selection, InlineFragmentNode):
            selections.append(InlineFragmentNode(
                type_condition=selection.type_condition, directives=selection.directives,
                selection_set=_rewrite(selection.selection_set, renamed),
            ))
        else:
            selections.append(selection)
    return SelectionSetNode(selections=tuple(selections))


def dealias(selection_set: SelectionSetNode, parent: Composite, schema: GraphQLSchema,
            prefix: str) -> tuple[SelectionSetNode, tuple[Alias, ...]]:
    """``selection_set`` (asked of ``parent`` in the subgraph whose ``schema`` this is) with
    clashing response keys aliased, and the aliases to undo in its result."""
    work = _Dealias(schema, prefix)
    renamed = work.level([(selection_set, parent)], ())
    if not renamed:
        return selection_set, ()
    return _rewrite(selection_set, renamed), tuple(work.aliases)


def restore(data: Any, aliases: tuple[Alias, ...]) -> None:
    """Move aliased values back under their response keys, in place (see ``dealias``)."""
    for alias in aliases:
        for target in _objects(data, alias.path):
            if alias.fetched in target:
                target[alias.key] = target.pop(alias.fetched)


def _objects(value: Any, path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, path)
        return
    if not isinstance(value, dict):
        return
    if not path:
        yield value
        return
    step, rest = path[0], path[1:]
    if step == "@":
        yield from _objects(value, rest)
    else:
        yield from _objects(value.get(step), rest)
