"""Random valid operations over a composed API schema.

An operation selects a few root fields and walks down to ``MAX_DEPTH``, using what clients use:
aliases (also the same field twice with different arguments), arguments as literals or
variables, ``__typename``, inline fragments on object and abstract types, named fragments, and
``@skip``/``@include`` with literals or variables. The document is built as text and checked by
graphql-core's validation; the few that are invalid (two fragments giving one response key
different types, for instance) are left out by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_enum_type,
    is_leaf_type,
    is_non_null_type,
    parse,
    validate,
)
from hypothesis import strategies as st

from tests.router.conformance.corpus import Operation
from tests.router.fuzz.blocks import Draw

MAX_DEPTH = 4
Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


@dataclass
class _Document:
    """The operation being written: its variables and named fragments."""

    draw: Draw[Any]
    schema: GraphQLSchema
    ids: list[str]
    variables: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name -> (type, value)
    fragments: list[str] = field(default_factory=list)
    aliases: int = 0

    def variable(self, type_: str, value: Any) -> str:
        name = f"v{len(self.variables)}"
        self.variables[name] = (type_, value)
        return f"${name}"

    def condition(self) -> str:
        """Maybe an ``@skip``/``@include``, with a literal or a variable."""
        if self.draw(st.integers(0, 5)) != 0:
            return ""
        directive = self.draw(st.sampled_from(["skip", "include"]))
        value = self.draw(st.booleans())
        argument = self.variable("Boolean!", value) if self.draw(st.booleans()) \
            else str(value).lower()
        return f" @{directive}(if: {argument})"

    def alias(self) -> str:
        if self.draw(st.integers(0, 3)) != 0:
            return ""
        self.aliases += 1
        return f"k{self.aliases}: "

    def arguments(self, definition: GraphQLField) -> str:
        written = []
        for name, argument in definition.args.items():
            named = get_named_type(argument.type)
            required = is_non_null_type(argument.type) and argument.default_value is None
            if not required and self.draw(st.booleans()):
                continue
            if named.name == "ID":
                value: Any = self.draw(st.sampled_from([*self.ids, "nope"]))
                literal = f'"{value}"'
            elif named.name == "Int":
                value = self.draw(st.integers(1, 3))
                literal = str(value)
            else:
                continue
            if self.draw(st.booleans()):
                written.append(f"{name}: {self.variable(str(argument.type), value)}")
            else:
                written.append(f"{name}: {literal}")
        return f"({', '.join(written)})" if written else ""

    # --- selections -----------------------------------------------------------------------

    def field(self, parent: GraphQLObjectType | GraphQLInterfaceType, name: str,
              depth: int) -> str:
        definition = parent.fields[name]
        text = f"{self.alias()}{name}{self.arguments(definition)}{self.condition()}"
        named = get_named_type(definition.type)
        if is_leaf_type(named) or is_enum_type(named):
            return text
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        return f"{text} {{ {self.selection(named, depth + 1)} }}"

    def selection(self, parent: Composite, depth: int) -> str:
        parts: list[str] = []
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            names = [n for n in parent.fields if not n.startswith("__")]
            if depth >= MAX_DEPTH:
                names = [n for n in names if is_leaf_type(get_named_type(parent.fields[n].type))]
            count = self.draw(st.integers(1, min(4, max(1, len(names)))))
            for name in self.draw(st.lists(st.sampled_from(names), min_size=count,
                                           max_size=count)) if names else []:
                parts.append(self.field(parent, name, depth))
        if isinstance(parent, GraphQLInterfaceType | GraphQLUnionType) and depth < MAX_DEPTH:
            parts += self.fragments_on(parent, depth)
        if not parts or self.draw(st.integers(0, 4)) == 0:
            parts.append(f"{self.alias()}__typename")
        return " ".join(parts)

    def fragments_on(self, parent: GraphQLInterfaceType | GraphQLUnionType, depth: int
                     ) -> list[str]:
        possible: list[GraphQLNamedType] = list(self.schema.get_possible_types(parent))
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            possible += [i for i in parent.interfaces]
        if not possible:
            return []
        chosen = self.draw(st.lists(st.sampled_from(possible), max_size=3, unique_by=id))
        parts = []
        for condition in chosen:
            assert isinstance(condition, GraphQLObjectType | GraphQLInterfaceType)
            inner = self.selection(condition, depth)
            if self.draw(st.integers(0, 3)) == 0:
                name = f"F{len(self.fragments)}"
                self.fragments.append(f"fragment {name} on {condition.name} {{ {inner} }}")
                parts.append(f"...{name}{self.condition()}")
            else:
                parts.append(f"... on {condition.name}{self.condition()} {{ {inner} }}")
        return parts

    def text(self, selection: str) -> str:
        definitions = ", ".join(f"${n}: {t}" for n, (t, _) in self.variables.items())
        head = f"query Q({definitions})" if definitions else "query Q"
        return " ".join([f"{head} {{ {selection} }}", *self.fragments])


@st.composite
def operations(draw: Draw[Any], schema: GraphQLSchema, ids: list[str]) -> Operation | None:
    """One random operation on ``schema`` (ids: values to pass to ``ID`` arguments), or None
    when the one drawn does not validate."""
    query = schema.query_type
    assert query is not None
    document = _Document(draw, schema, ids)
    selection = document.selection(query, 1)
    text = document.text(selection)
    if validate(schema, parse(text)):
        return None
    variables = {name: value for name, (_, value) in document.variables.items()}
    return Operation(name="op", query=text, variables=variables or None)
