"""The subgraph model: what one subgraph says about each type, with federation directives decoded.

``parse.py`` turns SDL into these objects; validation and merging only ever look at the model, never
at raw AST, so the federation rules read as plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

ROOT_OPERATIONS = ("query", "mutation", "subscription")
ROOT_TYPE_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
BUILTIN_SCALARS = frozenset({"Int", "Float", "String", "Boolean", "ID"})


class Kind(Enum):
    OBJECT = "Object Type"
    INTERFACE = "Interface Type"
    UNION = "Union Type"
    ENUM = "Enum Type"
    INPUT_OBJECT = "Input Object Type"
    SCALAR = "Scalar Type"


@dataclass(frozen=True)
class TypeRef:
    """A GraphQL type reference: a named type, or a list of one, optionally non-null."""

    name: str | None = None
    item: TypeRef | None = None
    non_null: bool = False

    def __str__(self) -> str:
        base = self.name if self.name is not None else f"[{self.item}]"
        return base + ("!" if self.non_null else "")

    @property
    def named(self) -> str:
        """The innermost named type (``Character`` for ``[Character!]!``)."""
        ref: TypeRef = self
        while ref.item is not None:
            ref = ref.item
        assert ref.name is not None
        return ref.name

    def nullable(self) -> TypeRef:
        return TypeRef(self.name, self.item, False)


@dataclass
class Markers:
    """Directives that travel unchanged from subgraphs to the supergraph."""

    tags: list[str] = field(default_factory=list)
    inaccessible: bool = False
    deprecated: str | None = None  # the reason; None means not deprecated
    authenticated: bool = False
    scopes: list[list[str]] = field(default_factory=list)  # @requiresScopes: OR of AND-groups
    policies: list[list[str]] = field(default_factory=list)  # @policy: OR of AND-groups


@dataclass
class ArgumentDef:
    name: str
    type: TypeRef
    default: str | None = None  # printed GraphQL value literal
    description: str | None = None
    markers: Markers = field(default_factory=Markers)


@dataclass
class FieldDef:
    """A field of an object, interface or input type, as one subgraph declares it."""

    name: str
    type: TypeRef
    description: str | None = None
    arguments: dict[str, ArgumentDef] = field(default_factory=dict)
    default: str | None = None  # input fields only
    markers: Markers = field(default_factory=Markers)
    shareable: bool = False
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None


@dataclass(frozen=True)
class KeyDef:
    fields: str
    resolvable: bool = True


@dataclass
class EnumValueDef:
    name: str
    description: str | None = None
    markers: Markers = field(default_factory=Markers)


@dataclass
class TypeDef:
    """One named type as one subgraph declares it (definition and extensions folded together)."""

    name: str
    kind: Kind
    description: str | None = None
    markers: Markers = field(default_factory=Markers)
    fields: dict[str, FieldDef] = field(default_factory=dict)
    keys: list[KeyDef] = field(default_factory=list)
    extension: bool = False
    shareable: bool = False
    interface_object: bool = False
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValueDef] = field(default_factory=dict)
    specified_by: str | None = None
    one_of: bool = False  # input object with @oneOf

    @property
    def merge_kind(self) -> Kind:
        """The kind this type has in the supergraph (an @interfaceObject is an interface)."""
        return Kind.INTERFACE if self.interface_object else self.kind


@dataclass
class SubgraphSchema:
    """A parsed subgraph: its identity plus its types, keyed by name."""

    name: str
    url: str
    types: dict[str, TypeDef] = field(default_factory=dict)
    root_types: dict[str, str] = field(default_factory=dict)  # operation -> supergraph type name
