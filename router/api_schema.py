"""The API schema: what clients see of the supergraph.

Derived from the supergraph SDL by removing everything that only serves the router:
directives and types of linked specs (``@link``, ``@join__*``, ``@inaccessible``, ``@tag``...,
``join__Graph``, ``link__Purpose``...) and every element marked ``@inaccessible``. The result is
an ordinary graphql-core ``GraphQLSchema`` used for validation and introspection and as the shape
the executor fills in.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumValueDefinitionNode,
    FieldDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    InputValueDefinitionNode,
    NamedTypeNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    Visitor,
    build_ast_schema,
    validate_schema,
    value_from_ast_untyped,
    visit,
)
from graphql.language.visitor import REMOVE

from router.supergraph import SupergraphError

SPEC_HOST = "https://specs.apollo.dev/"


def _linked_spec_names(document: DocumentNode) -> tuple[set[str], str]:
    """Local names of every spec the supergraph links, and the local name of inaccessible.

    Federation 2 supergraphs ``@link(url:, as:, import:)`` their specs; Federation 1 ones
    ``@core(feature:, as:)`` them. A renamed spec (``as:``) or a renamed import
    (``{name: "@inaccessible", as: "@hidden"}``) changes the local name.
    """
    names = {"link", "core"}
    inaccessible = "inaccessible"
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value not in ("link", "core"):
                continue
            args = {
                a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()
            }
            url = args.get("url", args.get("feature"))
            if not isinstance(url, str) or not url.startswith(SPEC_HOST):
                continue
            spec = url[len(SPEC_HOST):].split("/")[0]
            alias = args.get("as")
            local = alias if isinstance(alias, str) else spec
            names.add(local)
            if spec == "inaccessible":
                inaccessible = local
            for imported in args.get("import") or []:
                original = imported.get("name") if isinstance(imported, dict) else imported
                name = imported.get("as", original) if isinstance(imported, dict) else imported
                if isinstance(name, str):
                    names.add(name.lstrip("@"))
                    if spec == "inaccessible" and original == "@inaccessible":
                        inaccessible = name.lstrip("@")
    return names, inaccessible


def _is_spec_name(name: str, specs: set[str]) -> bool:
    return name in specs or (name.split("__", 1)[0] in specs and "__" in name)


class _Strip(Visitor):
    """Removes spec machinery and ``@inaccessible`` elements from a supergraph document."""

    def __init__(self, specs: set[str], inaccessible: str, hidden_types: set[str]) -> None:
        super().__init__()
        self.specs = specs
        self.inaccessible = inaccessible
        self.hidden_types = hidden_types

    def _hidden(self, node: Any) -> bool:
        return any(d.name.value == self.inaccessible for d in node.directives or ())

    def enter_directive_definition(self, node: DirectiveDefinitionNode, *_: Any) -> Any:
        return REMOVE if _is_spec_name(node.name.value, self.specs) else None

    def enter_directive(self, node: DirectiveNode, *_: Any) -> Any:
        return REMOVE if _is_spec_name(node.name.value, self.specs) else None

    def enter(self, node: Any, *_: Any) -> Any:
        if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
            return REMOVE if node.name.value in self.hidden_types else None
        if isinstance(node, FieldDefinitionNode | InputValueDefinitionNode
                      | EnumValueDefinitionNode):
            return REMOVE if self._hidden(node) else None
        if isinstance(node, NamedTypeNode) and node.name.value in self.hidden_types:
            return REMOVE
        return None

    def leave_schema_extension(self, node: SchemaExtensionNode, *_: Any) -> Any:
        return None if node.directives or node.operation_types else REMOVE


def build_api_schema(document: DocumentNode, *, keep_inaccessible: bool = False) -> GraphQLSchema:
    """The client-facing schema of a supergraph document.

    With ``keep_inaccessible`` the ``@inaccessible`` elements stay: that is the schema the
    planner works on, since keys and ``@requires`` may name fields clients cannot see.
    """
    specs, inaccessible = _linked_spec_names(document)
    if keep_inaccessible:
        inaccessible = "\0"  # a name no directive can have: nothing counts as hidden
    hidden_types: set[str] = set()
    for definition in document.definitions:
        if isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            name = definition.name.value
            marked = any(d.name.value == inaccessible for d in definition.directives or ())
            if marked or _is_spec_name(name, specs):
                hidden_types.add(name)
    stripped = visit(document, _Strip(specs, inaccessible, hidden_types))
    try:
        schema = build_ast_schema(stripped)
    except (GraphQLError, TypeError) as exc:
        raise SupergraphError(f"cannot build the API schema: {exc}") from None
    # e.g. a union all of whose members are @inaccessible: no operation could be validated
    problems = validate_schema(schema)
    if problems:
        raise SupergraphError("the API schema is not valid: "
                              + "; ".join(problem.message for problem in problems[:3]))
    return schema
