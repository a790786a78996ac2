"""How two GraphQL responses are compared: what must match and what may differ.

``data`` must be equal (object key order aside: both gateways order keys as the query does, but
JSON comparison should not depend on it). Errors are compared as a sorted list of
``(message, path, extensions.code)``; locations, extra extension entries and error order are not
compared. ``differences.yaml`` lists intended differences (with their reason) that relax this for
named operations, e.g. the wording of an error message the gateway itself writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DIFFERENCES_PATH = Path(__file__).parent / "differences.yaml"
ALLOWED_RELAXATIONS = {"error_message"}


@dataclass(frozen=True)
class IntendedDifference:
    case: str
    operation: str  # "*" for every operation of the case
    ignore: frozenset[str]
    reason: str
    router_response: Any = None  # where Apollo Gateway is wrong: what the router must answer


@cache
def intended_differences() -> tuple[IntendedDifference, ...]:
    raw = yaml.safe_load(DIFFERENCES_PATH.read_text()) or []
    differences = []
    for entry in raw:
        ignore = frozenset(entry.get("ignore") or ())
        unknown = ignore - ALLOWED_RELAXATIONS
        if unknown or not str(entry.get("reason", "")).strip():
            raise ValueError(f"{DIFFERENCES_PATH}: bad entry {entry!r} (needs a reason; "
                             f"ignore may hold {sorted(ALLOWED_RELAXATIONS)})")
        differences.append(IntendedDifference(entry["case"], entry.get("operation", "*"),
                                              ignore, entry["reason"],
                                              entry.get("router_response")))
    return tuple(differences)


def relaxations(case: str, operation: str) -> frozenset[str]:
    ignored: set[str] = set()
    for difference in intended_differences():
        if difference.case == case and difference.operation in {"*", operation}:
            ignored |= difference.ignore
    return frozenset(ignored)


def router_reference(case: str, operation: str, apollo_response: Any) -> Any:
    """What the router must answer: Apollo Gateway's response unless listed as an Apollo bug."""
    for difference in intended_differences():
        if (difference.case, difference.operation) == (case, operation) \
                and difference.router_response is not None:
            return difference.router_response
    return apollo_response


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


def normalize(response: Any, ignore: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The parts of a response that must match, in a canonical form."""
    if not isinstance(response, dict):
        return {"not a GraphQL response": response}
    normalized: dict[str, Any] = {}
    if "data" in response:
        normalized["data"] = _sorted_keys(response["data"])
    errors = []
    for error in response.get("errors") or []:
        extensions = error.get("extensions") or {}
        errors.append({
            "message": None if "error_message" in ignore else error.get("message"),
            "path": error.get("path"),
            "code": extensions.get("code") if isinstance(extensions, dict) else None,
        })
    if errors:
        normalized["errors"] = sorted(errors, key=lambda e: json.dumps(e, sort_keys=True))
    return normalized


def describe_mismatch(expected: Any, actual: Any) -> str:
    return (f"expected (Apollo Gateway):\n{json.dumps(expected, indent=2)}\n"
            f"actual (router):\n{json.dumps(actual, indent=2)}")
