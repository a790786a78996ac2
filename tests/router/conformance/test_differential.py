"""Live comparison with the references: the same operation, the same fake subgraphs, Apollo
Gateway, Hive Gateway and the router.

Also checks that both references still give the committed responses, so a fixture change that
was not followed by ``generate_expected.py`` is caught here rather than silently testing stale
data.
"""

from __future__ import annotations

import pytest

from tests.router.conformance.compare import REFERENCES, mismatches, normalize
from tests.router.conformance.corpus import Case, Operation, load_corpus
from tests.router.conformance.known_failures import operation_params
from tests.router.conformance.runtime import CorpusServers

pytestmark = pytest.mark.node


@pytest.mark.parametrize(("case", "operation"), operation_params())
def test_router_matches_the_references(
    references: CorpusServers, case: Case, operation: Operation
) -> None:
    assert case.name not in references.router_failures, \
        references.router_failures.get(case.name)
    answers = {gateway: references.reference_answer(gateway, case, operation)
               for gateway in REFERENCES}
    actual = references.run_router(case, operation)
    problems = mismatches(case.name, operation.name, answers, actual)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", load_corpus(), ids=lambda case: case.name)
def test_committed_responses_are_current(references: CorpusServers, case: Case) -> None:
    stale = [f"{operation.name} ({gateway})" for operation in case.operations
             for gateway in REFERENCES
             if normalize(references.reference_answer(gateway, case, operation)) != normalize(
                 case.expected(operation.name, gateway))]
    assert not stale, f"re-run generate_expected.py for {case.name}: {stale} changed"
