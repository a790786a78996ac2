"""Before any timing: every gateway must give the same answer to every operation.

Responses are compared after normalisation (object keys sorted, recursively); list order is
significant, as in GraphQL. A response with ``errors`` or without ``data`` fails outright, so
the benchmark can never time a gateway that answers fast because it answers wrongly. Each
operation is checked with a few of its variable sets (first, middle, last).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from bench.router.operations import Operation, Variables


class MismatchError(RuntimeError):
    pass


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: normalise(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value


def fetch(url: str, operation: Operation, variables: Variables | None = None) -> Any:
    """The normalised answer of one gateway; errors and non-200 answers raise."""
    response = httpx.post(url, content=operation.body(variables), timeout=30.0,
                          headers={"content-type": "application/json",
                                   "accept": "application/json"})
    if response.status_code != 200:
        raise MismatchError(f"{url} answered {operation.name} with HTTP {response.status_code}: "
                            f"{response.text[:500]}")
    payload = response.json()
    if payload.get("errors") or "data" not in payload:
        raise MismatchError(f"{url} answered {operation.name} with errors: "
                            f"{json.dumps(payload)[:500]}")
    return normalise(payload)


def check_same_answers(gateways: Sequence[tuple[str, str]], operations: Sequence[Operation]
                       ) -> dict[str, int]:
    """Compare every gateway's answers to the first one's; return response sizes in bytes."""
    sizes: dict[str, int] = {}
    reference_name, reference_url = gateways[0]
    for operation in operations:
        for variables in operation.sample_variants():
            expected = fetch(reference_url, operation, variables)
            sizes.setdefault(operation.name, len(json.dumps(expected, separators=(",", ":"))))
            for name, url in gateways[1:]:
                actual = fetch(url, operation, variables)
                if actual != expected:
                    raise MismatchError(
                        f"{operation.name} {json.dumps(variables)}: {name} and {reference_name} "
                        f"disagree\n{reference_name}: {json.dumps(expected)[:800]}\n"
                        f"{name}: {json.dumps(actual)[:800]}"
                    )
    return sizes
