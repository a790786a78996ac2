"""Query plan nodes and their text form.

A plan is a tree of four node kinds, the same model Apollo Gateway prints, so plans read alike
whichever router produced them:

* ``Fetch``    one request to one subgraph (a root operation or an ``_entities`` call);
* ``Flatten``  runs its fetch for every object found at a response path (``@`` = each list item);
* ``Sequence`` children one after another (a child needs data an earlier one fetched);
* ``Parallel`` children concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from graphql import SelectionSetNode, print_ast


@dataclass(frozen=True)
class RequiredField:
    """A field copied from the response into an entity representation (keys and ``@requires``)."""

    name: str
    children: tuple[RequiredField, ...] = ()
    condition: str | None = None  # only for objects of this type (from ``... on Type``)
    key: str = ""  # the response key it was fetched under (the name unless it needed an alias)

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)


@dataclass(frozen=True)
class FetchNode:
    service: str  # subgraph name, as in join__graph(name:)
    graph: str  # join__Graph enum value
    operation: str  # the document sent to the subgraph
    operation_kind: str  # "query" or "mutation"
    variable_usages: tuple[str, ...]
    selection: SelectionSetNode = field(compare=False)  # what the fetch asks for, for printing
    # Entity fetches only: per __typename, the fields a representation carries.
    requires: tuple[tuple[str, tuple[RequiredField, ...]], ...] = ()
    requires_selection: SelectionSetNode | None = field(default=None, compare=False)
    # Entity types that the target subgraph knows as an ``@interfaceObject``: representations
    # matched by these conditions are sent with the interface's name as ``__typename``.
    interface_object_types: tuple[str, ...] = ()

    @property
    def is_entity_fetch(self) -> bool:
        return bool(self.requires)


@dataclass(frozen=True)
class FlattenNode:
    path: tuple[str, ...]
    node: FetchNode


@dataclass(frozen=True)
class SequenceNode:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True)
class ParallelNode:
    nodes: tuple[PlanNode, ...]


PlanNode = Union[FetchNode, FlattenNode, SequenceNode, ParallelNode]  # noqa: UP007


@dataclass(frozen=True)
class QueryPlan:
    """The plan for one operation; ``node`` is None when nothing needs fetching (introspection)."""

    node: PlanNode | None

    def fetches(self) -> list[FetchNode]:
        found: list[FetchNode] = []

        def walk(node: PlanNode) -> None:
            if isinstance(node, FetchNode):
                found.append(node)
            elif isinstance(node, FlattenNode):
                walk(node.node)
            else:
                for child in node.nodes:
                    walk(child)

        if self.node is not None:
            walk(self.node)
        return found

    def __str__(self) -> str:
        return print_plan(self)


INDENT = "  "


def _block(text: str, depth: int) -> list[str]:
    return [INDENT * depth + line for line in text.splitlines()]


def _print_node(node: PlanNode, depth: int) -> list[str]:
    pad = INDENT * depth
    if isinstance(node, FetchNode):
        lines = [f'{pad}Fetch(service: "{node.service}") {{']
        if node.requires_selection is not None:
            lines += _block(print_ast(node.requires_selection), depth + 1)
            lines[-1] += " =>"
        lines += _block(print_ast(node.selection), depth + 1)
        lines.append(f"{pad}}},")
        return lines
    if isinstance(node, FlattenNode):
        path = ".".join(node.path)
        return [f'{pad}Flatten(path: "{path}") {{', *_print_node(node.node, depth + 1), f"{pad}}},"]
    label = "Sequence" if isinstance(node, SequenceNode) else "Parallel"
    lines = [f"{pad}{label} {{"]
    for child in node.nodes:
        lines += _print_node(child, depth + 1)
    lines.append(f"{pad}}},")
    return lines


def print_plan(plan: QueryPlan) -> str:
    """The plan as indented text (what ``python -m router plan`` and dev mode show)."""
    if plan.node is None:
        return "QueryPlan {}"
    return "\n".join(["QueryPlan {", *_print_node(plan.node, 1), "}"])
