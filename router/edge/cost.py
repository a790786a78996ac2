"""A static cost estimate for an operation, computed before any subgraph is called.

Depth and alias limits bound the *shape* of a query; the cost bounds how much data it can ask
for. The estimate is an upper bound on the number of field values the router might return:

* every selected field costs 1 (``__typename`` and the introspection roots ``__schema`` and
  ``__type`` cost nothing: the router answers them itself);
* a field's cost includes the cost of everything selected under it;
* a list multiplies: a field with a size argument (``first``, ``last``, ``limit``) counts its
  value (or the argument's default in the schema, when the client leaves it out); a list-typed
  field without one counts ``default_list_size``.

Relay connections get the size where it belongs: ``characters(first: 20) { edges { node } }``
is a connection *object* with a size argument, so the 20 multiplies its list-typed children
(``edges``, ``nodes``) rather than the connection itself, and ``pageInfo`` is counted once.

Fragments on several types (unions, interfaces) are all counted, which over-estimates but stays
an upper bound. Fragment definitions are measured once per multiplier (memoised), so a document
built to explode under naive expansion costs linear time to measure.

A size given as a variable counts the variable's value when known (the gateway re-checks with
the request's variables), else its declared default, else ``default_list_size``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

SIZE_ARGUMENTS: frozenset[str] = frozenset({"first", "last", "limit"})
FREE_FIELDS = frozenset({"__typename", "__schema", "__type"})


def _is_list(type_: GraphQLOutputType | None) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


@dataclass
class CostEstimator:
    """Measures the operations of one document against a schema (``None``: no type info).

    Without a schema only size arguments multiply; list-typed fields are not recognised.
    """

    document: DocumentNode
    schema: GraphQLSchema | None
    default_list_size: int
    variables: Mapping[str, Any] | None = None  # the request's values, when known
    size_arguments: Collection[str] = SIZE_ARGUMENTS
    _fragments: dict[str, FragmentDefinitionNode] = field(init=False)
    _memo: dict[tuple[str, int | None], int] = field(init=False, default_factory=dict)
    _in_progress: set[str] = field(init=False, default_factory=set)
    _variable_defaults: dict[str, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._fragments = {
            d.name.value: d for d in self.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }

    def operation_cost(self, operation: OperationDefinitionNode) -> int:
        self._variable_defaults = {
            d.variable.name.value: d.default_value.value
            for d in operation.variable_definitions or ()
            if isinstance(d.default_value, IntValueNode)
        }
        self._memo.clear()  # sizes from variables may differ between operations
        return self._selection_set(operation.selection_set, self._root_type(operation), None)

    def _root_type(self, operation: OperationDefinitionNode) -> GraphQLNamedType | None:
        if self.schema is None:
            return None
        roots = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
            OperationType.SUBSCRIPTION: self.schema.subscription_type,
        }
        return roots.get(operation.operation)

    def _type_named(self, name: str) -> GraphQLNamedType | None:
        return None if self.schema is None else self.schema.get_type(name)

    def _selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None,
        inherited_size: int | None,
    ) -> int:
        """Cost of a selection set; ``inherited_size`` is a connection's size for its lists."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, inherited_size)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._type_named(condition.name.value) if condition else parent
                total += self._selection_set(selection.selection_set, inner, inherited_size)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, inherited_size)
        return total

    def _fragment(self, name: str, inherited_size: int | None) -> int:
        key = (name, inherited_size)
        if key in self._memo:
            return self._memo[key]
        definition = self._fragments.get(name)
        if definition is None or name in self._in_progress:
            return 0  # unknown or cyclic: validation reports it
        self._in_progress.add(name)
        parent = self._type_named(definition.type_condition.name.value)
        cost = self._selection_set(definition.selection_set, parent, inherited_size)
        self._in_progress.discard(name)
        self._memo[key] = cost
        return cost

    def _field(
        self, node: FieldNode, parent: GraphQLNamedType | None, inherited_size: int | None
    ) -> int:
        if node.name.value in FREE_FIELDS:
            return 0
        field_type: GraphQLOutputType | None = None
        size = self._size_argument(node)
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(node.name.value)
            if definition is not None:
                field_type = definition.type
                if size is None:
                    size = self._schema_default_size(definition)
        is_list = _is_list(field_type)

        multiplier = 1
        passed_down: int | None = None
        if is_list:
            multiplier = size if size is not None else (
                inherited_size if inherited_size is not None else self.default_list_size
            )
        elif size is not None:
            if field_type is None:
                multiplier = size  # no type information: the size is all we know
            else:
                passed_down = size  # a connection: its lists (edges, nodes) have this size

        children = 0
        if node.selection_set is not None:
            named = get_named_type(field_type) if field_type is not None else None
            children = self._selection_set(node.selection_set, named, passed_down)
        return multiplier * (1 + children)

    def _size_argument(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value not in self.size_arguments:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(0, int(value.value))
            if isinstance(value, VariableNode):
                return self._variable_size(value.name.value)
            if isinstance(value, NullValueNode):
                return None
        return None

    def _schema_default_size(self, definition: GraphQLField) -> int | None:
        """``first: Int = 20`` in the schema: what applies when the client gives no size."""
        for name, argument in definition.args.items():
            if name not in self.size_arguments:
                continue
            # graphql-core keeps a default either as a value or as the SDL literal
            default: Any = argument.default_value
            declared = argument.default
            if declared is not None:
                default = declared.value
                if isinstance(declared.literal, IntValueNode):
                    default = int(declared.literal.value)
            if isinstance(default, int) and not isinstance(default, bool):
                return max(0, default)
        return None

    def _variable_size(self, name: str) -> int:
        if self.variables is not None and name in self.variables:
            value = self.variables[name]
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, value)
            return self.default_list_size  # null or not an int: the field's default applies
        if name in self._variable_defaults:
            return max(0, int(self._variable_defaults[name]))
        return self.default_list_size


def operation_costs(
    document: DocumentNode,
    schema: GraphQLSchema | None,
    *,
    default_list_size: int,
    variables: Mapping[str, Any] | None = None,
    only: OperationDefinitionNode | None = None,
) -> list[tuple[OperationDefinitionNode, int]]:
    """The estimated cost of every operation in ``document`` (or just ``only``)."""
    estimator = CostEstimator(document, schema, default_list_size, variables)
    operations = [only] if only is not None else [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    return [(operation, estimator.operation_cost(operation)) for operation in operations]
