"""Entity jumps on every kind of @key, and re-fetching a parent when no key leads straight on."""

from __future__ import annotations

from tests.router.test_fed_harness import FakeSubgraph, Federation


def users_and_reviews() -> tuple[FakeSubgraph, FakeSubgraph]:
    accounts = FakeSubgraph("accounts", """
    type Query { me: User }
    type User @key(fields: "id org { id }") { id: ID! org: Org! name: String }
    type Org @shareable { id: ID! }
    """, data={
        "Query": {"me": {"id": "u1", "org": {"id": "o1"}, "name": "Ada"}},
        "User": [{"id": "u1", "org": {"id": "o1"}, "name": "Ada"},
                 {"id": "u1", "org": {"id": "o2"}, "name": "Ada (other org)"}],
    })
    reviews = FakeSubgraph("reviews", """
    type Query { topReviews: [Review] }
    type Review { body: String author: User }
    type User @key(fields: "id org { id }", resolvable: false) { id: ID! org: Org! }
    type Org @shareable { id: ID! }
    """, data={"Query": {"topReviews": [
        {"body": "great", "author": {"id": "u1", "org": {"id": "o2"}}},
        {"body": "fine", "author": {"id": "u1", "org": {"id": "o2"}}},
    ]}})
    return accounts, reviews


async def test_nested_composite_key_is_sent_whole_and_deduplicated() -> None:
    accounts, reviews = users_and_reviews()
    federation = Federation(accounts, reviews)
    result = await federation.run("{ topReviews { body author { name org { id } } } }")
    assert result == {"data": {"topReviews": [
        {"body": "great", "author": {"name": "Ada (other org)", "org": {"id": "o2"}}},
        {"body": "fine", "author": {"name": "Ada (other org)", "org": {"id": "o2"}}},
    ]}}
    # both reviews have the same author: one representation, carrying the nested key
    assert accounts.entity_calls() == [[{"__typename": "User", "id": "u1", "org": {"id": "o2"}}]]


def test_resolvable_false_key_is_never_a_way_in() -> None:
    accounts, reviews = users_and_reviews()
    federation = Federation(accounts, reviews)
    # reviews declares User only as a reference: nothing can be fetched from it by key, and
    # accounts has everything the query needs, so there is one fetch.
    assert federation.services("{ me { id name org { id } } }") == ["accounts"]


def three_product_subgraphs() -> tuple[FakeSubgraph, FakeSubgraph, FakeSubgraph]:
    catalog = FakeSubgraph("catalog", """
    type Product @key(fields: "upc") @key(fields: "sku") { upc: String! sku: String! name: String }
    """, data={"Product": [{"upc": "u-1", "sku": "s-1", "name": "Lamp"},
                           {"upc": "u-2", "sku": "s-2", "name": "Desk"}]})
    inventory = FakeSubgraph("inventory", """
    type Query { lowStock: [Product] }
    type Product @key(fields: "sku") { sku: String! stock: Int }
    """, data={"Query": {"lowStock": [{"sku": "s-2", "stock": 1}, {"sku": "s-1", "stock": 0}]},
               "Product": [{"sku": "s-1", "stock": 0}, {"sku": "s-2", "stock": 1}]})
    pricing = FakeSubgraph("pricing", """
    type Product @key(fields: "upc") { upc: String! price: Int }
    """, data={"Product": [{"upc": "u-1", "price": 30}, {"upc": "u-2", "price": 120}]})
    return catalog, inventory, pricing


def test_a_key_the_source_can_supply_is_chosen_among_several() -> None:
    federation = Federation(*three_product_subgraphs())
    plan = federation.plan("{ lowStock { stock name } }")
    assert federation.services("{ lowStock { stock name } }") == ["inventory", "catalog"]
    assert "sku" in plan.split("=>")[0] and "upc" not in plan.split("=>")[0]


async def test_unreachable_key_goes_through_a_subgraph_that_knows_both_keys() -> None:
    catalog, inventory, pricing = three_product_subgraphs()
    federation = Federation(catalog, inventory, pricing)
    query = "{ lowStock { stock price } }"
    # inventory only knows sku; pricing only upc: catalog translates one key into the other
    assert federation.services(query) == ["inventory", "catalog", "pricing"]
    result = await federation.run(query)
    assert result == {"data": {"lowStock": [{"stock": 1, "price": 120},
                                            {"stock": 0, "price": 30}]}}
    assert pricing.entity_calls() == [[{"__typename": "Product", "upc": "u-2"},
                                       {"__typename": "Product", "upc": "u-1"}]]


def shelves() -> tuple[FakeSubgraph, FakeSubgraph]:
    front = FakeSubgraph("front", """
    type Query { shelf: Shelf }
    type Shelf @key(fields: "id") { id: ID! info: Info @shareable notes: [Info] @shareable }
    type Info @shareable { title: String }
    """, data={"Query": {"shelf": {"id": "sh1", "info": {"title": "Title"},
                                   "notes": [{"title": "n1"}, {"title": "n2"}]}}})
    back = FakeSubgraph("back", """
    type Shelf @key(fields: "id") { id: ID! info: Info @shareable notes: [Info] @shareable }
    type Info @shareable { title: String subtitle: String }
    """, data={"Shelf": [{"id": "sh1", "info": {"title": "Title", "subtitle": "More"},
                          "notes": [{"title": "n1", "subtitle": "s1"},
                                    {"title": "n2", "subtitle": "s2"}]}]})
    return front, back


async def test_value_type_field_missing_here_refetches_the_parent_entity_elsewhere() -> None:
    front, back = shelves()
    federation = Federation(front, back)
    query = "{ shelf { id info { title subtitle } } }"
    assert federation.services(query) == ["front", "back"]
    front_part, back_part = federation.plan(query).split('Fetch(service: "back")')
    # what front has stays there; only the missing piece travels, by the entity's key
    assert "title" in front_part and "subtitle" not in front_part
    back_lines = [line.strip() for line in back_part.splitlines()]
    assert "subtitle" in back_lines and "title" not in back_lines
    result = await federation.run(query)
    assert result == {"data": {"shelf": {"id": "sh1",
                                         "info": {"title": "Title", "subtitle": "More"}}}}


async def test_missing_pieces_of_a_list_of_values_merge_item_by_item() -> None:
    federation = Federation(*shelves())
    query = "{ shelf { notes { title subtitle } info { subtitle } } }"
    assert federation.services(query) == ["front", "back"]  # both pieces in one fetch
    assert await federation.run(query) == {"data": {"shelf": {
        "notes": [{"title": "n1", "subtitle": "s1"}, {"title": "n2", "subtitle": "s2"}],
        "info": {"subtitle": "More"},
    }}}


def test_value_type_fields_available_here_stay_here() -> None:
    federation = Federation(*shelves())
    assert federation.services("{ shelf { info { title } } }") == ["front"]


async def test_client_aliases_never_pass_for_the_routers_own_fields() -> None:
    catalog, inventory, pricing = three_product_subgraphs()
    federation = Federation(catalog, inventory, pricing)
    # `sku: stock` takes the key's response key; `_router_sku` looks like the renamed key
    query = "{ lowStock { sku: stock _router_sku: stock name } }"
    plan = federation.plan(query)
    assert "__router_sku: sku" in plan
    result = await federation.run(query)
    assert result == {"data": {"lowStock": [{"sku": 1, "_router_sku": 1, "name": "Desk"},
                                            {"sku": 0, "_router_sku": 0, "name": "Lamp"}]}}


async def test_missing_piece_under_a_type_condition_keeps_its_fragment() -> None:
    front = FakeSubgraph("front", """
    type Query { shelf: Shelf }
    type Shelf @key(fields: "id") { id: ID! item: Media @shareable }
    interface Media { title: String }
    type Book implements Media @shareable { title: String }
    """, data={"Query": {"shelf": {"id": "sh1",
                                   "item": {"__typename": "Book", "title": "Dune"}}}})
    back = FakeSubgraph("back", """
    type Shelf @key(fields: "id") { id: ID! item: Media @shareable }
    interface Media { title: String }
    type Book implements Media @shareable { title: String isbn: String }
    """, data={"Shelf": [{"id": "sh1",
                          "item": {"__typename": "Book", "title": "Dune", "isbn": "978"}}]})
    federation = Federation(front, back)
    query = "{ shelf { item { title ... on Book { isbn } } } }"
    back_part = federation.plan(query).split('Fetch(service: "back")')[1]
    assert "... on Book" in back_part and "isbn" in back_part
    assert await federation.run(query) == {"data": {"shelf": {"item": {"title": "Dune",
                                                                        "isbn": "978"}}}}
