"""Operation features meeting federation: @skip/@include around jumps and @requires, __typename
on abstract types, and how nulls the subgraphs did not explain are reported."""

from __future__ import annotations

from typing import Any

from tests.router.test_fed_harness import FakeSubgraph, Federation


def reviews_and_shipping() -> tuple[FakeSubgraph, FakeSubgraph, FakeSubgraph]:
    reviews = FakeSubgraph("reviews", """
    type Query { reviews: [Review] anything: [Thing] }
    type Review { body: String product: Product }
    type Product @key(fields: "upc") { upc: String! }
    union Thing = Review | Product
    """, data={"Query": {
        "reviews": [{"body": "ok", "product": {"upc": "1"}},
                    {"body": "lost", "product": {"upc": "404"}}],
        "anything": [{"__typename": "Review", "body": "ok"},
                     {"__typename": "Product", "upc": "1"}],
    }})
    products = FakeSubgraph("products", """
    type Product @key(fields: "upc") { upc: String! weight: Int name: String! }
    """, data={"Product": [{"upc": "1", "weight": 3, "name": "Lamp"}]})

    def estimate(product: dict[str, Any]) -> int:
        return int(product["weight"]) * 10

    shipping = FakeSubgraph("shipping", """
    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      estimate: Int @requires(fields: "weight")
    }
    """, data={"Product": [{"upc": "1"}]}, resolvers={"Product.estimate": estimate})
    return reviews, products, shipping


def test_literal_skip_and_include_are_left_out_of_the_plan() -> None:
    federation = Federation(*reviews_and_shipping())
    assert federation.services("{ reviews { body product { name @skip(if: true) } } }") == [
        "reviews"
    ]
    assert federation.services(
        "{ reviews { body ... @include(if: false) { product { name } } } }"
    ) == ["reviews"]


async def test_a_skipped_field_fetches_nothing_for_its_requires() -> None:
    reviews, products, shipping = reviews_and_shipping()
    federation = Federation(reviews, products, shipping)
    query = "query($cheap: Boolean!) { reviews { product { estimate @skip(if: $cheap) } } }"
    assert (await federation.run(query, {"cheap": False}))["data"]["reviews"][0] == {
        "product": {"estimate": 30}
    }
    products.calls.clear()
    shipping.calls.clear()
    skipped = await federation.run(query, {"cheap": True})
    assert skipped == {"data": {"reviews": [{"product": {}}, {"product": {}}]}}
    assert products.calls == [] and shipping.calls == []


def test_typename_alone_on_an_abstract_type_needs_no_fragments() -> None:
    federation = Federation(*reviews_and_shipping())
    plan = federation.plan("{ anything { __typename kind: __typename } }")
    assert "... on" not in plan
    assert "kind: __typename" in plan


async def test_an_entity_its_subgraph_cannot_resolve_is_an_error_in_errors() -> None:
    federation = Federation(*reviews_and_shipping())
    body = await federation.run("{ reviews { body product { name } } }")
    # products knows no product 404 and says so with a null entity, no error; name is String!
    assert body["data"] == {"reviews": [{"body": "ok", "product": {"name": "Lamp"}},
                                        {"body": "lost", "product": None}]}
    assert "extensions" not in body
    [error] = body["errors"]
    assert error["message"] == "Cannot return null for non-nullable field Product.name."
    assert error["path"] == ["reviews", 1, "product", "name"]
    assert error["extensions"] == {"code": "INVALID_GRAPHQL"}
