"""The router answers every corpus operation as the references did (the committed responses)."""

from __future__ import annotations

import pytest

from tests.router.conformance.compare import REFERENCES, mismatches
from tests.router.conformance.corpus import Case, Operation
from tests.router.conformance.known_failures import operation_params
from tests.router.conformance.runtime import CorpusServers


@pytest.mark.parametrize(("case", "operation"), operation_params())
def test_router_matches_expected_responses(
    corpus: CorpusServers, case: Case, operation: Operation
) -> None:
    assert case.name not in corpus.router_failures, corpus.router_failures.get(case.name)
    answers = {gateway: case.expected(operation.name, gateway) for gateway in REFERENCES}
    problems = mismatches(case.name, operation.name, answers, corpus.run_router(case, operation))
    assert not problems, "\n".join(problems)
