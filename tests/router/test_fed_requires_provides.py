"""@requires, @provides, @external and @inaccessible keys."""

from __future__ import annotations

from typing import Any

from tests.router.test_fed_harness import FakeSubgraph, Federation, compose_fakes

# Apollo's composer accepts arguments in @requires (`weight(unit: "kg")`); the project's composer
# does not yet, so the shop's supergraph gets that requirement written in after composing.
REQUIRES_WITHOUT_ARGUMENTS = 'requires: "dims{w h}"'
REQUIRES_WITH_ARGUMENTS = 'requires: "weight(unit: \\"kg\\") dims { w h }"'


def shop_federation(*subgraphs: FakeSubgraph) -> Federation:
    supergraph = compose_fakes(*subgraphs)
    assert REQUIRES_WITHOUT_ARGUMENTS in supergraph
    return Federation(*subgraphs, supergraph=supergraph.replace(REQUIRES_WITHOUT_ARGUMENTS,
                                                                REQUIRES_WITH_ARGUMENTS))


def shop() -> tuple[FakeSubgraph, FakeSubgraph, FakeSubgraph]:
    products = FakeSubgraph("products", """
    type Query { products: [Product] }
    type Product @key(fields: "id") { id: ID! weight(unit: String): Float dims: Dims }
    type Dims @shareable { w: Int h: Int }
    """, data={"Query": {"products": [{"id": "p1", "dims": {"w": 2, "h": 3}},
                                      {"id": "p2", "dims": {"w": 1, "h": 1}}]}},
        resolvers={"Product.weight": lambda p, unit: {"p1": 10.0, "p2": 4.0}[p["id"]]
                   * (2.0 if unit == "lb" else 1.0)})

    def cost(product: dict[str, Any]) -> float:
        return float(product["weight"] * product["dims"]["w"] * product["dims"]["h"])

    shipping = FakeSubgraph("shipping", """
    type Product @key(fields: "id") {
      id: ID!
      dims: Dims @external
      cost: Float @requires(fields: "dims { w h }")
    }
    type Dims @shareable { w: Int h: Int }
    """, resolvers={"Product.cost": cost},
        data={"Product": [{"id": "p1"}, {"id": "p2"}]})
    delivery = FakeSubgraph("delivery", """
    type Product @key(fields: "id") {
      id: ID!
      cost: Float @external
      eta: Int @requires(fields: "cost")
    }
    """, resolvers={"Product.eta": lambda p: 1 if p["cost"] < 10 else 5},
        data={"Product": [{"id": "p1"}, {"id": "p2"}]})
    return products, shipping, delivery


async def test_requires_with_arguments_and_nested_fields() -> None:
    products, shipping, delivery = shop()
    federation = shop_federation(products, shipping, delivery)
    # the client asks weight in pounds; the requirement wants kilograms under the same name
    result = await federation.run('{ products { weight(unit: "lb") cost } }')
    assert result == {"data": {"products": [{"weight": 20.0, "cost": 60.0},
                                            {"weight": 8.0, "cost": 4.0}]}}
    assert shipping.entity_calls() == [[
        {"__typename": "Product", "id": "p1", "weight": 10.0, "dims": {"w": 2, "h": 3}},
        {"__typename": "Product", "id": "p2", "weight": 4.0, "dims": {"w": 1, "h": 1}},
    ]]


async def test_requires_on_a_field_that_itself_requires() -> None:
    products, shipping, delivery = shop()
    federation = shop_federation(products, shipping, delivery)
    query = "{ products { id eta } }"
    assert federation.services(query) == ["products", "shipping", "delivery"]
    result = await federation.run(query)
    assert result == {"data": {"products": [{"id": "p1", "eta": 5}, {"id": "p2", "eta": 1}]}}
    assert [r["cost"] for r in delivery.entity_calls()[0]] == [60.0, 4.0]


def boxes() -> tuple[FakeSubgraph, FakeSubgraph]:
    storage = FakeSubgraph("storage", """
    type Query { boxes: [Box] }
    type Box @key(fields: "id") { id: ID! content: Shape @shareable }
    interface Shape { name: String }
    type Circle implements Shape @shareable { name: String r: Float }
    type Square implements Shape @shareable { name: String side: Float }
    """, data={"Query": {"boxes": [
        {"id": "b1", "content": {"__typename": "Circle", "name": "c", "r": 1.0}},
        {"id": "b2", "content": {"__typename": "Square", "name": "s", "side": 2.0}},
    ]}})

    def price(box: dict[str, Any]) -> float:
        shape = box["content"]
        return float(shape["r"] * 3 if shape["__typename"] == "Circle" else shape["side"] * 4)

    pricing = FakeSubgraph("pricing", """
    type Box @key(fields: "id") {
      id: ID!
      content: Shape @external
      price: Float @requires(fields: "content { ... on Circle { r } ... on Square { side } }")
    }
    interface Shape { name: String }
    type Circle implements Shape @shareable { name: String r: Float }
    type Square implements Shape @shareable { name: String side: Float }
    """, resolvers={"Box.price": price}, data={"Box": [{"id": "b1"}, {"id": "b2"}]})
    return storage, pricing


async def test_requires_with_type_conditions_sends_only_what_each_type_has() -> None:
    storage, pricing = boxes()
    result = await Federation(storage, pricing).run("{ boxes { price } }")
    assert result == {"data": {"boxes": [{"price": 3.0}, {"price": 8.0}]}}
    assert pricing.entity_calls() == [[
        {"__typename": "Box", "id": "b1", "content": {"__typename": "Circle", "r": 1.0}},
        {"__typename": "Box", "id": "b2", "content": {"__typename": "Square", "side": 2.0}},
    ]]


def media() -> tuple[FakeSubgraph, FakeSubgraph]:
    feed = FakeSubgraph("feed", """
    type Query { posts: [Post] }
    type Post { item: Media @provides(fields: "... on Book { title }") }
    union Media = Book | Movie
    type Book @key(fields: "id") { id: ID! title: String @external }
    type Movie @key(fields: "id") { id: ID! }
    """, data={"Query": {"posts": [
        {"item": {"__typename": "Book", "id": "b1", "title": "Provided title"}},
        {"item": {"__typename": "Movie", "id": "m1", "title": "not provided"}},
    ]}})
    catalog = FakeSubgraph("catalog", """
    type Book @key(fields: "id") { id: ID! title: String }
    type Movie @key(fields: "id") { id: ID! title: String }
    """, data={"Book": [{"id": "b1", "title": "Catalog book"}],
               "Movie": [{"id": "m1", "title": "Catalog movie"}]})
    return feed, catalog


async def test_provides_on_a_union_member_is_used_locally_and_only_for_that_member() -> None:
    feed, catalog = media()
    federation = Federation(feed, catalog)
    query = "{ posts { item { ... on Book { title } ... on Movie { title } } } }"
    plan = federation.plan(query)
    catalog_part = plan.split('Fetch(service: "catalog")')[1]
    assert "... on Movie" in catalog_part and "... on Book" not in catalog_part
    result = await federation.run(query)
    assert result == {"data": {"posts": [{"item": {"title": "Provided title"}},
                                         {"item": {"title": "Catalog movie"}}]}}


def hidden_keys() -> tuple[FakeSubgraph, FakeSubgraph]:
    accounts = FakeSubgraph("accounts", """
    type Query { people: [Person] }
    type Person @key(fields: "uid") { uid: ID! @inaccessible name: String }
    """, data={"Query": {"people": [{"uid": "x1", "name": "Ann"}]}})
    badges = FakeSubgraph("badges", """
    type Person @key(fields: "uid") { uid: ID! @inaccessible badge: String }
    """, data={"Person": [{"uid": "x1", "badge": "gold"}]})
    return accounts, badges


async def test_an_inaccessible_key_is_hidden_from_clients_but_used_for_jumps() -> None:
    federation = Federation(*hidden_keys())
    rejected = await federation.run("{ people { uid } }")
    assert rejected["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    result = await federation.run("{ people { name badge } }")
    assert result == {"data": {"people": [{"name": "Ann", "badge": "gold"}]}}


def relay() -> tuple[FakeSubgraph, FakeSubgraph, FakeSubgraph]:
    start = FakeSubgraph("start", """
    type Query { t: T }
    type T @key(fields: "id") { id: ID! }
    """, data={"Query": {"t": {"id": "t1"}}})
    middle = FakeSubgraph("middle", """
    type T @key(fields: "id") {
      id: ID!
      code: String! @shareable
      bx: Int
      cz: Int @external
      price: Int @requires(fields: "cz")
    }
    """, data={"T": [{"id": "t1", "code": "K", "bx": 1}]},
        resolvers={"T.price": lambda t: t["cz"] * 2})
    far = FakeSubgraph("far", """
    type T @key(fields: "code") { code: String! cz: Int }
    """, data={"T": [{"code": "K", "cz": 21}]})
    return start, middle, far


async def test_requires_reached_through_the_same_subgraph_gets_its_own_fetch() -> None:
    start, middle, far = relay()
    federation = Federation(start, middle, far)
    query = "{ t { bx price } }"
    # cz is only reachable through middle (which knows the code key), so price cannot share
    # the fetch that gives bx and the code: it is asked of middle again, afterwards.
    assert federation.services(query) == ["start", "middle", "far", "middle"]
    assert await federation.run(query) == {"data": {"t": {"bx": 1, "price": 42}}}
