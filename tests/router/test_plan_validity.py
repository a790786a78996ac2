"""Every plan the router makes for the corpus is one its subgraphs accept, and planning never
fails with anything but a GraphQL planning error.

* Each fetch document of each corpus operation's plan validates against the schema of the
  subgraph it goes to (derived from the supergraph's join metadata: ``router.subgraph_schema``),
  the way that subgraph will validate it.
* Random valid operations (``tests.router.fuzz.operations``) over every corpus supergraph plan
  to such documents too, or fail with a :class:`PlanningError` that is not an internal one
  (an unplannable operation, reported as ``QUERY_PLANNING_FAILED``), never with an exception.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from graphql import GraphQLSchema, parse, validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from router.gateway import Gateway, RequestRejected
from router.planner import PlanningError
from router.subgraph_schema import subgraph_schema
from tests.router.conformance.corpus import Case, load_corpus
from tests.router.conformance.supergraphs import supergraph_sdl
from tests.router.fuzz.operations import operations

CASES = load_corpus()
INTERNAL_FAILURE = "the router failed to plan"  # how an internal PlanningError reads


@cache
def _planner(name: str) -> tuple[Gateway, dict[str, GraphQLSchema]]:
    gateway = Gateway(supergraph_sdl(next(case for case in CASES if case.name == name)))
    schemas = {graph: subgraph_schema(gateway.supergraph, gateway.planner.schema, graph)
               for graph in gateway.supergraph.subgraphs}
    return gateway, schemas


def planner_for(case: Case) -> tuple[Gateway, dict[str, GraphQLSchema]]:
    return _planner(case.name)


def invalid_fetches(gateway: Gateway, schemas: dict[str, GraphQLSchema], query: str,
                    operation_name: str | None) -> list[str]:
    try:
        plan = gateway.prepare(query, operation_name).plan
    except RequestRejected as rejected:  # a request error: never reaches a subgraph
        internal = [e for e in rejected.errors if e["message"].startswith(INTERNAL_FAILURE)]
        assert not internal, internal
        return []
    return [f"{fetch.service}: {error.message}\n{fetch.operation}"
            for fetch in plan.fetches()
            for error in validate(schemas[fetch.graph], parse(fetch.operation))]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_fetch_of_every_corpus_plan_validates_in_its_subgraph(case: Case) -> None:
    gateway, schemas = planner_for(case)
    problems = [problem for operation in case.operations
                for problem in invalid_fetches(gateway, schemas, operation.query,
                                               operation.operation_name)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_operations_plan_into_valid_fetches_or_a_planning_error(
    case: Case, data: Any
) -> None:
    gateway, schemas = planner_for(case)
    operation = data.draw(operations(gateway.schema, ["1", "2", "nope"]))
    if operation is None:
        return
    document = parse(operation.query)
    try:
        plan = gateway.planner.plan(document)
    except PlanningError as error:
        assert not error.internal, f"{error}\n{operation.query}"
        return
    problems = [f"{fetch.service}: {message.message}\n{fetch.operation}"
                for fetch in plan.fetches()
                for message in validate(schemas[fetch.graph], parse(fetch.operation))]
    assert not problems, operation.query + "\n" + "\n".join(problems)
