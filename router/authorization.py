"""Enforcing ``@authenticated``, ``@requiresScopes`` and ``@policy`` from the supergraph.

Composition copies these directives into the supergraph (``@link``ed to
``https://specs.apollo.dev/authenticated/v0.1``, ``requiresScopes/v0.1`` and ``policy/v0.1``,
possibly under other names). Like Apollo Router, the router answers what the viewer may see and
leaves out the rest: before planning, every field the viewer is not allowed to read is removed
from the operation (a field is guarded by its own directives and those of the type it returns;
a fragment on a guarded type is removed too). Each removed field comes back as ``null`` with an
``UNAUTHORIZED_FIELD_OR_TYPE`` error at its path (``@`` standing for every list item), and the
rest of the operation runs.

* ``@authenticated``: the request carries a verified token.
* ``@requiresScopes(scopes: [["a", "b"], ["c"]])``: the token's ``scope`` claim holds a and b,
  or c (each inner list is all-of, the outer one any-of).
* ``@policy(policies: [["p"], ...])``: same shape; each policy name is decided by a pluggable
  :data:`PolicyHook` (without one, every policy is denied).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    SelectionNode,
    SelectionSetNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    get_named_type,
    value_from_ast_untyped,
)

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
UNAUTHORIZED_MESSAGE = "Unauthorized field or type"
SPEC_HOST = "https://specs.apollo.dev/"
SPECS = ("authenticated", "requiresScopes", "policy")


@dataclass(frozen=True)
class Viewer:
    """Who is asking: whether a token was verified, its scopes and its claims."""

    authenticated: bool = False
    scopes: frozenset[str] = frozenset()
    claims: Mapping[str, Any] = field(default_factory=dict)


ANONYMOUS = Viewer()
# Decides one @policy name for a viewer. Policies nobody decides are denied.
PolicyHook = Callable[[str, Viewer], bool]


def deny_all_policies(_policy: str, _viewer: Viewer) -> bool:
    return False


@dataclass
class Guard:
    """What reading one schema element takes; several directives on it must all pass."""

    authenticated: bool = False
    scopes: list[list[frozenset[str]]] = field(default_factory=list)  # each: any-of all-of sets
    policies: list[list[frozenset[str]]] = field(default_factory=list)

    def allows(self, viewer: Viewer, policy_hook: PolicyHook) -> bool:
        if (self.authenticated or self.scopes) and not viewer.authenticated:
            return False
        for alternatives in self.scopes:
            if not any(group <= viewer.scopes for group in alternatives):
                return False
        for alternatives in self.policies:
            if not any(all(policy_hook(p, viewer) for p in group) for group in alternatives):
                return False
        return True


def _directive_names(document: DocumentNode) -> dict[str, str]:
    """Local directive name -> spec, following ``@link(as:)`` and ``import`` renames."""
    names: dict[str, str] = {}
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value != "link":
                continue
            args = {
                a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()
            }
            url = args.get("url")
            if not isinstance(url, str) or not url.startswith(SPEC_HOST):
                continue
            spec = url[len(SPEC_HOST):].split("/")[0]
            if spec not in SPECS:
                continue
            alias = args.get("as")
            names[alias if isinstance(alias, str) else spec] = spec
            for imported in args.get("import") or []:
                if isinstance(imported, dict) and imported.get("name") == f"@{spec}":
                    local = imported.get("as")
                    if isinstance(local, str):
                        names[local.lstrip("@")] = spec
    return names


def _groups(value: object) -> list[frozenset[str]]:
    if not isinstance(value, list):
        return []
    return [frozenset(str(v) for v in group) for group in value if isinstance(group, list)]


def _guard(directives: tuple[DirectiveNode, ...], names: Mapping[str, str]) -> Guard | None:
    guard = Guard()
    found = False
    for directive in directives:
        spec = names.get(directive.name.value)
        if spec is None:
            continue
        found = True
        args = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}
        if spec == "authenticated":
            guard.authenticated = True
        elif spec == "requiresScopes":
            guard.scopes.append(_groups(args.get("scopes")))
        else:
            guard.policies.append(_groups(args.get("policies")))
    return guard if found else None


@dataclass
class AuthorizationRules:
    """The guarded types and fields of one supergraph."""

    types: dict[str, Guard] = field(default_factory=dict)
    fields: dict[tuple[str, str], Guard] = field(default_factory=dict)

    @classmethod
    def from_supergraph(cls, document: DocumentNode) -> AuthorizationRules:
        rules = cls()
        names = _directive_names(document)
        if not names:
            return rules
        for definition in document.definitions:
            if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
                continue
            type_name = definition.name.value
            guard = _guard(tuple(definition.directives or ()), names)
            if guard is not None:
                rules.types[type_name] = guard
            for field_node in getattr(definition, "fields", None) or ():
                guard = _guard(tuple(field_node.directives or ()), names)
                if guard is not None:
                    rules.fields[(type_name, field_node.name.value)] = guard
        return rules

    def __bool__(self) -> bool:
        return bool(self.types or self.fields)


@dataclass(frozen=True)
class Authorized:
    """An operation with what the viewer may not read taken out."""

    document: DocumentNode  # the operation to plan (fragments inlined)
    removed: tuple[tuple[str | int, ...], ...]  # response paths of removed fields ("@": any item)

    def errors(self) -> list[dict[str, Any]]:
        return [
            {"message": UNAUTHORIZED_MESSAGE, "path": list(path),
             "extensions": {"code": UNAUTHORIZED}}
            for path in self.removed
        ]


class _Filter:
    def __init__(self, schema: GraphQLSchema, rules: AuthorizationRules, viewer: Viewer,
                 policy_hook: PolicyHook, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.rules = rules
        self.viewer = viewer
        self.policy_hook = policy_hook
        self.fragments = fragments
        self.removed: list[tuple[str | int, ...]] = []

    def allowed_type(self, type_name: str) -> bool:
        guard = self.rules.types.get(type_name)
        return guard is None or guard.allows(self.viewer, self.policy_hook)

    def allowed_field(self, parent: Any, name: str, type_: GraphQLOutputType) -> bool:
        owners = [parent.name]
        if isinstance(parent, GraphQLInterfaceType):
            # a field read through an interface may land on any implementation: all of their
            # requirements for it apply
            owners += [t.name for t in self.schema.get_possible_types(parent)]
        for owner in owners:
            guard = self.rules.fields.get((owner, name))
            if guard is not None and not guard.allows(self.viewer, self.policy_hook):
                return False
        return self.allowed_type(get_named_type(type_).name)

    def selection_set(self, parent: GraphQLObjectType | GraphQLInterfaceType | Any,
                      selection_set: SelectionSetNode, path: tuple[str | int, ...]
                      ) -> SelectionSetNode:
        kept: list[SelectionNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                kept_field = self.field(parent, selection, path)
                if kept_field is not None:
                    kept.append(kept_field)
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                selection = InlineFragmentNode(
                    type_condition=fragment.type_condition,
                    directives=selection.directives,
                    selection_set=fragment.selection_set,
                )
            assert isinstance(selection, InlineFragmentNode)
            condition = selection.type_condition
            inner_type = self.schema.get_type(condition.name.value) if condition else parent
            if condition is not None and not self.allowed_type(condition.name.value):
                self.removed.append(path)
                continue
            inner = self.selection_set(inner_type, selection.selection_set, path)
            if inner.selections:
                kept.append(InlineFragmentNode(type_condition=condition,
                                               directives=selection.directives,
                                               selection_set=inner))
        return SelectionSetNode(selections=tuple(kept))

    def field(self, parent: Any, node: FieldNode, path: tuple[str | int, ...]
              ) -> FieldNode | None:
        name = node.name.value
        key = node.alias.value if node.alias else name
        if name.startswith("__"):
            return node
        definition = parent.fields[name]
        if not self.allowed_field(parent, name, definition.type):
            self.removed.append((*path, key))
            return None
        if node.selection_set is None:
            return node
        child_path = (*path, key, *(["@"] * _list_depth(definition.type)))
        inner = self.selection_set(get_named_type(definition.type), node.selection_set,
                                   child_path)
        if not inner.selections:  # everything below was removed: keep a harmless selection
            inner = SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))
        return FieldNode(alias=node.alias, name=node.name, arguments=node.arguments,
                         directives=node.directives, selection_set=inner)


def _list_depth(type_: GraphQLOutputType) -> int:
    depth = 0
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            depth += 1
        type_ = type_.of_type
    return depth


def authorize(
    schema: GraphQLSchema,
    rules: AuthorizationRules,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    viewer: Viewer,
    policy_hook: PolicyHook = deny_all_policies,
) -> Authorized | None:
    """The operation without what ``viewer`` may not read; None when nothing had to go."""
    if not rules:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    check = _Filter(schema, rules, viewer, policy_hook, fragments)
    selection = check.selection_set(root, operation.selection_set, ())
    if not check.removed:
        return None
    if not selection.selections:
        selection = SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))
    filtered = OperationDefinitionNode(
        operation=operation.operation, name=operation.name,
        variable_definitions=operation.variable_definitions, directives=operation.directives,
        selection_set=selection,
    )
    return Authorized(document=DocumentNode(definitions=(filtered,)),
                      removed=tuple(dict.fromkeys(check.removed)))
