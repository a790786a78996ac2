"""The static cost estimate and the COST_LIMIT_EXCEEDED limit, checked before any subgraph call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from graphql import build_schema, parse

from router.app import create_app
from router.edge.cost import operation_costs
from router.limits import Limits, check_limits
from tests.router import subgraphs
from tests.router.conftest import RouterFactory, run_query
from tests.support import free_port

SCHEMA = build_schema("""
    type Query {
      spell(slug: String!): Spell
      spells: [Spell!]!
      characters(first: Int, after: String): CharacterConnection!
      campaigns(first: Int = 4): [Campaign!]!
      search(text: String!, limit: Int): [Result!]!
    }
    type Spell { slug: String! name: String! classes: [Class!]! }
    type Class { name: String! }
    type CharacterConnection { edges: [CharacterEdge!]! nodes: [Character!]! pageInfo: PageInfo! }
    type CharacterEdge { cursor: String! node: Character! }
    type Character { name: String! spells: [Spell!]! }
    type PageInfo { hasNextPage: Boolean! }
    type Campaign { name: String! }
    union Result = Spell | Character
""")


def cost(query: str, variables: dict[str, Any] | None = None, list_size: int = 10) -> int:
    [(_, value)] = operation_costs(parse(query), SCHEMA, default_list_size=list_size,
                                   variables=variables)
    return value


def test_each_field_costs_one_and_lists_multiply() -> None:
    assert cost('{ spell(slug: "fireball") { slug name } }') == 3
    assert cost("{ spells { name } }") == 10 * 2
    assert cost("{ spells { name classes { name } } }") == 10 * (1 + 1 + 10 * 2)
    assert cost("{ spells { name } }", list_size=3) == 3 * 2
    assert cost("{ __typename spells { __typename name } }") == 10 * 2  # __typename is free


def test_connection_size_multiplies_its_lists_not_page_info() -> None:
    edges = "{ characters(first: 5) { edges { cursor node { name } } pageInfo { hasNextPage } } }"
    # connection 1 + edges 5 * (1 + cursor 1 + node (1 + name 1)) + pageInfo (1 + 1)
    assert cost(edges) == 1 + 5 * 4 + 2
    assert cost("{ characters(first: 5) { nodes { spells { name } } } }") == 1 + 5 * (1 + 10 * 2)
    assert cost('{ search(text: "x", limit: 3) { ... on Spell { name } } }') == 3 * 2
    assert cost("{ campaigns { name } }") == 4 * 2  # the schema's default for `first`
    assert cost("{ campaigns(first: 1) { name } }") == 1 * 2


def test_sizes_from_variables_defaults_and_fragments() -> None:
    query = "query($n: Int) { characters(first: $n) { nodes { name } } }"
    assert cost(query) == 1 + 10 * 2  # unknown: the default list size
    assert cost(query, {"n": 2}) == 1 + 2 * 2
    assert cost(query, {"n": None}) == 1 + 10 * 2
    defaulted = "query($n: Int = 4) { characters(first: $n) { nodes { name } } }"
    assert cost(defaulted) == 1 + 4 * 2
    fragments = """
        { characters(first: 2) { nodes { ...C } } spells { ...S } }
        fragment C on Character { name spells { ...S } }
        fragment S on Spell { name }
    """
    assert cost(fragments) == (1 + 2 * (1 + 1 + 10 * 2)) + 10 * 2


def test_fragment_bombs_are_measured_in_linear_time() -> None:
    levels = 40  # naive expansion would visit 2**40 fields
    fragments = ["fragment F0 on Spell { name }"] + [
        f"fragment F{i} on Spell {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)
    ]
    document = parse('{ spell(slug: "x") { ...F39 } }' + "\n".join(fragments))
    [(_, value)] = operation_costs(document, SCHEMA, default_list_size=10)
    assert value == 1 + 2 ** (levels - 1)


def test_without_a_schema_only_size_arguments_multiply() -> None:
    document = parse("{ a(first: 3) { b { c } } d { e } }")
    [(_, value)] = operation_costs(document, None, default_list_size=10)
    assert value == 3 * (1 + 2) + 2


def test_check_limits_reports_cost_with_numbers() -> None:
    document = parse("{ spells { name classes { name } } }")
    [error] = check_limits(document, Limits(max_cost=100), SCHEMA)
    assert error.extensions == {"code": "COST_LIMIT_EXCEEDED", "cost": 220, "maxCost": 100}
    assert check_limits(document, Limits(max_cost=220), SCHEMA) == []
    assert check_limits(document, Limits(max_cost=None), SCHEMA) == []


async def test_an_expensive_operation_is_refused_before_any_subgraph_runs(
    make_router: RouterFactory,
) -> None:
    router = await make_router(limits=Limits(max_cost=100))
    mutation = """mutation { renameCharacter(id: "c1", name: "Zed") {
        campaigns { members { inventory { name } } } } }"""
    body = await run_query(router, mutation)
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert error["extensions"]["cost"] > 100
    assert subgraphs.MUTATION_LOG == []
    assert subgraphs.CHARACTERS["c1"]["name"] == "Aria"
    cheap = await run_query(router, '{ character(id: "c1") { name } }')
    assert cheap["data"] == {"character": {"name": "Aria"}}


async def test_a_size_given_as_a_variable_is_checked_with_its_value() -> None:
    supergraph = (Path(__file__).parents[2] / "schema" / "supergraph.graphql").read_text()
    nowhere = f"http://127.0.0.1:{free_port()}/graphql"
    app = create_app(supergraph, limits=Limits(max_cost=1_000),
                     subgraph_url_overrides={"image": nowhere})
    query = "query($n: Int!) { assets(first: $n) { edges { node { id } } } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://router.test") as client:
        try:
            small = await run_query(client, query, {"n": 5})
            large = await run_query(client, query, {"n": 100_000})
        finally:
            await app.state.gateway.aclose()
    # within budget: the router went on to call the (absent) image subgraph
    assert [e["extensions"]["serviceName"] for e in small["errors"]] == ["image"]
    assert "COST_LIMIT_EXCEEDED" not in {e["extensions"]["code"] for e in small["errors"]}
    assert "data" not in large
    assert [e["extensions"]["code"] for e in large["errors"]] == ["COST_LIMIT_EXCEEDED"]
