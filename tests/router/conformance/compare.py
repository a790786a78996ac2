"""How the router's responses are compared with the references': what must match, what may differ.

Two references answer every corpus operation: Apollo Gateway and Hive Gateway. The router's
answer is compared *strictly* with one of them (Apollo Gateway's unless ``differences.yaml``
says otherwise): ``data`` must be equal (object key order aside) and errors are compared as a
sorted list of ``(message, path, extensions.code)``; locations, extra extension entries and error
order are not. It is also compared *loosely* (``loose``: equal data, errors present alike) with
every reference not known to be wrong on that operation, which is the rule of the generative
tests too (``tests/router/fuzz``).

``differences.yaml`` lists intended differences, each with its reason: ``ignore`` relaxes parts
of the strict comparison (the wording of a message the gateway writes itself), ``follows`` names
the reference the router answers like, ``router_response`` is the answer where both are wrong,
and ``wrong`` lists references left out of the loose comparison.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DIFFERENCES_PATH = Path(__file__).parent / "differences.yaml"
ALLOWED_RELAXATIONS = {"error_message", "error_code"}
REFERENCES = ("apollo", "hive")


@dataclass(frozen=True)
class IntendedDifference:
    case: str
    operation: str  # "*" for every operation of the case
    ignore: frozenset[str]
    reason: str
    router_response: Any = None  # where both references are wrong: what the router must answer
    follows: str = "apollo"  # the reference the router's answer is strictly compared with
    wrong: frozenset[str] = frozenset()  # references left out of the loose comparison

    def applies(self, case: str, operation: str) -> bool:
        return self.case == case and self.operation in {"*", operation}


@cache
def intended_differences() -> tuple[IntendedDifference, ...]:
    raw = yaml.safe_load(DIFFERENCES_PATH.read_text()) or []
    differences = []
    for entry in raw:
        ignore = frozenset(entry.get("ignore") or ())
        wrong = frozenset(entry.get("wrong") or ())
        follows = entry.get("follows", "apollo")
        if ignore - ALLOWED_RELAXATIONS or wrong - set(REFERENCES) or follows not in REFERENCES \
                or not str(entry.get("reason", "")).strip() \
                or (follows in wrong and entry.get("router_response") is None):
            raise ValueError(f"{DIFFERENCES_PATH}: bad entry {entry!r} (needs a reason; ignore "
                             f"may hold {sorted(ALLOWED_RELAXATIONS)}; follows and wrong name "
                             f"references {REFERENCES}, follows not a wrong one)")
        differences.append(IntendedDifference(entry["case"], entry.get("operation", "*"),
                                              ignore, entry["reason"],
                                              entry.get("router_response"), follows, wrong))
    return tuple(differences)


def _entries(case: str, operation: str) -> list[IntendedDifference]:
    return [d for d in intended_differences() if d.applies(case, operation)]


def relaxations(case: str, operation: str) -> frozenset[str]:
    ignored: set[str] = set()
    for difference in _entries(case, operation):
        ignored |= difference.ignore
    return frozenset(ignored)


def wrong_references(case: str, operation: str) -> frozenset[str]:
    """References known to answer ``operation`` wrongly (left out of the loose comparison)."""
    wrong: set[str] = set()
    for difference in _entries(case, operation):
        wrong |= difference.wrong
    return frozenset(wrong)


def router_reference(case: str, operation: str, answers: dict[str, Any]) -> Any:
    """What the router must answer, given the references' ``answers`` (by gateway)."""
    follows = "apollo"
    for difference in _entries(case, operation):
        if difference.router_response is not None:
            return difference.router_response
        follows = difference.follows if difference.follows != "apollo" else follows
    return answers[follows]


def loose(response: Any) -> dict[str, Any]:
    """What every reference's answer must share with the router's: the data, and whether
    there are errors."""
    normalized = normalize(response)
    if "not a GraphQL response" in normalized:
        return normalized
    return {"data": normalized.get("data"), "errors": bool(normalized.get("errors"))}


def mismatches(case: str, operation: str, answers: dict[str, Any], actual: Any) -> list[str]:
    """Everything wrong with the router's ``actual`` answer, given the references' answers;
    empty when it passes (see the module docstring)."""
    problems = []
    ignore = relaxations(case, operation)
    reference = router_reference(case, operation, answers)
    if normalize(actual, ignore) != normalize(reference, ignore):
        problems.append(describe_mismatch(reference, actual))
    for gateway in REFERENCES:
        if gateway not in wrong_references(case, operation) \
                and loose(answers[gateway]) != loose(actual):
            problems.append(f"differs from {gateway}'s answer: {json.dumps(answers[gateway])}")
    return problems


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
        code = extensions.get("code") if isinstance(extensions, dict) else None
        errors.append({
            "message": None if "error_message" in ignore else error.get("message"),
            "path": error.get("path"),
            "code": None if "error_code" in ignore else code,
        })
    if errors:
        normalized["errors"] = sorted(errors, key=lambda e: json.dumps(e, sort_keys=True))
    return normalized


def describe_mismatch(expected: Any, actual: Any) -> str:
    return (f"expected:\n{json.dumps(expected, indent=2)}\n"
            f"actual (router):\n{json.dumps(actual, indent=2)}")
