"""@interfaceObject: a subgraph adding fields to every implementation of an entity interface."""

from __future__ import annotations

from typing import Any

from tests.router.test_fed_harness import FakeSubgraph, Federation


def library() -> tuple[FakeSubgraph, FakeSubgraph]:
    media = FakeSubgraph("media", """
    type Query { things: [Thing] }
    interface Thing @key(fields: "id") { id: ID! name: String }
    type Book implements Thing @key(fields: "id") { id: ID! name: String pages: Int }
    type Film implements Thing @key(fields: "id") { id: ID! name: String minutes: Int }
    """, data={
        "Query": {"things": [{"__typename": "Book", "id": "b1", "name": "Dune", "pages": 412},
                             {"__typename": "Film", "id": "f1", "name": "Alien", "minutes": 117}]},
        "Book": [{"id": "b1", "name": "Dune", "pages": 412}],
        "Film": [{"id": "f1", "name": "Alien", "minutes": 117}],
    })

    def score(thing: dict[str, Any]) -> int:
        return len(thing["name"]) * 10

    ratings = FakeSubgraph("ratings", """
    type Query { topThings: [Thing] }
    type Thing @key(fields: "id") @interfaceObject {
      id: ID!
      stars: Int
      name: String @external
      score: Int @requires(fields: "name")
    }
    """, data={
        "Query": {"topThings": [{"id": "f1", "stars": 5}, {"id": "b1", "stars": 4}]},
        "Thing": [{"id": "b1", "stars": 4}, {"id": "f1", "stars": 5}],
    }, resolvers={"Thing.score": score})
    return media, ratings


async def test_interface_object_fields_are_fetched_with_the_interface_as_typename() -> None:
    media, ratings = library()
    federation = Federation(media, ratings)
    query = "{ things { name stars } }"
    assert federation.services(query) == ["media", "ratings"]
    result = await federation.run(query)
    assert result == {"data": {"things": [{"name": "Dune", "stars": 4},
                                          {"name": "Alien", "stars": 5}]}}
    assert ratings.entity_calls() == [[{"__typename": "Thing", "id": "b1"},
                                       {"__typename": "Thing", "id": "f1"}]]


async def test_interface_object_field_inside_a_concrete_fragment() -> None:
    media, ratings = library()
    result = await Federation(media, ratings).run(
        "{ things { ... on Book { pages stars } ... on Film { minutes } } }"
    )
    assert result == {"data": {"things": [{"pages": 412, "stars": 4}, {"minutes": 117}]}}


async def test_concrete_type_comes_from_the_subgraph_with_the_real_interface() -> None:
    media, ratings = library()
    federation = Federation(media, ratings)
    query = "{ topThings { stars __typename ... on Book { pages } ... on Film { minutes } } }"
    assert federation.services(query) == ["ratings", "media"]
    result = await federation.run(query)
    assert result == {"data": {"topThings": [
        {"stars": 5, "__typename": "Film", "minutes": 117},
        {"stars": 4, "__typename": "Book", "pages": 412},
    ]}}


async def test_requires_on_an_interface_object_goes_to_the_owner_and_back() -> None:
    media, ratings = library()
    federation = Federation(media, ratings)
    query = "{ topThings { id score } }"
    assert federation.services(query) == ["ratings", "media", "ratings"]
    result = await federation.run(query)
    assert result == {"data": {"topThings": [{"id": "f1", "score": 50},
                                             {"id": "b1", "score": 40}]}}
    assert ratings.entity_calls()[-1] == [
        {"__typename": "Thing", "id": "f1", "name": "Alien"},
        {"__typename": "Thing", "id": "b1", "name": "Dune"},
    ]
