"""Variables of a cached operation: the fast coercion agrees with graphql-core or steps aside."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import OperationDefinitionNode, build_schema, get_variable_values, parse

from router.variables import OperationVariables

SCHEMA = build_schema("""
    enum Size { SMALL LARGE }
    input Filter { size: Size = SMALL tags: [String!] near: Filter }
    type Query {
      things(first: Int, offset: Int, filter: Filter, id: ID, ratio: Float, on: Boolean): [String]
      page(limit: Int!): [String]
    }
""")

OPERATION = """query Q($id: ID, $first: Int = 10, $ratio: Float!, $on: Boolean = true,
                       $filter: Filter, $sizes: [Size!] = [LARGE]) {
  things(id: $id, first: $first, ratio: $ratio, on: $on, filter: $filter) { __typename }
}"""


def prepared(query: str) -> tuple[OperationDefinitionNode, OperationVariables]:
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation, OperationVariables(SCHEMA, document, operation)


@pytest.mark.parametrize("inputs", [
    {"ratio": 1.5},
    {"ratio": 2, "id": 7, "first": None},  # Int for a Float, number for an ID, explicit null
    {"ratio": 0.5, "on": False, "sizes": "SMALL", "extra": "ignored"},  # a single value as a list
    {"ratio": 0.5, "filter": {"tags": ["a"], "near": {"size": "LARGE"}}},
])
def test_valid_inputs_coerce_exactly_like_graphql_core(inputs: dict[str, Any]) -> None:
    operation, variables = prepared(OPERATION)
    expected = get_variable_values(SCHEMA, operation.variable_definitions or (), inputs)
    assert not isinstance(expected, list)
    assert variables.coerce(inputs) == expected.coerced


@pytest.mark.parametrize("inputs", [
    {},  # the non-null $ratio is missing
    {"ratio": None},
    {"ratio": "fast"},
    {"ratio": 1.0, "first": 2**40},
    {"ratio": 1.0, "filter": {"size": "HUGE"}},
    {"ratio": 1.0, "filter": {"unknown": 1}},
])
def test_invalid_inputs_are_left_to_graphql_core(inputs: dict[str, Any]) -> None:
    operation, variables = prepared(OPERATION)
    assert isinstance(get_variable_values(SCHEMA, operation.variable_definitions or (), inputs),
                      list)
    assert variables.coerce(inputs) is None


def test_only_variables_used_as_list_sizes_affect_the_cost() -> None:
    assert prepared(OPERATION)[1].affects_cost  # first: $first
    assert not prepared("query ($o: Int) { things(offset: $o) }")[1].affects_cost
    assert prepared("query ($n: Int!) { ...F } fragment F on Query { page(limit: $n) }"
                    )[1].affects_cost
    assert not prepared("{ things(first: 3) }")[1].affects_cost
