"""Find every (number, breakdown) pair in a derived sheet or its JSON form, generically.

The convention the engine follows: a field ``X_breakdown`` explains the field ``X`` beside it; a
field named ``breakdown`` explains the object's main number (``value``, ``bonus``, ``walk`` or
``dc``). Walking by convention means a new breakdown is checked without touching the tests, and
a breakdown whose number is misnamed fails loudly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from rules.breakdown import Contribution

MAIN_NUMBERS = ("value", "bonus", "walk", "dc")


def _main(names: set[str], where: str) -> str:
    found = [name for name in MAIN_NUMBERS if name in names]
    assert len(found) == 1, f"{where}: a 'breakdown' needs exactly one of {MAIN_NUMBERS}"
    return found[0]


def dataclass_pairs(obj: Any, path: str = "derived") -> Iterator[tuple[str, Any, Any]]:
    """(path, number, breakdown) for every breakdown in a DerivedSheet, recursively."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = {f.name for f in dataclasses.fields(obj)}
        for name in names:
            value = getattr(obj, name)
            if name == "breakdown":
                main = _main(names, path)
                yield f"{path}.{main}", getattr(obj, main), value
            elif name == "score_breakdowns":
                numbers: dict[Any, int] = getattr(obj, "scores")  # noqa: B009 - any dataclass
                for ability, parts in value.items():
                    yield f"{path}.scores.{ability}", numbers[ability], parts
            elif name.endswith("_breakdown"):
                number = name.removesuffix("_breakdown")
                assert number in names, f"{path}.{name} has no '{number}' beside it"
                yield f"{path}.{number}", getattr(obj, number), value
            else:
                yield from dataclass_pairs(value, f"{path}.{name}")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from dataclass_pairs(value, f"{path}[{key}]")
    elif isinstance(obj, tuple | list) and not _is_breakdown(obj):
        for index, value in enumerate(obj):
            yield from dataclass_pairs(value, f"{path}[{index}]")


def _is_breakdown(obj: Any) -> bool:
    return isinstance(obj, Contribution)


def json_pairs(data: Any, path: str = "$") -> Iterator[tuple[str, Any, Any]]:
    """(path, number, breakdown list) for every breakdown in ``derived_to_dict`` output."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "breakdown":
                main = _main(set(data), path)
                yield f"{path}.{main}", data[main], value
            elif key == "ability_breakdowns":
                for ability, parts in value.items():
                    yield f"{path}.abilities.{ability}", data["abilities"][ability]["score"], parts
            elif key.endswith("_breakdown"):
                number = key.removesuffix("_breakdown")
                assert number in data, f"{path}.{key} has no '{number}' beside it"
                yield f"{path}.{number}", data[number], value
            else:
                yield from json_pairs(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from json_pairs(value, f"{path}[{index}]")


def mismatches(pairs: Iterator[tuple[str, Any, Any]], *, json_form: bool = False) -> list[str]:
    """Every pair whose contributions do not add up to the number (empty when all do)."""
    problems = []
    for path, number, parts in pairs:
        values = [p["value"] for p in parts] if json_form else [p.value for p in parts]
        if number is None:
            if values:
                problems.append(f"{path}: no number but a breakdown {parts}")
            continue
        if not values:
            problems.append(f"{path}: {number} has no breakdown")
        elif sum(values) != number:
            problems.append(f"{path}: {number} != sum of {parts}")
    return problems
