"""Live comparison with Apollo Gateway: the same operation, the same fake subgraphs, both gateways.

Also checks that Apollo Gateway still gives the committed response, so a fixture change that was
not followed by ``generate_expected.py`` is caught here rather than silently testing stale data.
"""

from __future__ import annotations

import pytest

from tests.router.conformance.compare import (
    describe_mismatch,
    normalize,
    relaxations,
    router_reference,
)
from tests.router.conformance.corpus import Case, Operation, load_corpus
from tests.router.conformance.known_failures import operation_params
from tests.router.conformance.runtime import CorpusServers

pytestmark = pytest.mark.node


@pytest.mark.parametrize(("case", "operation"), operation_params())
def test_router_matches_apollo_gateway(
    apollo: CorpusServers, case: Case, operation: Operation
) -> None:
    assert case.name not in apollo.router_failures, apollo.router_failures.get(case.name)
    reference = router_reference(case.name, operation.name,
                                 apollo.apollo_answer(case, operation))
    actual = apollo.run_router(case, operation)
    ignore = relaxations(case.name, operation.name)
    assert normalize(actual, ignore) == normalize(reference, ignore), \
        describe_mismatch(reference, actual)


@pytest.mark.parametrize("case", load_corpus(), ids=lambda case: case.name)
def test_committed_responses_are_current(apollo: CorpusServers, case: Case) -> None:
    stale = [operation.name for operation in case.operations
             if normalize(apollo.apollo_answer(case, operation)) != normalize(
                 case.expected(operation.name))]
    assert not stale, f"re-run generate_expected.py for {case.name}: {stale} changed"
