"""The compiled projection shapes responses exactly as graphql-core executing the operation would.

Every check runs both: the projection (``router.shaping``) and graphql-core's ``execute_sync``
with the executor's resolvers, over the same merged tree. Where graphql-core reports no error,
the two answers must be the same bytes (key order included); where it reports one, the
projection must give up so that the executor falls back to graphql-core.
"""

from __future__ import annotations

import functools
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    GraphQLScalarType,
    OperationDefinitionNode,
    build_schema,
    execute_sync,
    parse,
    validate,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from router.executor import _resolve_by_response_key, _resolve_type
from router.shaping import GAVE_UP, Projection

SCHEMA = build_schema("""
    scalar JSON
    enum Size { SMALL LARGE }
    interface Named { name: String! }
    type Hero implements Named { id: ID! name: String! level: Int size: Size
                                 tags: [String!] friends: [Named] stats: JSON }
    type Place implements Named { name: String! area: Float visitors: [[Int]] }
    union Thing = Hero | Place
    type Query {
      hero(id: ID): Hero
      heroes: [Hero!]!
      named: [Named!]
      things: [Thing]
      count: Int!
    }
    type Mutation { rename(name: String!): Hero }
""")
# A hand-made scalar whose output coercion does something (graphql-core applies it).
_json = SCHEMA.type_map["JSON"]
assert isinstance(_json, GraphQLScalarType)
_json.coerce_output_value = (
    lambda value: value if not isinstance(value, str) else value.upper())


@functools.cache
def prepared(query: str, operation_name: str | None) -> tuple[DocumentNode, Projection]:
    """Parsed, validated and compiled once per query, as the plan cache does."""
    document = parse(query)
    assert validate(SCHEMA, document) == []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(o for o in operations
                     if operation_name is None or (o.name and o.name.value == operation_name))
    return document, Projection(SCHEMA, document, operation)


def both(query: str, data: dict[str, Any], variables: dict[str, Any] | None = None,
         operation_name: str | None = None) -> tuple[Any, Any]:
    """(the projection's answer, graphql-core's execution result) for one merged tree."""
    document, projection = prepared(query, operation_name)
    fast = projection.shape(data, variables or {})
    slow = execute_sync(SCHEMA, document, root_value=data, variable_values=variables or {},
                        operation_name=operation_name, field_resolver=_resolve_by_response_key,
                        type_resolver=_resolve_type)
    return fast, slow


def assert_same(query: str, data: dict[str, Any], variables: dict[str, Any] | None = None,
                operation_name: str | None = None) -> Any:
    fast, slow = both(query, data, variables, operation_name)
    assert slow.errors is None, slow.errors
    assert fast is not GAVE_UP
    assert orjson.dumps(fast) == orjson.dumps(slow.data)  # same keys, values and key order
    return fast


def assert_gives_up(query: str, data: dict[str, Any], variables: dict[str, Any] | None = None
                    ) -> None:
    fast, slow = both(query, data, variables)
    assert slow.errors, "graphql-core found nothing to report"
    assert fast is GAVE_UP


HERO = {"__typename": "Hero", "id": "h1", "name": "Aria", "level": 5, "size": "SMALL",
        "tags": ["brave"], "internal_key": "dropped"}


def test_aliases_order_and_unselected_keys() -> None:
    data = {"h": {**HERO, "n": "Aria", "lvl": 5}, "count": 3}
    shaped = assert_same("{ count h: hero { lvl: level n: name id } }", data)
    assert list(shaped) == ["count", "h"]
    assert list(shaped["h"]) == ["lvl", "n", "id"]  # query order, extra keys gone


def test_typename_fragments_and_type_conditions() -> None:
    place = {"__typename": "Place", "name": "Keep", "area": 1.5, "visitors": [[1, None], []]}
    data = {"named": [HERO, place], "things": [place, None, HERO]}
    shaped = assert_same("""{
      named { __typename name ... on Hero { level } ...P }
      things { t: __typename ... on Named { name } ... on Hero { id size } }
    }
    fragment P on Place { area visitors ...P2 }
    fragment P2 on Place { area }""", data)
    assert shaped["named"][0] == {"__typename": "Hero", "name": "Aria", "level": 5}
    assert shaped["things"][1] is None


def test_typename_of_the_root_and_mutations() -> None:
    assert_same("{ __typename count }", {"count": 1})
    assert_same('mutation M { __typename rename(name: "B") { name } }',
                {"rename": {"name": "B"}}, operation_name="M")


def test_skip_and_include_follow_the_variables_each_time() -> None:
    query = """query Q($show: Boolean!, $hide: Boolean = true) {
      hero {
        name level @include(if: $show) id @skip(if: $hide)
        ... on Hero @skip(if: true) { size }
      }
    }"""
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    projection = Projection(SCHEMA, document, operation)
    data = {"hero": HERO}
    assert projection.shape(data, {"show": True, "hide": True}) == {
        "hero": {"name": "Aria", "level": 5}}
    assert projection.shape(data, {"show": False, "hide": False}) == {
        "hero": {"name": "Aria", "id": "h1"}}
    assert_same(query, data, {"show": True, "hide": False})


def test_nulls_where_allowed_and_giving_up_where_not() -> None:
    assert_same("{ hero { level size tags friends { name } } }",
                {"hero": {"name": "A", "level": None, "tags": None}})
    assert_gives_up("{ hero { name } }", {"hero": {"level": 1}})  # non-null name missing
    assert_gives_up("{ count }", {})  # a failed root fetch: data becomes null
    assert_gives_up("{ heroes { name } }", {"heroes": [{"name": "A"}, None]})
    assert_gives_up("{ hero { tags } }", {"hero": {"tags": ["a", None]}})


def test_leaf_values_are_checked_and_coerced_like_graphql_core() -> None:
    assert_same("{ hero { id level stats } }",
                {"hero": {"id": 7, "level": 3.0, "stats": "up"}})  # ID from a number, 3.0 -> 3
    assert_same("{ hero { stats } }", {"hero": {"stats": {"a": [1, 2]}}})
    assert_gives_up("{ hero { size } }", {"hero": {"size": "HUGE"}})  # enum value unknown
    assert_same("{ hero { level } }", {"hero": {"level": 2**31 - 1}})
    pass  # not a 32-bit Int
    assert_gives_up("{ hero { level } }", {"hero": {"level": "five"}})
    assert_gives_up("{ hero { tags } }", {"hero": {"tags": "brave"}})  # not a list


def test_abstract_values_without_a_usable_typename() -> None:
    # The interface's own name (an @interfaceObject answer) or none at all: the first
    # implementation reads the fields, as the executor's type resolver decides.
    assert_same("{ named { name } }", {"named": [{"__typename": "Named", "name": "X"},
                                                {"name": "Y"}]})
    assert_gives_up("{ things { ... on Hero { id } } }",
                    {"things": [{"__typename": "Query"}]})  # not a member of the union


def test_an_object_of_a_type_clients_cannot_see_is_left_to_graphql_core() -> None:
    # an @inaccessible implementation: not another type's fields, but null with an error
    assert_gives_up("{ named { name } }", {"named": [{"__typename": "Hidden", "name": "X"}]})


def test_introspection_is_left_to_graphql_core() -> None:
    fast, slow = both("{ __schema { queryType { name } } count }", {"count": 1})
    assert slow.errors is None
    assert fast is GAVE_UP


# --- property: random merged trees ---------------------------------------------------------

PROPERTY_QUERY = """query P($flag: Boolean!) {
  hero { id name level size tags stats friends { __typename name ... on Hero { level } } }
  heroes { name tags @include(if: $flag) }
  named { ... on Place { area visitors } ... on Hero { size } name }
  things { __typename ... on Hero { id } }
  count
}"""

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-9, max_value=9),
    st.sampled_from([2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2.0, 2.5, 1e300]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["SMALL", "LARGE", "HUGE", "x", "Hero", "Place", "Named"]),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["__typename", "id", "name", "level", "size", "tags",
                                         "stats", "friends", "area", "visitors"]),
                        children, max_size=6),
    ),
    max_leaves=12,
)
roots = st.fixed_dictionaries({}, optional={
    "hero": trees, "heroes": trees, "named": trees, "things": trees, "count": trees,
})


def assert_shapes_like_graphql_core_or_gives_up(data: dict[str, Any], flag: bool) -> None:
    """The projection gives up exactly when graphql-core reports errors, else agrees with it."""
    fast, slow = both(PROPERTY_QUERY, data, {"flag": flag})
    if slow.errors:
        assert fast is GAVE_UP
    else:
        assert fast is not GAVE_UP
        assert orjson.dumps(fast) == orjson.dumps(slow.data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=roots, flag=st.booleans())
def test_random_trees_shape_like_graphql_core_or_give_up(data: dict[str, Any],
                                                         flag: bool) -> None:
    assert_shapes_like_graphql_core_or_gives_up(data, flag)


# Trees that mostly fit the schema, with a wrong value here and there: most shape cleanly,
# some must make the projection give up.
def sometimes_wrong(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(valid, valid, valid, scalars)


Strategy = st.SearchStrategy[Any]
ints = sometimes_wrong(st.one_of(st.integers(-5, 5), st.sampled_from([2**31 - 1, -(2**31)])))
texts = sometimes_wrong(st.text(max_size=3))
hero_required: dict[str, Strategy] = {"__typename": st.just("Hero"), "id": texts, "name": texts}
hero_objects: Strategy = st.deferred(lambda: st.fixed_dictionaries(
    hero_required,
    optional={"level": st.one_of(st.none(), ints),
              "size": sometimes_wrong(st.sampled_from(["SMALL", "LARGE"])),
              "tags": st.one_of(st.none(), st.lists(texts, max_size=2)),
              "stats": scalars,
              "friends": st.one_of(st.none(), st.lists(st.one_of(st.none(), named_objects),
                                                       max_size=2))}))
place_required: dict[str, Strategy] = {"__typename": sometimes_wrong(st.just("Place")),
                                       "name": texts}
place_objects: Strategy = st.fixed_dictionaries(
    place_required,
    optional={"area": sometimes_wrong(st.floats(allow_nan=False, allow_infinity=False)),
              "visitors": st.lists(st.one_of(st.none(), st.lists(st.one_of(st.none(), ints),
                                                                  max_size=2)), max_size=2)})
named_objects: Strategy = st.one_of(hero_objects, place_objects)
typed_roots = st.fixed_dictionaries({
    "hero": st.one_of(st.none(), hero_objects),
    "heroes": st.lists(hero_objects, max_size=3),
    "named": st.one_of(st.none(), st.lists(named_objects, max_size=3)),
    "things": st.one_of(st.none(), st.lists(st.one_of(st.none(), named_objects), max_size=3)),
    "count": ints,
})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=typed_roots, flag=st.booleans())
def test_typed_trees_shape_like_graphql_core_or_give_up(data: dict[str, Any],
                                                        flag: bool) -> None:
    assert_shapes_like_graphql_core_or_gives_up(data, flag)


@settings(max_examples=100, deadline=None)
@given(count=st.integers(min_value=0, max_value=5), flag=st.booleans())
def test_well_formed_trees_never_give_up(count: int, flag: bool) -> None:
    heroes = [{"__typename": "Hero", "id": f"h{i}", "name": f"n{i}", "tags": []}
              for i in range(count)]
    data = {"hero": None, "heroes": heroes, "named": heroes, "things": heroes, "count": count}
    assert_same(PROPERTY_QUERY, data, {"flag": flag})
