"""Print the merged model as supergraph SDL (link v1.0 + join v0.5).

The output starts with the ``schema`` definition and its ``@link``s, then the definitions of the
spec directives and helper types a router needs to read the join metadata, the ``join__Graph``
enum, and finally the API types: root types first, then every other type by name. Fields keep the
order in which subgraphs (sorted by name) first declare them. Same input, same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from graphql.language.block_string import print_block_string
from graphql.language.print_string import print_string

from .model import ROOT_OPERATIONS, Kind, Markers
from .supergraph import JoinField, JoinType, MergedArgument, MergedField, MergedType, Supergraph

LINK_SPEC = "https://specs.apollo.dev/link/v1.0"
JOIN_SPEC = "https://specs.apollo.dev/join/v0.5"

JOIN_DEFINITIONS = """directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__field(
  graph: join__Graph
  requires: join__FieldSet
  provides: join__FieldSet
  type: String
  external: Boolean
  override: String
  usedOverridden: Boolean
  overrideLabel: String
  contextArguments: [join__ContextArgument!]
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION

input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}

directive @join__implements(
  graph: join__Graph!
  interface: String!
) repeatable on OBJECT | INTERFACE

directive @join__type(
  graph: join__Graph!
  key: join__FieldSet
  extension: Boolean! = false
  resolvable: Boolean! = true
  isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

scalar join__FieldSet

scalar join__FieldValue"""

LINK_DEFINITIONS = '''directive @link(
  url: String
  as: String
  for: link__Purpose
  import: [link__Import]
) repeatable on SCHEMA

scalar link__Import

enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}'''

TAG_DEFINITION = (
    "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION "
    "| ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION "
    "| SCHEMA"
)
INACCESSIBLE_DEFINITION = (
    "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM "
    "| ENUM_VALUE | SCALAR | INPUT_OBJECT | INPUT_FIELD_DEFINITION | ARGUMENT_DEFINITION"
)

AUTH_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"


@dataclass(frozen=True)
class OptionalSpec:
    """A spec the supergraph links (and defines) only when some subgraph uses it."""

    link: str
    definitions: str
    is_used: Callable[[Supergraph], bool]


OPTIONAL_SPECS = (
    OptionalSpec(
        '@link(url: "https://specs.apollo.dev/tag/v0.3")',
        TAG_DEFINITION,
        Supergraph.uses_tag,
    ),
    OptionalSpec(
        '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)',
        INACCESSIBLE_DEFINITION,
        Supergraph.uses_inaccessible,
    ),
    OptionalSpec(
        '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)',
        f"directive @authenticated on {AUTH_LOCATIONS}",
        Supergraph.uses_authenticated,
    ),
    OptionalSpec(
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
        "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on "
        f"{AUTH_LOCATIONS}\n\nscalar requiresScopes__Scope",
        Supergraph.uses_requires_scopes,
    ),
    OptionalSpec(
        '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        f"directive @policy(policies: [[policy__Policy!]!]!) on {AUTH_LOCATIONS}"
        "\n\nscalar policy__Policy",
        Supergraph.uses_policy,
    ),
)

_KEYWORD = {
    Kind.OBJECT: "type",
    Kind.INTERFACE: "interface",
    Kind.UNION: "union",
    Kind.ENUM: "enum",
    Kind.INPUT_OBJECT: "input",
    Kind.SCALAR: "scalar",
}


def graph_enum_names(subgraph_names: list[str]) -> dict[str, str]:
    """``join__Graph`` value per subgraph: CONSTANT_CASE of the name, made unique."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for name in subgraph_names:
        value = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
        value = re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_").upper() or "GRAPH"
        if value[0].isdigit():
            value = "_" + value
        candidate, counter = value, 1
        while candidate in taken:
            counter += 1
            candidate = f"{value}_{counter}"
        taken.add(candidate)
        names[name] = candidate
    return names


def print_supergraph(supergraph: Supergraph) -> str:
    return _Printer(supergraph).print()


class _Printer:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.graph_ids = graph_enum_names([s.name for s in supergraph.subgraphs])
        self.specs = [spec for spec in OPTIONAL_SPECS if spec.is_used(supergraph)]

    def print(self) -> str:
        blocks = [self._schema_definition(), JOIN_DEFINITIONS, LINK_DEFINITIONS]
        blocks += [spec.definitions for spec in self.specs]
        if self.supergraph.uses_one_of():
            blocks.append("directive @oneOf on INPUT_OBJECT")
        blocks.append(self._graph_enum())
        roots = list(self.supergraph.root_types.values())
        others = sorted(name for name in self.supergraph.types if name not in roots)
        for name in roots + others:
            blocks.append(self._type(self.supergraph.types[name]))
        return "\n\n".join(blocks) + "\n"

    def _schema_definition(self) -> str:
        links = [f"@link(url: {print_string(LINK_SPEC)})"]
        links.append(f"@link(url: {print_string(JOIN_SPEC)}, for: EXECUTION)")
        links += [spec.link for spec in self.specs]
        operations = [
            f"  {operation}: {self.supergraph.root_types[operation]}"
            for operation in ROOT_OPERATIONS
            if operation in self.supergraph.root_types
        ]
        return "schema\n  " + "\n  ".join(links) + "\n{\n" + "\n".join(operations) + "\n}"

    def _graph_enum(self) -> str:
        lines = [
            f"  {self.graph_ids[s.name]} @join__graph(name: {print_string(s.name)}, "
            f"url: {print_string(s.url)})"
            for s in self.supergraph.subgraphs
        ]
        return "enum join__Graph {\n" + "\n".join(lines) + "\n}"

    # -- types ------------------------------------------------------------------------------

    def _type(self, merged: MergedType) -> str:
        head = _description(merged.description, "") + f"{_KEYWORD[merged.kind]} {merged.name}"
        if merged.interfaces:
            head += " implements " + " & ".join(merged.interfaces)
        directives = [self._join_type(join) for join in merged.join_types]
        directives += [
            f"@join__implements(graph: {self.graph_ids[graph]}, interface: "
            f"{print_string(interface)})"
            for graph, interface in merged.implements
        ]
        directives += [
            f"@join__unionMember(graph: {self.graph_ids[graph]}, member: {print_string(member)})"
            for graph, member in merged.union_members
        ]
        directives += _markers(merged.markers)
        if merged.one_of:
            directives.append("@oneOf")
        if merged.specified_by:
            directives.append(f"@specifiedBy(url: {print_string(merged.specified_by)})")
        head += "".join(f"\n  {directive}" for directive in directives)
        if merged.kind is Kind.UNION:
            return head + "\n  = " + " | ".join(merged.members)
        if merged.kind is Kind.SCALAR:
            return head
        if merged.kind is Kind.ENUM:
            body = [self._enum_value(merged, name) for name in merged.values]
        else:
            body = [self._field(f) for f in merged.fields.values()]
        return head + "\n{\n" + "\n".join(body) + "\n}"

    def _join_type(self, join: JoinType) -> str:
        args = [f"graph: {self.graph_ids[join.graph]}"]
        if join.key is not None:
            args.append(f"key: {print_string(join.key)}")
        if join.extension:
            args.append("extension: true")
        if not join.resolvable:
            args.append("resolvable: false")
        if join.is_interface_object:
            args.append("isInterfaceObject: true")
        return f"@join__type({', '.join(args)})"

    def _enum_value(self, merged: MergedType, name: str) -> str:
        value = merged.values[name]
        directives = [f"@join__enumValue(graph: {self.graph_ids[graph]})" for graph in value.graphs]
        directives += _markers(value.markers)
        return _description(value.description, "  ") + f"  {name}" + _inline(directives)

    def _field(self, merged_field: MergedField) -> str:
        text = _description(merged_field.description, "  ") + f"  {merged_field.name}"
        if merged_field.arguments:
            text += "(" + ", ".join(_argument(a) for a in merged_field.arguments.values()) + ")"
        text += f": {merged_field.type}"
        if merged_field.default is not None:
            text += f" = {merged_field.default}"
        directives = [self._join_field(join) for join in merged_field.joins]
        directives += _markers(merged_field.markers)
        return text + _inline(directives)

    def _join_field(self, join: JoinField) -> str:
        if join.graph is None:
            return "@join__field"
        args = [f"graph: {self.graph_ids[join.graph]}"]
        if join.requires is not None:
            args.append(f"requires: {print_string(join.requires)}")
        if join.provides is not None:
            args.append(f"provides: {print_string(join.provides)}")
        if join.type is not None:
            args.append(f"type: {print_string(join.type)}")
        if join.external:
            args.append("external: true")
        if join.override is not None:
            args.append(f"override: {print_string(join.override)}")
        if join.used_overridden:
            args.append("usedOverridden: true")
        if join.override_label is not None:
            args.append(f"overrideLabel: {print_string(join.override_label)}")
        return f"@join__field({', '.join(args)})"


def _argument(argument: MergedArgument) -> str:
    text = ""
    if argument.description:
        text += print_string(argument.description) + " "
    text += f"{argument.name}: {argument.type}"
    if argument.default is not None:
        text += f" = {argument.default}"
    return text + _inline(_markers(argument.markers))


def _markers(markers: Markers) -> list[str]:
    printed = [f"@tag(name: {print_string(tag)})" for tag in markers.tags]
    if markers.inaccessible:
        printed.append("@inaccessible")
    if markers.authenticated:
        printed.append("@authenticated")
    if markers.scopes:
        printed.append(f"@requiresScopes(scopes: {_groups(markers.scopes)})")
    if markers.policies:
        printed.append(f"@policy(policies: {_groups(markers.policies)})")
    if markers.deprecated is not None:
        printed.append(f"@deprecated(reason: {print_string(markers.deprecated)})")
    return printed


def _groups(groups: list[list[str]]) -> str:
    return "[" + ", ".join("[" + ", ".join(map(print_string, g)) + "]" for g in groups) + "]"


def _inline(directives: list[str]) -> str:
    return "".join(f" {directive}" for directive in directives)


def _description(description: str | None, indent: str) -> str:
    if not description:
        return ""
    block = print_block_string(description)
    return "".join(f"{indent}{line}\n" if line else "\n" for line in block.split("\n"))
