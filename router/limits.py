"""Operation limits checked before planning: nesting depth, alias count and estimated cost.

All three guard against queries built to be expensive rather than useful. Fragments are expanded as
the executor would see them, but each fragment is measured once (memoised), so a document built
to explode under naive expansion costs linear time to measure. Introspection subtrees
(``__schema``, ``__type``) are not counted toward depth: GraphiQL's own schema query is deep.
The cost estimate (how much data an operation may ask for) is explained in ``router.edge.cost``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from router.edge.cost import operation_costs

MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"


@dataclass(frozen=True)
class Limits:
    max_depth: int = 15
    max_aliases: int = 30
    max_body_bytes: int = 1_000_000
    max_tokens: int = 15_000  # lexical tokens in one document: bounds parsing work
    max_cost: int | None = 50_000  # estimated field values (router.edge.cost); None: no limit
    default_list_size: int = 10  # what a list without a first/last/limit argument counts


@dataclass(frozen=True)
class _Measure:
    depth: int
    aliases: int


class _Measurer:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, _Measure] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode) -> _Measure:
        depth = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                aliases += 1 if selection.alias else 0
                if selection.name.value in ("__schema", "__type"):
                    continue
                inner = (
                    self.selection_set(selection.selection_set)
                    if selection.selection_set else _Measure(0, 0)
                )
                depth = max(depth, 1 + inner.depth)
                aliases += inner.aliases
            elif isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
        return _Measure(depth, aliases)

    def fragment(self, name: str) -> _Measure:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return _Measure(0, 0)  # unknown or cyclic: validation reports it
        self.in_progress.add(name)
        measure = self.selection_set(definition.selection_set)
        self.in_progress.discard(name)
        self.memo[name] = measure
        return measure


def check_cost(
    document: DocumentNode,
    limits: Limits,
    schema: GraphQLSchema | None = None,
    variables: Mapping[str, Any] | None = None,
    only: OperationDefinitionNode | None = None,
) -> list[GraphQLError]:
    """``COST_LIMIT_EXCEEDED`` for each operation (or just ``only``) estimated above the limit.

    ``variables`` are the request's values for size arguments given as variables; without them
    the declared defaults (or ``default_list_size``) count.
    """
    if limits.max_cost is None:
        return []
    errors: list[GraphQLError] = []
    costs = operation_costs(document, schema, default_list_size=limits.default_list_size,
                            variables=variables, only=only)
    for operation, cost in costs:
        if cost > limits.max_cost:
            label = f"operation '{operation.name.value}'" if operation.name else "the operation"
            errors.append(GraphQLError(
                f"{label} has an estimated cost of {cost}; the limit is {limits.max_cost}",
                extensions={"code": COST_LIMIT_EXCEEDED, "cost": cost,
                            "maxCost": limits.max_cost},
            ))
    return errors


def check_limits(
    document: DocumentNode, limits: Limits, schema: GraphQLSchema | None = None
) -> list[GraphQLError]:
    """Errors for every operation in ``document`` that exceeds ``limits`` (empty when fine).

    With ``schema`` the cost estimate knows which fields are lists; without it only
    ``first``/``last``/``limit`` arguments multiply.
    """
    measurer = _Measurer(document)
    errors: list[GraphQLError] = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        measure = measurer.selection_set(definition.selection_set)
        label = f"operation '{definition.name.value}'" if definition.name else "the operation"
        if measure.depth > limits.max_depth:
            errors.append(GraphQLError(
                f"{label} is nested {measure.depth} levels deep; the limit is {limits.max_depth}",
                extensions={"code": MAX_DEPTH_EXCEEDED},
            ))
        if measure.aliases > limits.max_aliases:
            errors.append(GraphQLError(
                f"{label} uses {measure.aliases} aliases; the limit is {limits.max_aliases}",
                extensions={"code": MAX_ALIASES_EXCEEDED},
            ))
    if errors:
        return errors  # the cost of a document already refused for its shape adds nothing
    return check_cost(document, limits, schema)
