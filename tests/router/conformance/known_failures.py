"""Corpus operations the router currently gets wrong, as strict xfail marks.

The entries live in ``known_failures.yaml`` (``case/operation: reason``). They await the
planner/executor work; because the marks are strict, an operation that starts passing turns
into a test failure, which is the signal to delete its entry.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.router.conformance.corpus import load_corpus

KNOWN_FAILURES_PATH = Path(__file__).parent / "known_failures.yaml"


@cache
def known_failures() -> dict[str, str]:
    raw = yaml.safe_load(KNOWN_FAILURES_PATH.read_text()) or {}
    return {str(key): str(reason) for key, reason in raw.items()}


def operation_params() -> list[Any]:
    """One pytest param per corpus operation, id ``case/operation``, strict-xfail when known."""
    params = []
    for case in load_corpus():
        for operation in case.operations:
            key = f"{case.name}/{operation.name}"
            marks = []
            if key in known_failures():
                reason = f"awaits the planner/executor work: {known_failures()[key]}"
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(case, operation, id=key, marks=marks))
    return params
