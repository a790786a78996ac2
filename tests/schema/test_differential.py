"""Differential test: our composer against @theguild/federation-composition (tests/node).

Both compose the same subgraph sets; both supergraphs are parsed and normalised (normalize.py)
and must be equal — types, fields, arguments, descriptions, join metadata, @tag/@inaccessible.

Intended differences, excluded from the comparison on purpose:
* layout: order of types/fields/directives and line breaks (the normalised form ignores them);
  we print root types first, then types by name, for stable diffs;
* composition errors: we check the same error *codes* for the cases our composer detects, not
  message wording; the reference also runs a full satisfiability analysis
  (SATISFIABILITY_ERROR), which our composer does not implement — the sample sets are written
  to be satisfiable so the two stay comparable.
"""

from __future__ import annotations

from typing import Any

import pytest

from schema.compose import CompositionError, Subgraph, compose
from tests.schema import strawberry_samples
from tests.schema.normalize import normalize_supergraph
from tests.schema.reference import reference_compose_many, require_reference_composer
from tests.schema.samples import ERROR_CASES, SAMPLE_SETS

pytestmark = pytest.mark.node


def strawberry_set() -> list[Subgraph]:
    return [
        Subgraph("character", "http://127.0.0.1:4101/graphql", strawberry_samples.character_sdl()),
        Subgraph("campaign", "http://127.0.0.1:4102/graphql", strawberry_samples.campaign_sdl()),
        Subgraph("catalog", "http://127.0.0.1:4103/graphql", strawberry_samples.catalog_sdl()),
    ]


def _cases() -> dict[str, list[Subgraph]]:
    cases = {f"ok:{name}": subgraphs for name, subgraphs in SAMPLE_SETS.items()}
    cases["ok:strawberry"] = strawberry_set()
    for index, case in enumerate(ERROR_CASES):
        cases[f"error:{index}"] = case.subgraphs
    return cases


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, Any]]:
    """Every case composed by the reference tool in one Node run."""
    require_reference_composer()
    return reference_compose_many(_cases())


@pytest.mark.parametrize("set_name", [*SAMPLE_SETS, "strawberry"])
def test_supergraph_matches_reference(set_name: str, reference: dict[str, dict[str, Any]]) -> None:
    subgraphs = _cases()[f"ok:{set_name}"]
    result = reference[f"ok:{set_name}"]
    assert "errors" not in result, result.get("errors")

    ours = normalize_supergraph(compose(subgraphs))
    theirs = normalize_supergraph(result["supergraph"])

    assert ours["links"] == theirs["links"]
    assert ours["roots"] == theirs["roots"]
    assert ours["directive_definitions"] == theirs["directive_definitions"]
    assert sorted(ours["types"]) == sorted(theirs["types"])
    for type_name, their_type in theirs["types"].items():
        assert ours["types"][type_name] == their_type, type_name


@pytest.mark.parametrize("index", range(len(ERROR_CASES)), ids=[case.code for case in ERROR_CASES])
def test_errors_match_reference(index: int, reference: dict[str, dict[str, Any]]) -> None:
    """Each case breaks one rule; both composers must reject it with the same code."""
    case = ERROR_CASES[index]
    result = reference[f"error:{index}"]
    assert "errors" in result, "the reference composer accepted a broken set"
    assert case.code in {error["code"] for error in result["errors"]}

    with pytest.raises(CompositionError) as raised:
        compose(case.subgraphs)
    assert case.code in raised.value.codes
