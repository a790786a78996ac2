"""The router answers every corpus operation as Apollo Gateway did (the committed responses)."""

from __future__ import annotations

import pytest

from tests.router.conformance.compare import (
    describe_mismatch,
    normalize,
    relaxations,
    router_reference,
)
from tests.router.conformance.corpus import Case, Operation
from tests.router.conformance.known_failures import operation_params
from tests.router.conformance.runtime import CorpusServers


@pytest.mark.parametrize(("case", "operation"), operation_params())
def test_router_matches_expected_response(
    corpus: CorpusServers, case: Case, operation: Operation
) -> None:
    assert case.name not in corpus.router_failures, corpus.router_failures.get(case.name)
    expected = router_reference(case.name, operation.name, case.expected(operation.name))
    actual = corpus.run_router(case, operation)
    ignore = relaxations(case.name, operation.name)
    assert normalize(actual, ignore) == normalize(expected, ignore), \
        describe_mismatch(expected, actual)
