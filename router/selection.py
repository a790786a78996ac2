"""Building subgraph selection sets one field at a time.

The planner walks the client's operation and drops each field into the fetch that will resolve
it. ``SelectionBuilder`` collects those fields, merging repeats (same response key, arguments and
directives) so a subgraph never sees the same selection twice, and turns the result into
graphql-core AST nodes for printing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    SelectionNode,
    SelectionSetNode,
    print_ast,
)

# Fields the planner adds for its own use (keys, @requires) are normally sent under their own
# name. When the client already uses that response key for something else at the same place
# (``{ id: name }``), the planner's copy is sent as ``_router_<name>`` instead; the executor
# reads representations from that alias first. When the client's own aliases start with
# ``_router_``, the planner lengthens the prefix (``__router_``...) until none does.
INTERNAL_ALIAS_PREFIX = "_router_"

Signature = tuple[str, str]  # (field name, printed arguments): what a response key stands for
ConflictCheck = Callable[[tuple[str, ...], str, Signature], bool]


@dataclass
class FieldEntry:
    name: str
    alias: str | None
    arguments: tuple[ArgumentNode, ...]
    directives: tuple[DirectiveNode, ...]
    sub: SelectionBuilder | None
    internal: bool = False  # added by the planner, not asked for by the client
    path: tuple[str, ...] = ()  # response path of the object this field belongs to

    @property
    def signature(self) -> Signature:
        return (self.name, _printed(self.arguments))


@dataclass
class FragmentEntry:
    type_condition: str | None
    directives: tuple[DirectiveNode, ...]
    sub: SelectionBuilder


def _printed(nodes: tuple[ArgumentNode, ...] | tuple[DirectiveNode, ...]) -> str:
    return " ".join(print_ast(node) for node in nodes)


@dataclass
class SelectionBuilder:
    entries: dict[tuple[str, ...], FieldEntry | FragmentEntry] = field(default_factory=dict)

    def add_field(
        self,
        response_key: str,
        name: str,
        arguments: tuple[ArgumentNode, ...] = (),
        directives: tuple[DirectiveNode, ...] = (),
        *,
        composite: bool = False,
        internal: bool = False,
        path: tuple[str, ...] = (),
    ) -> FieldEntry:
        key = ("field", response_key, name, _printed(arguments), _printed(directives))
        entry = self.entries.get(key)
        if not isinstance(entry, FieldEntry):
            entry = FieldEntry(
                name=name,
                alias=response_key if response_key != name else None,
                arguments=arguments,
                directives=directives,
                sub=SelectionBuilder() if composite else None,
                internal=internal,
                path=path,
            )
            self.entries[key] = entry
        elif not internal:
            entry.internal = False  # the client asks for it too: it keeps its name
        return entry

    def add_fragment(
        self, type_condition: str | None, directives: tuple[DirectiveNode, ...] = ()
    ) -> SelectionBuilder:
        key = ("fragment", type_condition or "", _printed(directives))
        entry = self.entries.get(key)
        if not isinstance(entry, FragmentEntry):
            entry = FragmentEntry(type_condition, directives, SelectionBuilder())
            self.entries[key] = entry
        return entry.sub

    def is_empty(self) -> bool:
        return not self.entries

    def to_ast(
        self, conflicts: ConflictCheck | None = None, prefix: str = INTERNAL_ALIAS_PREFIX
    ) -> SelectionSetNode:
        """The selection set; ``conflicts`` says when a planner field must be renamed (to
        ``prefix`` + its name)."""
        selections: list[SelectionNode] = []
        for entry in self.entries.values():
            if isinstance(entry, FieldEntry):
                if entry.sub is not None and entry.sub.is_empty():
                    entry.sub.add_field("__typename", "__typename")  # never send `field {}`
                alias = entry.alias
                response_key = alias or entry.name
                if entry.internal and conflicts is not None and conflicts(
                    entry.path, response_key, entry.signature
                ):
                    alias = prefix + entry.name
                selections.append(FieldNode(
                    alias=NameNode(value=alias) if alias else None,
                    name=NameNode(value=entry.name),
                    arguments=entry.arguments,
                    directives=entry.directives,
                    selection_set=(
                        entry.sub.to_ast(conflicts, prefix) if entry.sub is not None else None
                    ),
                ))
            elif not entry.sub.is_empty():
                condition = entry.type_condition
                selections.append(InlineFragmentNode(
                    type_condition=NamedTypeNode(name=NameNode(value=condition))
                    if condition else None,
                    directives=entry.directives,
                    selection_set=entry.sub.to_ast(conflicts, prefix),
                ))
        return SelectionSetNode(selections=tuple(selections))
