"""What a generated subgraph set is made of, and how it becomes a corpus case.

The generator (``blocks.py``) declares types and fields subgraph by subgraph, the way a person
writes subgraph SDL, and fills fixture tables as it goes. ``World`` holds that state; ``Truth``
gives every field of every entity one value shared by all subgraphs, so that whichever
subgraph a gateway asks for a ``@shareable`` field, a provided field or a key, the answer is the
same: a difference between gateways is then a difference in planning or execution, never in
the data. Only fields that must differ do (an ``@override``-n field's old owner answers
``old:...``).

``World.case()`` renders it all as a ``tests.router.conformance.corpus.Case`` (SDL, tables,
expression resolvers), and ``case_yaml`` as a ``case.yaml`` to drop into the corpus.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.router.conformance.corpus import Case, Operation, SubgraphCase

FEDERATION_IMPORTS = ("@key", "@external", "@requires", "@provides", "@shareable", "@override",
                      "@inaccessible", "@interfaceObject")
LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", import: ['
        + ", ".join(f'"{name}"' for name in FEDERATION_IMPORTS) + "])")
GENERATED = Path("generated")  # Case.directory of a generated case (never read)


@dataclass
class FieldDecl:
    """A field as one subgraph declares it."""

    type: str
    args: str = ""  # printed, with parentheses: '(n: Int = 1)'
    directives: list[str] = field(default_factory=list)

    def add(self, directive: str) -> None:
        if directive not in self.directives:
            self.directives.append(directive)


@dataclass
class TypeDecl:
    """A type as one subgraph declares it."""

    keyword: str  # "type", "interface", "union" or "enum"
    directives: list[str] = field(default_factory=list)
    implements: list[str] = field(default_factory=list)
    fields: dict[str, FieldDecl] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)  # union
    values: list[str] = field(default_factory=list)  # enum

    def add(self, directive: str) -> None:
        if directive not in self.directives:
            self.directives.append(directive)

    def sdl(self, name: str) -> str:
        head = name
        if self.implements:
            head += " implements " + " & ".join(self.implements)
        if self.directives:
            head += " " + " ".join(self.directives)
        if self.keyword == "union":
            return f"union {head} = {' | '.join(self.members)}"
        if self.keyword == "enum":
            return f"enum {head} {{ {' '.join(self.values)} }}"
        lines = [f"  {name}{decl.args}: {decl.type}"
                 + "".join(" " + d for d in decl.directives)
                 for name, decl in self.fields.items()]
        return "\n".join([f"{self.keyword} {head} {{", *lines, "}"])


@dataclass
class SubgraphModel:
    name: str
    types: dict[str, TypeDecl] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    root: dict[str, Any] = field(default_factory=dict)  # Query field -> value
    resolvers: dict[str, str] = field(default_factory=dict)  # "Type.field" -> expression

    def type(self, name: str, keyword: str = "type") -> TypeDecl:
        return self.types.setdefault(name, TypeDecl(keyword))

    def declare(self, type_name: str, field_name: str, type_: str, args: str = "",
                keyword: str = "type") -> FieldDecl:
        """Declare a field (once: a second declaration returns the first)."""
        return self.type(type_name, keyword).fields.setdefault(field_name, FieldDecl(type_, args))

    def has_field(self, type_name: str, field_name: str) -> bool:
        found = self.types.get(type_name)
        return found is not None and field_name in found.fields

    def sdl(self) -> str:
        blocks = [LINK]
        for name in sorted(self.types, key=lambda n: (n != "Query", n)):
            blocks.append(self.types[name].sdl(name))
        return "\n".join(blocks) + "\n"

    def subgraph_case(self) -> SubgraphCase:
        data: dict[str, Any] = {name: rows for name, rows in self.tables.items() if rows}
        if self.root:
            data["Query"] = self.root
        return SubgraphCase(name=self.name, sdl=self.sdl(), data=data,
                            resolvers=dict(self.resolvers))


def _digest(*parts: object) -> int:
    text = "/".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2s(text, digest_size=4).digest(), "big")


@dataclass
class Truth:
    """The one value every subgraph gives for a field of an object (see the module docstring)."""

    enum_values: tuple[str, ...] = ("RED", "GREEN", "BLUE")

    def scalar(self, type_name: str, owner: str, field_name: str) -> Any:
        """A value of scalar or enum ``type_name`` for ``owner``'s field ``field_name``."""
        number = _digest(owner, field_name)
        if type_name == "Int":
            return number % 100
        if type_name == "Float":
            return (number % 1000) / 8
        if type_name == "Boolean":
            return number % 2 == 0
        if type_name == "Color":
            return self.enum_values[number % len(self.enum_values)]
        return f"{field_name}-{owner}"

    @staticmethod
    def pick(owner: str, field_name: str, choices: list[Any], count: int | None = None) -> Any:
        """One of ``choices`` (or ``count`` of them, in a fixed order) for ``owner``'s field."""
        if not choices:
            return [] if count is not None else None
        start = _digest(owner, field_name)
        if count is None:
            return choices[start % len(choices)]
        return [choices[(start + i) % len(choices)] for i in range(min(count, len(choices)))]


@dataclass
class Entity:
    """An entity type: its keys, its instances, and where it is declared."""

    name: str
    keys: tuple[str, ...]  # field sets, e.g. ("id",), ("id sku",), ("id", "sku")
    ids: tuple[str, ...]  # instance ids
    homes: list[str] = field(default_factory=list)  # subgraphs that resolve it by key
    stubs: list[str] = field(default_factory=list)  # subgraphs with a resolvable: false key
    is_interface: bool = False  # an entity interface (@key on an interface)
    implementations: list[str] = field(default_factory=list)  # for entity interfaces

    def key_values(self, instance: str, keys: list[str] | tuple[str, ...]) -> dict[str, Any]:
        """The key fields ``keys`` name, for one instance."""
        values: dict[str, Any] = {}
        for key in keys:
            for name in key.split():
                values[name] = instance if name == "id" else f"{name}-{instance}"
        return values

    @property
    def key_fields(self) -> list[str]:
        names: list[str] = []
        for key in self.keys:
            names += [n for n in key.split() if n not in names]
        return names


@dataclass
class World:
    """Everything generated so far: subgraphs, entities and the shared truth."""

    subgraphs: dict[str, SubgraphModel]
    entities: dict[str, Entity] = field(default_factory=dict)
    truth: Truth = field(default_factory=Truth)
    blocks: list[str] = field(default_factory=list)  # names of the building blocks used
    # (subgraph, type, field) of fields another subgraph took over with @override
    overridden: set[tuple[str, str, str]] = field(default_factory=set)
    counter: int = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def keys_in(self, entity: Entity, subgraph: str) -> list[str]:
        """The key field sets ``subgraph`` declares for ``entity``."""
        declared = self.subgraphs[subgraph].types.get(entity.name)
        if declared is None:
            return []
        return [d.split('"')[1] for d in declared.directives if d.startswith("@key(")]

    def reference(self, entity: Entity, instance: str, subgraph: str) -> dict[str, Any]:
        """How ``subgraph`` points at an instance: ``{$ref: Type, ...its key fields}``."""
        return {"$ref": entity.name, **entity.key_values(instance, self.keys_in(entity, subgraph))}

    def case(self, name: str, operations: tuple[Operation, ...] = ()) -> Case:
        return Case(name=name, description=", ".join(self.blocks),
                    subgraphs=tuple(s.subgraph_case() for s in self.subgraphs.values()),
                    operations=operations, directory=GENERATED)


def case_yaml(case: Case) -> str:
    """``case`` as the ``case.yaml`` of a corpus case (see tests/router/conformance/README.md)."""
    subgraphs: dict[str, Any] = {}
    for spec in case.subgraphs:
        entry: dict[str, Any] = {"sdl": spec.sdl}
        if spec.data:
            entry["data"] = spec.data
        if spec.resolvers:
            entry["resolvers"] = spec.resolvers
        subgraphs[spec.name] = entry
    operations: dict[str, Any] = {}
    for operation in case.operations:
        body: dict[str, Any] = {"query": operation.query}
        if operation.variables is not None:
            body["variables"] = operation.variables
        operations[operation.name] = body
    document = {"description": f"Generated ({case.description}).", "subgraphs": subgraphs,
                "operations": operations}

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
