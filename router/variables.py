"""A cached operation's variables: coerced with types resolved once, cost re-checked only if needed.

graphql-core's ``get_variable_values`` resolves each variable's type from the document on every
call and builds source records the router does not use. For an operation served from the plan
cache that work is the same every time, so :class:`OperationVariables` does it once: types and
default values are resolved when the operation is prepared, and a request only coerces the
values it sent (with graphql-core's own ``coerce_input_value``).

Whenever anything is off — a missing non-null variable, a value that does not coerce, input
nested too deeply — :meth:`OperationVariables.coerce` returns ``None`` and the caller runs
``get_variable_values``, which produces the spec's error messages.

It also knows whether any variable is used as a list-size argument (``first``, ``last``,
``limit``): only then can a request's values change the operation's estimated cost, so only then
does the gateway need to re-check the cost per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    Undefined,
    VariableNode,
    Visitor,
    coerce_input_value,
    get_variable_values,
    is_input_type,
    type_from_ast,
    visit,
)
from graphql.execution.values import input_is_nested_too_deeply

from router.edge.cost import SIZE_ARGUMENTS


@dataclass(frozen=True, slots=True)
class _Variable:
    name: str
    type: GraphQLInputType
    default: Any  # the coerced default value; Undefined when there is none
    non_null: bool
    nested: bool  # a list or input object: guard against input nested too deeply


def _size_variables(document: DocumentNode) -> frozenset[str]:
    """Variables used (anywhere inside) a ``first``/``last``/``limit`` argument."""
    found: set[str] = set()

    class Scan(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            if node.name.value not in SIZE_ARGUMENTS:
                return

            class Inner(Visitor):
                def enter_variable(self, variable: VariableNode, *_: Any) -> None:
                    found.add(variable.name.value)

            visit(node.value, Inner())

    visit(document, Scan())
    return frozenset(found)


class OperationVariables:
    """Variable handling for one prepared operation (see the module docstring)."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> None:
        self.usable = True
        self.variables: list[_Variable] = []
        for definition in operation.variable_definitions or ():
            type_ = type_from_ast(schema, definition.type)
            name = definition.variable.name.value
            if type_ is None or not is_input_type(type_):
                self.usable = False  # validation rejects this; leave it to graphql-core
                continue
            default: Any = Undefined
            if definition.default_value is not None:
                resolved = get_variable_values(schema, [definition], {})
                if isinstance(resolved, list):
                    self.usable = False  # an invalid default: graphql-core reports it
                    continue
                default = resolved.coerced.get(name, Undefined)
            bare = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
            self.variables.append(_Variable(
                name, type_, default, isinstance(type_, GraphQLNonNull),
                isinstance(bare, GraphQLList | GraphQLInputObjectType),
            ))
        used_for_sizes = _size_variables(document)
        self.affects_cost = any(v.name in used_for_sizes for v in self.variables) or (
            not self.usable and bool(operation.variable_definitions)
        )

    def coerce(self, inputs: Mapping[str, Any]) -> dict[str, Any] | None:
        """The coerced values (defaults applied), or None: ask ``get_variable_values``."""
        if not self.usable:
            return None
        coerced: dict[str, Any] = {}
        for variable in self.variables:
            value = inputs.get(variable.name, Undefined)
            if value is Undefined:
                if variable.default is not Undefined:
                    coerced[variable.name] = variable.default
                elif variable.non_null:
                    return None
                continue
            if variable.nested and input_is_nested_too_deeply(value, variable.type):
                return None
            result = coerce_input_value(value, variable.type)
            if result is Undefined:
                return None
            coerced[variable.name] = result
        return coerced
