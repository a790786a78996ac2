"""Building subgraph selection sets one field at a time.

The planner walks the client's operation and drops each field into the fetch that will resolve
it. ``SelectionBuilder`` collects those fields, merging repeats (same response key, arguments and
directives) so a subgraph never sees the same selection twice, and turns the result into
graphql-core AST nodes for printing. Response keys are decided by the caller
(``router.response_keys``).
"""

from __future__ import annotations

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


@dataclass
class FieldEntry:
    name: str
    alias: str | None
    arguments: tuple[ArgumentNode, ...]
    directives: tuple[DirectiveNode, ...]
    sub: SelectionBuilder | None


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
            )
            self.entries[key] = entry
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

    def to_ast(self) -> SelectionSetNode:
        """The selection set as graphql-core AST (never an empty ``field {}``)."""
        selections: list[SelectionNode] = []
        for entry in self.entries.values():
            if isinstance(entry, FieldEntry):
                if entry.sub is not None and entry.sub.is_empty():
                    entry.sub.add_field("__typename", "__typename")  # never send `field {}`
                alias = entry.alias
                selections.append(FieldNode(
                    alias=NameNode(value=alias) if alias else None,
                    name=NameNode(value=entry.name),
                    arguments=entry.arguments,
                    directives=entry.directives,
                    selection_set=entry.sub.to_ast() if entry.sub is not None else None,
                ))
            elif not entry.sub.is_empty():
                condition = entry.type_condition
                selections.append(InlineFragmentNode(
                    type_condition=NamedTypeNode(name=NameNode(value=condition))
                    if condition else None,
                    directives=entry.directives,
                    selection_set=entry.sub.to_ast(),
                ))
        return SelectionSetNode(selections=tuple(selections))
