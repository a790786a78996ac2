"""Read one subgraph SDL into the model (``model.py``).

What this module knows about federation:

* ``@link(url: ".../federation/v2.x", import: [...])`` decides what the federation directives are
  called in this subgraph: imported ones by their (possibly renamed) import name, the others as
  ``@federation__name`` (or ``@<as>__name`` when the link sets ``as:``).
* The federation plumbing a subgraph library adds (``_Any``, ``_Entity``, ``_Service``,
  ``Query._entities``, ``Query._service``, ``FieldSet`` scalars, directive definitions) is not
  part of the supergraph and is dropped here.
* Root types are renamed to ``Query``/``Mutation``/``Subscription`` as the supergraph requires.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSyntaxError, print_ast
from graphql import parse as parse_document
from graphql.language import Visitor, ast, visit
from graphql.utilities import value_from_ast_untyped

from .errors import IssueCollector
from .markers import combine_markers
from .model import (
    BUILTIN_SCALARS,
    ROOT_OPERATIONS,
    ROOT_TYPE_NAMES,
    ArgumentDef,
    EnumValueDef,
    FieldDef,
    KeyDef,
    Kind,
    Markers,
    SubgraphSchema,
    TypeDef,
    TypeRef,
)

FEDERATION_SPEC = "specs.apollo.dev/federation/"
FEDERATION_DIRECTIVES = (
    "key",
    "shareable",
    "external",
    "requires",
    "provides",
    "override",
    "inaccessible",
    "tag",
    "interfaceObject",
    "extends",
    "composeDirective",
    "authenticated",
    "requiresScopes",
    "policy",
)
INTERNAL_TYPES = frozenset(
    {"_Any", "_Entity", "_Service", "_FieldSet", "FieldSet", "link__Import", "link__Purpose"}
)
INTERNAL_ROOT_FIELDS = frozenset({"_entities", "_service"})
DEFAULT_DEPRECATION_REASON = "No longer supported"
# Federation directive arguments that must be a String (a missing/mistyped one would otherwise
# make the directive silently vanish).
REQUIRED_STRING_ARGUMENTS = {
    "key": "fields",
    "requires": "fields",
    "provides": "fields",
    "override": "from",
    "tag": "name",
}
BUILTIN_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "include", "skip", "oneOf", "link"})

_KIND_BY_NODE: dict[type[ast.Node], Kind] = {
    ast.ObjectTypeDefinitionNode: Kind.OBJECT,
    ast.ObjectTypeExtensionNode: Kind.OBJECT,
    ast.InterfaceTypeDefinitionNode: Kind.INTERFACE,
    ast.InterfaceTypeExtensionNode: Kind.INTERFACE,
    ast.UnionTypeDefinitionNode: Kind.UNION,
    ast.UnionTypeExtensionNode: Kind.UNION,
    ast.EnumTypeDefinitionNode: Kind.ENUM,
    ast.EnumTypeExtensionNode: Kind.ENUM,
    ast.InputObjectTypeDefinitionNode: Kind.INPUT_OBJECT,
    ast.InputObjectTypeExtensionNode: Kind.INPUT_OBJECT,
    ast.ScalarTypeDefinitionNode: Kind.SCALAR,
    ast.ScalarTypeExtensionNode: Kind.SCALAR,
}


def parse_subgraph(name: str, url: str, sdl: str, issues: IssueCollector) -> SubgraphSchema | None:
    """Parse one subgraph; on a problem, record it in ``issues`` and return ``None``."""
    try:
        document = parse_document(sdl)
    except GraphQLSyntaxError as error:
        issues.add(
            "INVALID_GRAPHQL",
            f"[{name}] the subgraph SDL does not parse: {error.message} "
            f"(line {_error_line(error)})",
            subgraphs=[name],
        )
        return None
    reader = _SubgraphReader(name, url, document, issues)
    return reader.read()


def _error_line(error: GraphQLSyntaxError) -> str:
    locations = error.locations or []
    return str(locations[0].line) if locations else "?"


class _DirectiveNames:
    """Maps the names used in one subgraph to canonical federation directive names."""

    def __init__(self) -> None:
        self.canonical_by_local: dict[str, str] = {}
        self.found_link = False

    def learn_link(self, directive: ast.DirectiveNode) -> None:
        args = _arguments(directive)
        url = args.get("url")
        if not isinstance(url, str) or FEDERATION_SPEC not in url:
            return
        self.found_link = True
        prefix = args.get("as") if isinstance(args.get("as"), str) else "federation"
        for canonical in FEDERATION_DIRECTIVES:
            self.canonical_by_local[f"{prefix}__{canonical}"] = canonical
        for entry in args.get("import") or []:
            if isinstance(entry, str):
                imported, local = entry, entry
            elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
                imported = entry["name"]
                local = entry.get("as") or imported
            else:
                continue
            canonical = imported.lstrip("@")
            if imported.startswith("@") and canonical in FEDERATION_DIRECTIVES:
                self.canonical_by_local[str(local).lstrip("@")] = canonical

    def canonical(self, directive: ast.DirectiveNode) -> str:
        """The federation name of a directive, or its own name if it is not a federation one."""
        local = directive.name.value
        if local in self.canonical_by_local:
            return self.canonical_by_local[local]
        if local in FEDERATION_DIRECTIVES:
            return f"unlinked:{local}"  # same name, but not imported: a custom directive
        return local


def _arguments(directive: ast.DirectiveNode) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}


def _description(node: Any) -> str | None:
    description = getattr(node, "description", None)
    return description.value if description is not None else None


class _SubgraphReader:
    def __init__(
        self, name: str, url: str, document: ast.DocumentNode, issues: IssueCollector
    ) -> None:
        self.subgraph = SubgraphSchema(name=name, url=url)
        self.document = document
        self.issues = issues
        self.names = _DirectiveNames()
        self.renames: dict[str, str] = {}

    def read(self) -> SubgraphSchema | None:
        self._read_schema_definitions()
        if not self.names.found_link:
            self.issues.add(
                "UNSUPPORTED_FEATURE",
                f"[{self.subgraph.name}] the subgraph has no @link to the Federation 2 spec "
                '(extend schema @link(url: "https://specs.apollo.dev/federation/v2.x", ...)); '
                "only Federation 2 subgraphs can be composed",
                subgraphs=[self.subgraph.name],
            )
            return None
        self._check_directives_are_known()
        defined: set[str] = set()
        for definition in self.document.definitions:
            kind = _KIND_BY_NODE.get(type(definition))
            if kind is None:
                continue
            type_name = definition.name.value  # type: ignore[attr-defined]
            if type_name in INTERNAL_TYPES or type_name.startswith(("federation__", "link__")):
                continue
            if type_name in BUILTIN_SCALARS:
                continue
            is_extension = "Extension" in type(definition).__name__
            if not is_extension and type_name in defined:
                self.issues.add(
                    "INVALID_GRAPHQL",
                    f'[{self.subgraph.name}] type "{type_name}" is defined more than once',
                    subgraphs=[self.subgraph.name],
                    coordinates=[type_name],
                )
                continue
            if not is_extension:
                defined.add(type_name)
            self._read_type(definition, kind, is_extension)
        for type_def in self.subgraph.types.values():
            if type_def.extension and type_def.name in defined:
                # ``type X`` plus ``extend type X`` in the same subgraph is simply X.
                type_def.extension = False
        query = self.subgraph.root_types["query"]
        self.subgraph.types.setdefault(query, TypeDef(name=query, kind=Kind.OBJECT))
        return self.subgraph

    # -- schema definition and root types ---------------------------------------------------

    def _read_schema_definitions(self) -> None:
        explicit_roots: dict[str, str] = {}
        for definition in self.document.definitions:
            if isinstance(definition, ast.SchemaDefinitionNode | ast.SchemaExtensionNode):
                for directive in definition.directives or ():
                    if directive.name.value == "link":
                        self.names.learn_link(directive)
                for operation_type in definition.operation_types or ():
                    explicit_roots[operation_type.operation.value] = operation_type.type.name.value
        for operation in ROOT_OPERATIONS:
            supergraph_name = ROOT_TYPE_NAMES[operation]
            local = explicit_roots.get(operation, supergraph_name)
            if local != supergraph_name:
                self.renames[local] = supergraph_name
            self.subgraph.root_types[operation] = supergraph_name

    def _check_directives_are_known(self) -> None:
        """A directive that is neither built in, defined, nor imported from federation is a typo
        or a missing import; silently ignoring it would drop e.g. a @key."""
        defined = {
            d.name.value
            for d in self.document.definitions
            if isinstance(d, ast.DirectiveDefinitionNode)
        }
        collector = _DirectiveCollector()
        visit(self.document, collector)
        for directive in collector.directives:
            self._check_string_argument(directive)
        for name in sorted({directive.name.value for directive in collector.directives}):
            if name in defined or name in BUILTIN_DIRECTIVES:
                continue
            if name in self.names.canonical_by_local:
                continue
            hint = ""
            if name in FEDERATION_DIRECTIVES:
                hint = (
                    f' If you meant the federation directive, add "@{name}" to the import list '
                    f"of the federation @link (or write @federation__{name})."
                )
            self.issues.add(
                "INVALID_GRAPHQL",
                f'[{self.subgraph.name}] Unknown directive "@{name}".{hint}',
                subgraphs=[self.subgraph.name],
                coordinates=[f"@{name}"],
            )

    def _check_string_argument(self, directive: ast.DirectiveNode) -> None:
        canonical = self.names.canonical(directive)
        argument = REQUIRED_STRING_ARGUMENTS.get(canonical)
        if argument is None or isinstance(_arguments(directive).get(argument), str):
            return
        line = directive.loc.start_token.line if directive.loc else "?"
        self.issues.add(
            "INVALID_GRAPHQL",
            f'[{self.subgraph.name}] "@{directive.name.value}({argument}:)" must be given a '
            f"String (line {line})",
            subgraphs=[self.subgraph.name],
            coordinates=[f"@{directive.name.value}"],
        )

    def _type_name(self, name: str) -> str:
        return self.renames.get(name, name)

    def _type_ref(self, node: ast.TypeNode) -> TypeRef:
        if isinstance(node, ast.NonNullTypeNode):
            inner = self._type_ref(node.type)
            return TypeRef(inner.name, inner.item, True)
        if isinstance(node, ast.ListTypeNode):
            return TypeRef(item=self._type_ref(node.type))
        assert isinstance(node, ast.NamedTypeNode)
        return TypeRef(name=self._type_name(node.name.value))

    # -- types ------------------------------------------------------------------------------

    def _read_type(self, node: Any, kind: Kind, is_extension: bool) -> None:
        name = self._type_name(node.name.value)
        type_def = self.subgraph.types.get(name)
        if type_def is None:
            type_def = TypeDef(name=name, kind=kind, extension=is_extension)
            self.subgraph.types[name] = type_def
        elif type_def.kind is not kind:
            self.issues.add(
                "INVALID_GRAPHQL",
                f'[{self.subgraph.name}] type "{name}" is declared both as {type_def.kind.value} '
                f"and as {kind.value}",
                subgraphs=[self.subgraph.name],
                coordinates=[name],
            )
            return
        type_def.description = type_def.description or _description(node)
        self._read_type_directives(type_def, node.directives or ())
        for interface in getattr(node, "interfaces", None) or ():
            type_def.interfaces.append(self._type_name(interface.name.value))
        for member in getattr(node, "types", None) or ():
            type_def.members.append(self._type_name(member.name.value))
        for value in getattr(node, "values", None) or ():
            type_def.values[value.name.value] = EnumValueDef(
                name=value.name.value,
                description=_description(value),
                markers=self._markers(value.directives or ()),
            )
        for field_node in getattr(node, "fields", None) or ():
            field_name = field_node.name.value
            if kind is Kind.OBJECT and name == "Query" and field_name in INTERNAL_ROOT_FIELDS:
                continue
            type_def.fields[field_name] = self._read_field(field_node)

    def _read_type_directives(
        self, type_def: TypeDef, directives: tuple[ast.DirectiveNode, ...]
    ) -> None:
        for directive in directives:
            canonical = self.names.canonical(directive)
            args = _arguments(directive)
            if canonical == "key":
                fields = args.get("fields")
                if isinstance(fields, str):
                    resolvable = args.get("resolvable", True) is not False
                    type_def.keys.append(KeyDef(fields=fields, resolvable=resolvable))
            elif canonical == "shareable":
                type_def.shareable = True
            elif canonical == "interfaceObject":
                type_def.interface_object = True
            elif canonical == "extends":
                type_def.extension = True
            elif canonical == "oneOf":
                type_def.one_of = True
            elif canonical == "specifiedBy":
                url = args.get("url")
                type_def.specified_by = url if isinstance(url, str) else None
        type_def.markers = combine_markers([type_def.markers, self._markers(directives)])

    def _read_field(self, node: Any) -> FieldDef:
        field_def = FieldDef(
            name=node.name.value,
            type=self._type_ref(node.type),
            description=_description(node),
            markers=self._markers(node.directives or ()),
        )
        default_value = getattr(node, "default_value", None)
        if default_value is not None:
            field_def.default = print_ast(default_value)
        for arg_node in getattr(node, "arguments", None) or ():
            field_def.arguments[arg_node.name.value] = ArgumentDef(
                name=arg_node.name.value,
                type=self._type_ref(arg_node.type),
                default=print_ast(arg_node.default_value) if arg_node.default_value else None,
                description=_description(arg_node),
                markers=self._markers(arg_node.directives or ()),
            )
        for directive in node.directives or ():
            canonical = self.names.canonical(directive)
            args = _arguments(directive)
            if canonical == "shareable":
                field_def.shareable = True
            elif canonical == "external":
                field_def.external = True
            elif canonical == "requires":
                field_def.requires = _string_or_none(args.get("fields"))
            elif canonical == "provides":
                field_def.provides = _string_or_none(args.get("fields"))
            elif canonical == "override":
                field_def.override = _string_or_none(args.get("from"))
                field_def.override_label = _string_or_none(args.get("label"))
        return field_def

    def _markers(self, directives: tuple[ast.DirectiveNode, ...] | Any) -> Markers:
        markers = Markers()
        for directive in directives:
            canonical = self.names.canonical(directive)
            args = _arguments(directive)
            if canonical == "tag" and isinstance(args.get("name"), str):
                if args["name"] not in markers.tags:
                    markers.tags.append(args["name"])
            elif canonical == "inaccessible":
                markers.inaccessible = True
            elif canonical == "authenticated":
                markers.authenticated = True
            elif canonical == "requiresScopes":
                markers.scopes = _requirement_groups(args.get("scopes"))
            elif canonical == "policy":
                markers.policies = _requirement_groups(args.get("policies"))
            elif canonical == "deprecated":
                reason = args.get("reason")
                markers.deprecated = (
                    reason if isinstance(reason, str) else (DEFAULT_DEPRECATION_REASON)
                )
        return markers


class _DirectiveCollector(Visitor):
    """Collects all directives applied anywhere in a document."""

    def __init__(self) -> None:
        super().__init__()
        self.directives: list[ast.DirectiveNode] = []

    def enter_directive(self, node: ast.DirectiveNode, *_args: Any) -> None:
        self.directives.append(node)


def _string_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _requirement_groups(value: Any) -> list[list[str]]:
    """``[["a", "b"], ["c"]]`` from a @requiresScopes/@policy argument; junk is ignored."""
    if not isinstance(value, list):
        return []
    return [
        [item for item in group if isinstance(item, str)]
        for group in value
        if isinstance(group, list)
    ]
