"""The corpus itself: big enough, complete, composable, and its bookkeeping files consistent."""

from __future__ import annotations

import pytest

from tests.router.conformance.compare import REFERENCES, intended_differences
from tests.router.conformance.corpus import Case, load_corpus
from tests.router.conformance.expressions import ExpressionError, evaluate
from tests.router.conformance.known_failures import known_failures
from tests.router.conformance.supergraphs import supergraph_sdl


def test_corpus_has_at_least_40_supergraphs_and_150_operations() -> None:
    cases = load_corpus()
    assert len(cases) >= 40
    assert sum(len(case.operations) for case in cases) >= 150


@pytest.mark.parametrize("case", load_corpus(), ids=lambda case: case.name)
def test_case_composes_and_has_every_expected_response(case: Case) -> None:
    assert "join__Graph" in supergraph_sdl(case)
    missing = [f"{op.name} ({gateway})" for op in case.operations for gateway in REFERENCES
               if not case.expected_path(op.name, gateway).exists()]
    assert not missing, f"{case.name}: no expected response for {missing}"


def test_bookkeeping_names_existing_operations() -> None:
    operations = {f"{c.name}/{o.name}" for c in load_corpus() for o in c.operations}
    cases = {case.name for case in load_corpus()}
    assert set(known_failures()) <= operations, set(known_failures()) - operations
    for difference in intended_differences():
        assert difference.case in cases
        assert difference.operation == "*" or f"{difference.case}/{difference.operation}" \
            in operations


def test_expressions_compute_and_reject_what_is_not_allowed() -> None:
    assert evaluate("weight * 2 + len(tags)", {"weight": 3, "tags": ["a"]}, {}) == 7
    assert evaluate("[t for t in tags if t != 'a'][:1]", {"tags": ["a", "b", "c"]}, {}) == ["b"]
    with pytest.raises(ExpressionError, match="not allowed"):
        evaluate("weight.__class__", {"weight": 3}, {})
    with pytest.raises(ExpressionError, match="only these functions"):
        evaluate("open('x')", {}, {})


def test_fake_subgraph_matches_representations_by_nested_key() -> None:
    from tests.router.conformance.corpus import SubgraphCase
    from tests.router.conformance.fake_subgraph import CaseState, FakeSubgraph

    sdl = """
      type Query { a: Int }
      type Org { id: ID! }
      type User @key(fields: "id org { id }") { id: ID! org: Org! plan: String }
    """
    rows = [{"id": "u", "org": {"id": "o1"}, "plan": "gold"},
            {"id": "u", "org": {"id": "o2"}, "plan": "free"}]
    subgraph = FakeSubgraph(SubgraphCase("s", sdl, data={"User": rows}), CaseState())
    query = ("query ($r: [_Any!]!) { _entities(representations: $r) "
             "{ ... on User { plan extra: __typename } } }")
    representations = [{"__typename": "User", "id": "u", "org": {"id": "o2"}},
                       {"__typename": "User", "id": "u", "org": {"id": "o9"}}]
    result = subgraph.run({"query": query, "variables": {"r": representations}})
    assert result == {"data": {"_entities": [{"plan": "free", "extra": "User"}, None]}}
