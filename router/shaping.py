"""Shaping a response without re-executing the operation: a compiled projection.

The executor's merged tree already uses the client's response keys (subgraph operations are
written with them), so shaping only has to *walk* it in the order of the client's selection
set: keep the selected keys, write ``__typename``, pick fragments by type condition, honour
``@skip``/``@include`` and check every value against its type. graphql-core can do all of that by
executing the operation over the tree, but it builds resolve info, paths and error handling for
every field; on large responses that was a fifth of the router's time.

A :class:`Projection` belongs to one prepared operation (it is cached with the plan). For each
combination of ``@skip``/``@include`` variable values it compiles the selection sets into small
functions, one per field, once; abstract types are compiled per concrete type the first time
one is met. Shaping is then one pass of dictionary reads and writes.

The fast path does *not* report errors. Anything that would be one — a null in a non-null
position, a value its scalar or enum cannot represent, an object where a list belongs, an
unknown ``__typename`` — makes it give up (:data:`GAVE_UP`), and the caller shapes the response
with graphql-core instead, which produces the spec's error messages, paths and null
propagation. So do operations the projection does not handle at all: introspection
(``__schema``, ``__type``) and ``@defer``/``@stream``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    Visitor,
    visit,
)

Complete = Callable[[Any], Any]  # a value from the merged tree -> the value the client gets
Shape = Callable[[Mapping[str, Any]], dict[str, Any]]  # a response object -> the client's object


class _GiveUp(Exception):
    """Raised inside the fast path: this response needs graphql-core's error handling."""


GAVE_UP: Any = object()  # what ``Projection.shape`` returns when it gave up

_UNSUPPORTED_FIELDS = frozenset({"__schema", "__type"})
_UNSUPPORTED_DIRECTIVES = frozenset({"defer", "stream"})
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_MAX_VARIANTS = 16  # compiled @skip/@include variants kept per operation


def _directive_variables(document: DocumentNode) -> tuple[tuple[str, ...], bool]:
    """Variables that ``@skip``/``@include`` read, and whether the projection supports it all."""
    names: list[str] = []
    supported = True

    class Scan(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            nonlocal supported
            if node.name.value in _UNSUPPORTED_FIELDS:
                supported = False

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            nonlocal supported
            name = node.name.value
            if name in _UNSUPPORTED_DIRECTIVES:
                supported = False
            if name in ("skip", "include"):
                for argument in node.arguments or ():
                    value = argument.value
                    if isinstance(value, VariableNode) and value.name.value not in names:
                        names.append(value.name.value)

    visit(document, Scan())
    return tuple(names), supported


class Projection:
    """The compiled shape of one operation of a document (see the module docstring)."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.directive_variables, self.supported = _directive_variables(document)
        root = {
            OperationType.QUERY: schema.query_type,
            OperationType.MUTATION: schema.mutation_type,
            OperationType.SUBSCRIPTION: schema.subscription_type,
        }[operation.operation]
        if root is None:
            self.supported = False
        self.root = root
        self._variants: dict[tuple[Any, ...], Shape] = {}

    def shape(self, data: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        """The client's ``data`` for the merged tree, or :data:`GAVE_UP`.

        ``variables`` are the coerced variable values (defaults applied): they decide
        ``@skip``/``@include``.
        """
        if not self.supported or self.root is None:
            return GAVE_UP
        key = tuple(variables.get(name) for name in self.directive_variables)
        shape = self._variants.get(key)
        if shape is None:
            if len(self._variants) >= _MAX_VARIANTS:
                self._variants.clear()
            compiler = _Compiler(self.schema, self.fragments, variables)
            shape = compiler.selection(self.root, (self.operation.selection_set,))
            self._variants[key] = shape
        try:
            return shape(data)
        except _GiveUp:
            return GAVE_UP


class _Compiler:
    """Turns selection sets into shaping functions for one set of ``@skip``/``@include`` values."""

    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    # --- collecting fields (the spec's CollectFields) ----------------------------------------

    def _included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            value: Any = None
            for argument in directive.arguments or ():
                if argument.name.value == "if":
                    if isinstance(argument.value, VariableNode):
                        value = self.variables.get(argument.value.name.value)
                    elif isinstance(argument.value, BooleanValueNode):
                        value = argument.value.value
            if name == "skip" and value is True:
                return False
            if name == "include" and value is False:
                return False
        return True

    def _applies(
        self, condition: str | None, runtime: GraphQLObjectType | GraphQLInterfaceType
    ) -> bool:
        if condition is None or condition == runtime.name:
            return True
        conditional = self.schema.get_type(condition)
        return isinstance(conditional, GraphQLInterfaceType | GraphQLUnionType) and \
            self.schema.is_sub_type(conditional, runtime)

    def _collect(
        self, runtime: GraphQLObjectType | GraphQLInterfaceType,
        selection_sets: Iterable[SelectionSetNode],
    ) -> dict[str, list[FieldNode]]:
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def walk(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    if self._included(selection):
                        key = selection.alias.value if selection.alias else selection.name.value
                        grouped.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if self._included(selection) and self._applies(
                        condition.name.value if condition else None, runtime
                    ):
                        walk(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in visited or not self._included(selection):
                        continue
                    fragment = self.fragments.get(name)
                    if fragment is None or not self._applies(
                        fragment.type_condition.name.value, runtime
                    ):
                        continue
                    visited.add(name)
                    walk(fragment.selection_set)

        for selection_set in selection_sets:
            walk(selection_set)
        return grouped

    # --- compiling ----------------------------------------------------------------------------

    def selection(
        self, runtime: GraphQLObjectType | GraphQLInterfaceType,
        selection_sets: Sequence[SelectionSetNode],
    ) -> Shape:
        """The function shaping one object of type ``runtime`` by these selection sets."""
        fields: list[tuple[str, Complete]] = []
        for key, nodes in self._collect(runtime, selection_sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                fields.append((key, _constant(runtime.name)))
                continue
            definition = runtime.fields.get(name)
            if definition is None:  # validation rules this out; be safe anyway
                raise _GiveUp
            children = tuple(n.selection_set for n in nodes if n.selection_set is not None)
            fields.append((key, self.value(definition.type, children)))
        field_list = tuple(fields)

        def shape(source: Mapping[str, Any]) -> dict[str, Any]:
            get = source.get
            return {key: complete(get(key)) for key, complete in field_list}

        return shape

    def value(self, type_: GraphQLOutputType, children: Sequence[SelectionSetNode]) -> Complete:
        """The function completing one value of ``type_`` (the spec's CompleteValue).

        Non-null is not a wrapper function of its own: each kind of value checks for null
        itself, so a field costs one call.
        """
        non_null = isinstance(type_, GraphQLNonNull)
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            item = self.value(type_.of_type, children)

            def list_of(value: Any) -> Any:
                if type(value) is list:
                    return [item(entry) for entry in value]
                if value is None and not non_null:
                    return None
                raise _GiveUp

            return list_of
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return _leaf(type_, non_null)
        if isinstance(type_, GraphQLObjectType):
            return _object(self.selection(type_, children), non_null)
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
            return self._abstract(type_, children, non_null)
        raise _GiveUp  # pragma: no cover - no other output types exist

    def _abstract(
        self, abstract: GraphQLInterfaceType | GraphQLUnionType,
        children: Sequence[SelectionSetNode], non_null: bool,
    ) -> Complete:
        """Pick the concrete type by ``__typename`` (as ``executor._resolve_type`` does)."""
        schema = self.schema
        possible = schema.get_possible_types(abstract)
        fallback = possible[0] if possible else None
        shapes: dict[str, Shape] = {}  # by concrete type name, compiled on first sight

        def shape_for(typename: Any) -> Shape:
            runtime = schema.get_type(typename) if isinstance(typename, str) else None
            if runtime is abstract and fallback is None and isinstance(
                    abstract, GraphQLInterfaceType):
                # an @interfaceObject's object, and clients know no implementation: the
                # interface's own fields are all they can ask for (as Apollo Gateway answers)
                own = shapes[abstract.name] = self.selection(abstract, children)
                return own
            if typename is None or isinstance(runtime, GraphQLInterfaceType | GraphQLUnionType):
                runtime = fallback  # an @interfaceObject's placeholder: any implementation
            if not isinstance(runtime, GraphQLObjectType):  # a type clients cannot see
                raise _GiveUp
            if runtime is None or not schema.is_sub_type(abstract, runtime):
                raise _GiveUp
            found = shapes.get(runtime.name)
            if found is None:
                found = shapes[runtime.name] = self.selection(runtime, children)
            if isinstance(typename, str):
                shapes[typename] = found
            return found

        def abstract_value(value: Any) -> Any:
            if type(value) is not dict:
                if value is None and not non_null:
                    return None
                raise _GiveUp
            typename = value.get("__typename")
            shape = shapes.get(typename) if isinstance(typename, str) else None
            if shape is None:
                shape = shape_for(typename)
            return shape(value)

        return abstract_value


def _constant(value: str) -> Complete:
    def constant(_: Any) -> str:
        return value

    return constant


def _object(shape: Shape, non_null: bool) -> Complete:
    def object_value(value: Any) -> Any:
        if type(value) is dict:
            return shape(value)
        if value is None and not non_null:
            return None
        raise _GiveUp  # (graphql-core reads every field of a non-object as null: let it report)

    return object_value


def _leaf(type_: GraphQLScalarType | GraphQLEnumType, non_null: bool) -> Complete:
    """Completion of a scalar or enum: the common JSON values pass as they are.

    Anything else goes through the type's own output coercion, as graphql-core would do it
    (an ``Int`` given ``2.0``, an ``ID`` given a number, a custom scalar).
    """
    coerce = type_.coerce_output_value

    def other(value: Any) -> Any:
        if value is None:
            if non_null:
                raise _GiveUp
            return None
        try:
            coerced = coerce(value)
        except Exception:
            raise _GiveUp from None
        if type(coerced) not in _JSON_VALUES:
            raise _GiveUp  # null or Undefined: graphql-core reports it
        return coerced

    name = type_.name
    if name in ("String", "ID"):
        def text(value: Any) -> Any:
            return value if type(value) is str else other(value)
        return text
    if name == "Boolean":
        def boolean(value: Any) -> Any:
            return value if type(value) is bool else other(value)
        return boolean
    if name == "Int":
        def integer(value: Any) -> Any:
            if type(value) is int and _INT_MIN <= value <= _INT_MAX:
                return value
            return other(value)
        return integer
    if name == "Float":
        def number(value: Any) -> Any:
            if type(value) is float and math.isfinite(value):
                return value
            return other(value)
        return number
    if isinstance(type_, GraphQLEnumType):
        representable = frozenset(_enum_names_that_pass(type_))

        def enum(value: Any) -> Any:
            if type(value) is str and value in representable:
                return value
            return other(value)
        return enum
    return other  # custom scalars: always ask the type


_JSON_VALUES = frozenset({str, int, float, bool, list, dict})


def _enum_names_that_pass(type_: GraphQLEnumType) -> list[str]:
    names = []
    for name in type_.values:
        try:
            if type_.coerce_output_value(name) == name:
                names.append(name)
        except Exception:  # a value the API schema hides
            continue
    return names
