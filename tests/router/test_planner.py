"""Query plans: their printed shape for representative operations, and the plan cache."""

from __future__ import annotations

import textwrap

import pytest
from graphql import parse, validate

from router.api_schema import build_api_schema
from router.gateway import Gateway, GatewayConfig, RequestRejected
from router.plan import FetchNode, FlattenNode, ParallelNode, SequenceNode
from router.planner import QueryPlanner
from router.supergraph import load_supergraph
from tests.router.test_supergraph import SPELLS_SUPERGRAPH


def planner_for(sdl: str) -> QueryPlanner:
    supergraph = load_supergraph(sdl)
    return QueryPlanner(supergraph, build_api_schema(supergraph.document))


def plan_text(planner: QueryPlanner, query: str) -> str:
    document = parse(query)
    assert validate(planner.schema, document) == []
    return str(planner.plan(document))


def expected(text: str) -> str:
    return textwrap.dedent(text).strip()


@pytest.fixture(scope="module")
def planner(supergraph_sdl: str) -> QueryPlanner:
    return planner_for(supergraph_sdl)


def test_single_subgraph_is_one_fetch(planner: QueryPlanner) -> None:
    assert plan_text(planner, '{ character(id: "c1") { name level } }') == expected("""
        QueryPlan {
          Fetch(service: "characters") {
            {
              character(id: "c1") {
                name
                level
              }
            }
          },
        }
    """)


def test_entity_jump_over_a_list(planner: QueryPlanner) -> None:
    assert plan_text(planner, "{ characters { name campaigns { name } } }") == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "characters") {
              {
                characters {
                  name
                  __typename
                  id
                }
              }
            },
            Flatten(path: "characters.@") {
              Fetch(service: "campaigns") {
                {
                  ... on Character {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Character {
                    campaigns {
                      name
                    }
                  }
                }
              },
            },
          },
        }
    """)


def test_requires_fetches_the_required_field_first(planner: QueryPlanner) -> None:
    assert plan_text(planner, '{ character(id: "c1") { carryingCapacity } }') == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "characters") {
              {
                character(id: "c1") {
                  __typename
                  id
                  strength
                }
              }
            },
            Flatten(path: "character") {
              Fetch(service: "items") {
                {
                  ... on Character {
                    __typename
                    id
                    strength
                  }
                } =>
                {
                  ... on Character {
                    carryingCapacity
                  }
                }
              },
            },
          },
        }
    """)


def test_requires_from_a_third_subgraph_waits_for_it(planner: QueryPlanner) -> None:
    document = parse('{ campaign(id: "k1") { members { carryingCapacity } } }')
    plan = planner.plan(document)
    assert isinstance(plan.node, SequenceNode)
    services = [
        [f.service for f in _fetches(stage)] for stage in plan.node.nodes
    ]
    # campaigns gives the member ids, characters their strength, then items can compute.
    assert services == [["campaigns"], ["characters"], ["items"]]
    items = plan.fetches()[-1]
    assert items.requires == (("Character", items.requires[0][1]),)
    assert [f.name for f in items.requires[0][1]] == ["__typename", "id", "strength"]


def _fetches(node: object) -> list[FetchNode]:
    if isinstance(node, FetchNode):
        return [node]
    if isinstance(node, FlattenNode):
        return [node.node]
    assert isinstance(node, SequenceNode | ParallelNode)
    return [f for child in node.nodes for f in _fetches(child)]


def test_independent_jumps_run_in_parallel(planner: QueryPlanner) -> None:
    plan = planner.plan(parse('{ campaign(id: "k1") { members { name } loot { name } } }'))
    assert isinstance(plan.node, SequenceNode)
    first, then = plan.node.nodes
    assert isinstance(first, FetchNode) and first.service == "campaigns"
    assert isinstance(then, ParallelNode)
    paths = sorted(".".join(n.path) for n in then.nodes if isinstance(n, FlattenNode))
    assert paths == ["campaign.loot.@", "campaign.members.@"]


def test_provides_keeps_the_field_in_the_providing_subgraph(planner: QueryPlanner) -> None:
    plan = planner.plan(parse('{ campaigns { dungeonMaster { id name } } }'))
    assert [f.service for f in plan.fetches()] == ["campaigns"]


def test_shareable_and_key_fields_stay_in_the_current_subgraph(planner: QueryPlanner) -> None:
    # Character.id is known to every subgraph: members' ids come from campaigns, no jump.
    plan = planner.plan(parse('{ campaigns { members { id __typename } } }'))
    assert [f.service for f in plan.fetches()] == ["campaigns"]


def test_root_fields_of_several_subgraphs_run_in_parallel(planner: QueryPlanner) -> None:
    plan = planner.plan(parse("{ items { name } characters { name } campaigns { name } }"))
    assert isinstance(plan.node, ParallelNode)
    assert sorted(f.service for f in plan.fetches()) == ["campaigns", "characters", "items"]


def test_union_members_are_planned_per_type(planner: QueryPlanner) -> None:
    text = plan_text(planner, '{ search(text: "a") { ... on Item { name } } }')
    assert 'Flatten(path: "search.@")' in text
    assert 'Fetch(service: "items")' in text
    assert "... on Character" not in text  # nothing asked of characters in the union


def test_skip_and_include_travel_with_their_fields(planner: QueryPlanner) -> None:
    text = plan_text(planner, """query($x: Boolean!) {
      characters { ... on Character @include(if: $x) { campaigns { name } } }
    }""")
    assert "... @include(if: $x) {" in text
    fetch = planner.plan(parse("""query($x: Boolean!, $unused: Int) {
      characters { ... on Character @include(if: $x) { campaigns { name } } }
    }""")).fetches()[-1]
    assert fetch.variable_usages == ("x",)
    assert "query($representations: [_Any!]!, $x: Boolean!)" in fetch.operation.replace(" (", "(")


def test_mutations_are_sequenced_in_order(planner: QueryPlanner) -> None:
    plan = planner.plan(parse("""mutation {
      a: renameCharacter(id: "c1", name: "A") { name }
      b: renameCharacter(id: "c2", name: "B") { name }
      addMember(campaignId: "k1", characterId: "c3") { name }
      c: renameCharacter(id: "c3", name: "C") { name }
    }"""))
    assert isinstance(plan.node, SequenceNode)
    kinds = [(f.service, f.operation_kind) for f in plan.fetches()]
    # consecutive fields of one subgraph share a fetch; order across subgraphs is kept
    assert kinds == [("characters", "mutation"), ("campaigns", "mutation"),
                     ("characters", "mutation")]
    assert "a: renameCharacter" in plan.fetches()[0].operation
    assert "b: renameCharacter" in plan.fetches()[0].operation


def test_named_operations_name_their_subgraph_operations(planner: QueryPlanner) -> None:
    plan = planner.plan(parse("query Roster { characters { campaigns { name } } }"))
    names = [f.operation.split("(")[0].split("{")[0].strip() for f in plan.fetches()]
    assert names == ["query Roster__characters__0", "query Roster__campaigns__1"]


def test_planner_fields_dodge_client_aliases(planner: QueryPlanner) -> None:
    text = plan_text(planner, '{ character(id: "c1") { id: name campaigns { name } } }')
    assert "id: name" in text
    assert "_router_id: id" in text
    untouched = plan_text(planner, '{ character(id: "c1") { id campaigns { name } } }')
    assert "_router_" not in untouched


def test_introspection_only_needs_no_fetch(planner: QueryPlanner) -> None:
    assert planner.plan(parse("{ __typename __schema { queryType { name } } }")).node is None


def test_interface_selection_stays_on_the_interface_when_it_can() -> None:
    planner = planner_for(SPELLS_SUPERGRAPH)
    assert plan_text(planner, "{ castables { name } }") == expected("""
        QueryPlan {
          Fetch(service: "spells") {
            {
              castables {
                __typename
                name
              }
            }
          },
        }
    """)


def test_interface_with_fields_elsewhere_is_planned_per_implementation() -> None:
    planner = planner_for(SPELLS_SUPERGRAPH)
    text = plan_text(planner, "{ castables { name ... on Spell { level damage } } }")
    assert text == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "spells") {
              {
                castables {
                  __typename
                  ... on Cantrip {
                    name
                  }
                  ... on Spell {
                    name
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "castables.@") {
              Fetch(service: "rules") {
                {
                  ... on Spell {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Spell {
                    level
                    damage
                  }
                }
              },
            },
          },
        }
    """)


def test_plan_cache_is_keyed_by_text_and_operation_name_and_bounded(supergraph_sdl: str) -> None:
    gateway = Gateway(supergraph_sdl, config=GatewayConfig(plan_cache_size=2))
    query = "query A { items { name } } query B { characters { name } }"
    first = gateway.prepare(query, "A")
    assert gateway.prepare(query, "A") is first
    assert gateway.prepare(query, "B") is not first
    assert len(gateway.plan_cache) == 2
    gateway.prepare("{ campaigns { name } }", None)
    assert len(gateway.plan_cache) == 2
    assert gateway.prepare(query, "A") is not first  # the oldest entry was evicted
    with pytest.raises(RequestRejected):
        gateway.prepare("{ nope }", None)


def _corpus_planner(case_name: str) -> QueryPlanner:
    from tests.router.conformance.corpus import case_by_name
    from tests.router.conformance.supergraphs import supergraph_sdl

    return planner_for(supergraph_sdl(case_by_name(case_name)))


def _root_service(planner: QueryPlanner, query: str) -> str:
    plan = planner.plan(parse(query))
    first = plan.fetches()[0]
    return first.service


def test_equal_plans_prefer_the_subgraph_whose_provides_is_used() -> None:
    # aisle and shelf both serve the root field with one entity jump after it (rule: fewest
    # fetches, then a used @provides, then supergraph order)
    planner = _corpus_planner("equal_plans_tiebreak")
    assert _root_service(planner, "{ featured { name stock } }") == "shelf"
    assert _root_service(planner, "{ topProducts { name stock } }") == "shelf"
    # nothing provided is asked for: supergraph order decides
    assert _root_service(planner, "{ topProducts { stock } }") == "aisle"
    # fewer fetches beat a used @provides: aisle answers stock alone, shelf would need a jump
    assert len(planner.plan(parse("{ featured { stock } }")).fetches()) == 1


def test_cost_search_over_a_shareable_field_in_three_subgraphs_ends() -> None:
    planner = _corpus_planner("planning_shareable_cycle")
    plan = planner.plan(parse("{ heroes { main: weapon { name } other: weapon { damage } } }"))
    # a, the first subgraph serving heroes, keeps weapon; one jump per response path to armoury
    assert [f.service for f in plan.fetches()] == ["a", "armoury", "armoury"]


def test_planning_is_bounded_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import router.planner as planner_module

    monkeypatch.setattr(planner_module, "PLANNING_BUDGET", -1.0)  # always over budget
    planner = _corpus_planner("planning_shareable_cycle")
    with pytest.raises(planner_module.PlanningError, match="planning took longer") as raised:
        planner.plan(parse("{ heroes { weapon { name } } }"))
    assert not raised.value.internal


def test_an_unexpected_failure_inside_the_planner_is_an_internal_planning_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import router.planner as planner_module

    def broken(*_: object) -> None:
        raise KeyError("a planner bug")

    planner = _corpus_planner("planning_shareable_cycle")
    monkeypatch.setattr(planner_module._PlanBuilder, "plan_object", broken)
    with pytest.raises(planner_module.PlanningError, match="failed to plan") as raised:
        planner.plan(parse("{ heroes { id } }"))
    assert raised.value.internal
