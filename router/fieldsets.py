"""``FieldSet`` strings (``@key``, ``@requires``, ``@provides``) and what the planner makes of them.

A field set such as ``"id owner { id }"`` or ``"content { ... on Circle { r } }"`` is a selection
set without braces. The planner needs it in three shapes: as a selection set to plan like
client fields (:func:`parse_field_set`), as the fields a representation carries
(:func:`required_fields`), and, for ``@provides``, as a tree of what a subgraph hands over on a
path (:func:`provided_tree`, :func:`provided_child`).
"""

from __future__ import annotations

from functools import lru_cache

from graphql import FieldNode, InlineFragmentNode, OperationDefinitionNode, SelectionSetNode, parse

from router.plan import RequiredField

Provided = dict[str, "Provided"]


@lru_cache(maxsize=4096)
def parse_field_set(field_set: str) -> SelectionSetNode:
    """A ``FieldSet`` string such as ``"id owner { id }"`` as a selection set (shared: callers
    never change it)."""
    operation = parse("{" + field_set + "}").definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


FRAGMENT_PREFIX = "... on "  # keys of a Provided tree that stand for a type condition


def provided_tree(selection_set: SelectionSetNode) -> Provided:
    """What a ``@provides`` field set hands over: field name -> sub-tree; fragments on a type
    are kept apart under ``"... on Type"`` so they only count for objects of that type."""
    tree: Provided = {}
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            child = provided_tree(selection.selection_set) if selection.selection_set else {}
            tree.setdefault(selection.name.value, {}).update(child)
        elif isinstance(selection, InlineFragmentNode):
            inner = provided_tree(selection.selection_set)
            if selection.type_condition is None:
                tree.update(inner)
            else:
                key = FRAGMENT_PREFIX + selection.type_condition.name.value
                tree.setdefault(key, {}).update(inner)
    return tree


def provided_child(provided: Provided | None, type_name: str, field_name: str) -> Provided | None:
    """The provided sub-tree of ``type_name.field_name``, or None when it is not provided."""
    if provided is None:
        return None
    if field_name in provided:
        return provided[field_name]
    typed = provided.get(FRAGMENT_PREFIX + type_name)
    if typed is not None and field_name in typed:
        return typed[field_name]
    return None


def required_fields(
    selection_set: SelectionSetNode, condition: str | None = None
) -> tuple[RequiredField, ...]:
    """The fields a representation carries, fragments flattened into per-field conditions.

    ``selection_set`` describes the representation (the planner's ``_add_field_set``): an
    alias there is the response key the field was fetched under.
    """
    found: list[RequiredField] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            children = required_fields(selection.selection_set) if selection.selection_set else ()
            name = selection.name.value
            key = selection.alias.value if selection.alias else name
            found.append(RequiredField(name, children, condition, key))
        elif isinstance(selection, InlineFragmentNode):
            inner = selection.type_condition.name.value if selection.type_condition else condition
            found.extend(required_fields(selection.selection_set, inner))
    return tuple(found)
