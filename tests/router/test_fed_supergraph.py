"""Supergraph flavours: Federation 1 (core + join v0.1), join v0.2, renamed specs, progressive
@override labels, and @shareable root fields choosing the subgraph with the fewest fetches."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLObjectType

from router.__main__ import main
from router.api_schema import build_api_schema
from router.supergraph import load_supergraph
from tests.router.test_fed_harness import FakeSubgraph, Federation, compose_fakes

# What Federation 1 composition wrote: @core instead of @link, @join__owner, no @join__type on
# value types or the root, key fields only "owned" by the owning subgraph.
FED1_SUPERGRAPH = """
schema
  @core(feature: "https://specs.apollo.dev/core/v0.2"),
  @core(feature: "https://specs.apollo.dev/join/v0.1", for: EXECUTION)
{
  query: Query
}

directive @core(as: String, feature: String!, for: core__Purpose) repeatable on SCHEMA
directive @join__field(
  graph: join__Graph, provides: join__FieldSet, requires: join__FieldSet
) on FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__owner(graph: join__Graph!) on INTERFACE | OBJECT
directive @join__type(graph: join__Graph!, key: join__FieldSet) repeatable on INTERFACE | OBJECT

type Product
  @join__owner(graph: PRODUCTS)
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String! @join__field(graph: PRODUCTS)
  name: String @join__field(graph: PRODUCTS)
  reviews: [Review] @join__field(graph: REVIEWS)
}

type Query {
  topProducts: [Product] @join__field(graph: PRODUCTS)
  latestReviews: [Review] @join__field(graph: REVIEWS)
}

type Rating {
  stars: Int
}

type Review
  @join__owner(graph: REVIEWS)
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID! @join__field(graph: REVIEWS)
  body: String @join__field(graph: REVIEWS)
  rating: Rating @join__field(graph: REVIEWS)
  product: Product @join__field(graph: REVIEWS)
}

enum core__Purpose {
  EXECUTION
  SECURITY
}

scalar join__FieldSet

enum join__Graph {
  PRODUCTS @join__graph(name: "products" url: "http://products.test/graphql")
  REVIEWS @join__graph(name: "reviews" url: "http://reviews.test/graphql")
}
"""


def fed1_subgraphs() -> tuple[FakeSubgraph, FakeSubgraph]:
    products = FakeSubgraph("products", """
    type Query { topProducts: [Product] }
    type Product @key(fields: "upc") { upc: String! name: String }
    """, data={"Query": {"topProducts": [{"upc": "1", "name": "Table"}]},
               "Product": [{"upc": "1", "name": "Table"}, {"upc": "2", "name": "Chair"}]})
    reviews = FakeSubgraph("reviews", """
    type Query { latestReviews: [Review] }
    type Review @key(fields: "id") { id: ID! body: String rating: Rating product: Product }
    type Rating { stars: Int }
    type Product @key(fields: "upc") { upc: String! reviews: [Review] }
    """, data={
        "Query": {"latestReviews": [{"id": "r1", "body": "Sturdy", "rating": {"stars": 5},
                                     "product": {"upc": "2"}}]},
        "Product": [{"upc": "1", "reviews": [{"id": "r2", "body": "Nice"}]}],
    })
    return products, reviews


def test_reads_a_federation_1_supergraph() -> None:
    supergraph = load_supergraph(FED1_SUPERGRAPH)
    assert supergraph.join_version == "v0.1"
    assert supergraph.types["Product"].owner == "PRODUCTS"
    assert supergraph.field_graphs("Product", "upc") == ["PRODUCTS"]
    assert supergraph.can_supply("Product", "upc", "REVIEWS")  # a key field it declares
    assert supergraph.field_graphs("Rating", "stars") == ["PRODUCTS", "REVIEWS"]  # value type
    printed = build_api_schema(supergraph.document)
    assert printed.get_type("core__Purpose") is None
    assert printed.get_directive("core") is None


async def test_serves_a_federation_1_supergraph_both_ways() -> None:
    federation = Federation(*fed1_subgraphs(), supergraph=FED1_SUPERGRAPH)
    assert await federation.run("{ topProducts { name reviews { body } } }") == {
        "data": {"topProducts": [{"name": "Table", "reviews": [{"body": "Nice"}]}]}
    }
    # the reviews subgraph only references Product.upc, yet it is the key to jump with
    assert await federation.run(
        "{ latestReviews { body rating { stars } product { upc name } } }"
    ) == {"data": {"latestReviews": [
        {"body": "Sturdy", "rating": {"stars": 5}, "product": {"upc": "2", "name": "Chair"}},
    ]}}


def simple_pair() -> tuple[FakeSubgraph, FakeSubgraph]:
    return (
        FakeSubgraph("a", """
        type Query { item: Item @shareable }
        type Item @key(fields: "id") { id: ID! name: String @shareable amount: Int }
        """, data={"Query": {"item": {"id": "i1", "name": "from a", "amount": 1}}}),
        FakeSubgraph("b", """
        type Query { item: Item @shareable }
        type Item @key(fields: "id") { id: ID! name: String @shareable price: Int }
        """, data={"Query": {"item": {"id": "i1", "name": "from b", "price": 9}},
                   "Item": [{"id": "i1", "name": "from b", "price": 9}]}),
    )


def test_join_v02_supergraphs_are_read_like_later_ones() -> None:
    supergraph_sdl = compose_fakes(*simple_pair())
    older = load_supergraph(supergraph_sdl.replace("join/v0.5", "join/v0.2"))
    assert older.join_version == "v0.2"
    assert older.field_graphs("Item", "price") == ["B"]


def test_shareable_root_field_goes_where_the_whole_selection_is() -> None:
    federation = Federation(*simple_pair())
    assert federation.services("{ item { name price } }") == ["b"]
    assert federation.services("{ item { name amount } }") == ["a"]
    # neither has both: each is asked its part side by side, no entity jump
    plan = federation.plan("{ item { amount price } }")
    assert plan.startswith("QueryPlan {\n  Parallel {") and "_entities" not in str(
        federation.gateway.prepare("{ item { amount price } }", None).plan.fetches()
    )


async def test_a_split_shareable_root_field_merges_into_one_object() -> None:
    federation = Federation(*simple_pair())
    result = await federation.run(
        "query($p: Boolean!) { item { amount ... @include(if: $p) { price } } }", {"p": True}
    )
    assert result == {"data": {"item": {"amount": 1, "price": 9}}}
    skipped = await federation.run(
        "query($p: Boolean!) { item { amount ... @include(if: $p) { price } } }", {"p": False}
    )
    assert skipped == {"data": {"item": {"amount": 1}}}


def bills(label: str) -> tuple[FakeSubgraph, FakeSubgraph]:
    return (
        FakeSubgraph("billing", f"""
        type Query {{ bills: [Bill] }}
        type Bill @key(fields: "id") {{ id: ID! amount: Int @override(from: "payments",
                                                                      label: "{label}") }}
        """, data={"Query": {"bills": [{"id": "x", "amount": 100}]}}),
        FakeSubgraph("payments", """
        type Bill @key(fields: "id") { id: ID! amount: Int }
        """, data={"Bill": [{"id": "x", "amount": 99}]}),
    )


@pytest.mark.parametrize("label", ["percent(50)", "new-billing"])
async def test_progressive_override_is_migrated_unless_configured_otherwise(label: str) -> None:
    migrated = Federation(*bills(label))
    assert migrated.services("{ bills { amount } }") == ["billing"]
    assert await migrated.run("{ bills { amount } }") == {"data": {"bills": [{"amount": 100}]}}
    held_back = Federation(*bills(label), override_labels={label: False})
    assert held_back.services("{ bills { amount } }") == ["billing", "payments"]
    assert await held_back.run("{ bills { amount } }") == {"data": {"bills": [{"amount": 99}]}}


def test_inaccessible_imported_under_another_name() -> None:
    subgraph = FakeSubgraph("a", """
    type Query { item: Item }
    type Item { id: ID! secret: String @inaccessible }
    """)
    supergraph_sdl = compose_fakes(subgraph)
    link = '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)'
    assert link in supergraph_sdl
    renamed = supergraph_sdl.replace("@inaccessible", "@hidden").replace(
        link, '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY, '
              'import: [{name: "@inaccessible", as: "@hidden"}])'
    )
    schema = build_api_schema(load_supergraph(renamed).document)
    item = schema.get_type("Item")
    assert isinstance(item, GraphQLObjectType) and list(item.fields) == ["id"]
    assert schema.get_directive("hidden") is None


async def test_percent_zero_is_never_migrated_and_the_default_can_be_apollo_gateways() -> None:
    assert Federation(*bills("percent(0)")).services("{ bills { amount } }") == [
        "billing", "payments"
    ]
    like_gateway = Federation(*bills("percent(100)"), override_label_default=False)
    assert await like_gateway.run("{ bills { amount } }") == {"data": {"bills": [{"amount": 99}]}}


def test_plan_command_takes_override_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(compose_fakes(*bills("new-billing")))
    query = "{ bills { amount } }"
    assert main(["plan", "--supergraph", str(path), "--query", query]) == 0
    assert 'Fetch(service: "payments")' not in capsys.readouterr().out
    assert main(["plan", "--supergraph", str(path), "--query", query,
                 "--override-label", "new-billing=off"]) == 0
    assert 'Fetch(service: "payments")' in capsys.readouterr().out
    with pytest.raises(SystemExit, match=r"LABEL=on\|off"):
        main(["plan", "--supergraph", str(path), "--query", query, "--override-label", "x=1"])
