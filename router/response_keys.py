"""Response keys in subgraph operations: the client's own, and the planner's when they clash.

Subgraph operations use the client's response keys, so merged results already have the client's
shape. The planner also adds fields of its own (``@key`` fields for entity jumps, ``@requires``
fields for representations). Such a field goes out under its plain name unless that name is
already a response key the client uses *at the same place* for something else (``{ id: name }``),
or the planner needs the same field twice with different arguments there (two ``@requires`` of
``price(currency:)``); then it gets an alias of its own: ``_router_<name>``, ``_router_<name>_2``...
(a longer prefix when the client's aliases start with ``_router_``).

The key is decided when the field is added, from a scan of the whole client operation made
before planning, so every later step (fetches that continue below the field, representations
built from it) reads the key the fetch really writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    print_ast,
)

INTERNAL_ALIAS_PREFIX = "_router_"

Path = tuple[str, ...]  # a response path, "@" for every list level
Signature = tuple[str, str]  # (field name, printed arguments): what a response key stands for


def list_depth(type_: GraphQLOutputType) -> int:
    depth = 0
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            depth += 1
        type_ = type_.of_type
    return depth


def signature(node: FieldNode) -> Signature:
    return (node.name.value, " ".join(print_ast(a) for a in node.arguments or ()))


@dataclass
class ResponseKeys:
    """Who uses which response key where, for one operation being planned."""

    client: dict[tuple[Path, str], set[Signature]] = field(default_factory=dict)
    prefix: str = INTERNAL_ALIAS_PREFIX
    planner: dict[tuple[Path, Signature], str] = field(default_factory=dict)
    taken: dict[tuple[Path, str], Signature] = field(default_factory=dict)  # planner's keys

    @classmethod
    def scan(cls, schema: GraphQLSchema, operation: OperationDefinitionNode,
             fragments: dict[str, FragmentDefinitionNode],
             root: GraphQLObjectType) -> ResponseKeys:
        """Every response key of the client's operation, by response path."""
        keys = cls()
        aliases: set[str] = set()

        def walk(parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
                 selection_set: SelectionSetNode, path: Path) -> None:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    if selection.alias is not None:
                        aliases.add(key)
                    keys.client.setdefault((path, key), set()).add(signature(selection))
                    fields = getattr(parent, "fields", {})
                    definition = fields.get(selection.name.value)
                    if definition is None or selection.selection_set is None:
                        continue
                    named = get_named_type(definition.type)
                    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType
                                      | GraphQLUnionType)
                    walk(named, selection.selection_set,
                         (*path, key, *("@",) * list_depth(definition.type)))
                    continue
                if isinstance(selection, InlineFragmentNode):
                    condition, inner = selection.type_condition, selection.selection_set
                else:
                    assert isinstance(selection, FragmentSpreadNode)
                    fragment = fragments[selection.name.value]
                    condition, inner = fragment.type_condition, fragment.selection_set
                typed = schema.get_type(condition.name.value) if condition else parent
                assert isinstance(typed, GraphQLObjectType | GraphQLInterfaceType
                                  | GraphQLUnionType)
                walk(typed, inner, path)

        walk(root, operation.selection_set, ())
        while any(alias.startswith(keys.prefix) for alias in aliases):
            keys.prefix = "_" + keys.prefix
        return keys

    def for_planner(self, path: Path, wanted: Signature) -> str:
        """The response key of a field the planner adds at ``path``."""
        known = self.planner.get((path, wanted))
        if known is not None:
            return known
        name = wanted[0]
        candidates = [name, self.prefix + name]
        candidates += [f"{self.prefix}{name}_{n}" for n in range(2, 100)]
        for key in candidates:
            users = self.client.get((path, key), set())
            if users - {wanted}:
                continue  # the client uses this key for something else here
            if self.taken.get((path, key), wanted) != wanted:
                continue  # the planner uses it for the same field with other arguments
            self.planner[(path, wanted)] = key
            self.taken[(path, key)] = wanted
            return key
        raise AssertionError(f"no free response key for {name} at {'.'.join(path)}")
