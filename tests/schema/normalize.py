"""Reduce a supergraph SDL to a plain structure so two composers' outputs can be compared.

Order of types, fields, directives and whitespace is irrelevant to a router, so it is dropped:
everything becomes dicts and sorted tuples. What is kept is what a router acts on — kinds,
fields and their types, arguments and defaults, descriptions, and every directive application
(join metadata, @tag, @inaccessible, @deprecated) with its arguments.
"""

from __future__ import annotations

from typing import Any

from graphql import parse, print_ast
from graphql.language import ast

SPEC_PREFIXES = ("join__", "link__")
DEFAULT_DEPRECATION = "No longer supported"


def normalize_supergraph(sdl: str) -> dict[str, Any]:
    document = parse(sdl)
    types: dict[str, Any] = {}
    schema_links: list[tuple[tuple[str, str], ...]] = []
    directive_definitions: list[str] = []
    root_types: dict[str, str] = {}
    for definition in document.definitions:
        if isinstance(definition, ast.SchemaDefinitionNode):
            schema_links = sorted(_directive(d)[1] for d in definition.directives or ())
            root_types = {
                op.operation.value: op.type.name.value for op in definition.operation_types
            }
        elif isinstance(definition, ast.DirectiveDefinitionNode):
            directive_definitions.append(definition.name.value)
        elif isinstance(definition, ast.TypeDefinitionNode):
            name = definition.name.value
            if name.startswith(SPEC_PREFIXES) and name != "join__Graph":
                continue
            types[name] = _type(definition)
    return {
        "links": schema_links,
        "roots": root_types,
        "directive_definitions": sorted(directive_definitions),
        "types": types,
    }


def _type(node: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "kind": type(node).__name__,
        "description": _description(node),
        "directives": sorted(_directive(d) for d in node.directives or ()),
        "interfaces": sorted(i.name.value for i in getattr(node, "interfaces", None) or ()),
        "members": sorted(m.name.value for m in getattr(node, "types", None) or ()),
    }
    fields = getattr(node, "fields", None) or ()
    result["fields"] = {f.name.value: _field(f) for f in fields}
    values = getattr(node, "values", None) or ()
    result["values"] = {
        v.name.value: {
            "description": _description(v),
            "directives": sorted(_directive(d) for d in v.directives or ()),
        }
        for v in values
    }
    return result


def _field(node: Any) -> dict[str, Any]:
    default = getattr(node, "default_value", None)
    return {
        "type": print_ast(node.type),
        "description": _description(node),
        "default": print_ast(default) if default is not None else None,
        "arguments": {
            a.name.value: {
                "type": print_ast(a.type),
                "default": print_ast(a.default_value) if a.default_value else None,
                "description": _description(a),
                "directives": sorted(_directive(d) for d in a.directives or ()),
            }
            for a in getattr(node, "arguments", None) or ()
        },
        "directives": sorted(_directive(d) for d in node.directives or ()),
    }


def _directive(node: ast.DirectiveNode) -> tuple[str, tuple[tuple[str, str], ...]]:
    arguments = {a.name.value: print_ast(a.value) for a in node.arguments or ()}
    if node.name.value == "deprecated" and "reason" not in arguments:
        arguments["reason"] = f'"{DEFAULT_DEPRECATION}"'
    return node.name.value, tuple(sorted(arguments.items()))


def _description(node: Any) -> str | None:
    description = getattr(node, "description", None)
    return description.value if description is not None else None
