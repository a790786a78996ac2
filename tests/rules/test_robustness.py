"""Bad input gives structured errors, never a crash: mutate example files at random."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.derive import derive
from rules.errors import RuleError, SheetParseError
from rules.parse import parse_sheet
from rules.serialize import derived_to_dict
from rules.validation import validate

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "rules" / "examples").glob("*.json"))
DOCUMENTS = [json.loads(path.read_text()) for path in EXAMPLES]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-50, 400) | st.floats(allow_nan=False, width=16)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(DOCUMENTS) - 1), st.data())
def test_mutated_sheets_never_crash(doc_index: int, data: st.DataObject) -> None:
    document = copy.deepcopy(DOCUMENTS[doc_index])
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(document)
        path = data.draw(st.sampled_from(paths))
        _set(document, path, data.draw(json_values))
    try:
        sheet = parse_sheet(document)
    except SheetParseError as exc:
        assert exc.errors
        assert all(isinstance(e, RuleError) and e.code and e.message for e in exc.errors)
        return
    for error in validate(sheet):
        assert error.path and error.code and error.message
    json.dumps(derived_to_dict(derive(sheet)))
