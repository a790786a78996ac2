"""The JSON Schema of the input format: current, valid, and in step with the parser."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rules import parse
from rules.cli import main
from rules.errors import SheetParseError
from rules.input_schema import sheet_schema
from rules.parse import parse_sheet
from rules.serialize import sheet_to_dict
from rules.validation import validate

RULES = Path(__file__).resolve().parents[2] / "rules"
SCHEMA_FILE = RULES / "schema" / "sheet.schema.json"
EXAMPLES = sorted((RULES / "examples").glob("*.json"))
INVALID = RULES / "examples" / "invalid"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def error_paths(validator: jsonschema.Draft202012Validator, data: Any) -> set[str]:
    return {".".join(str(part) for part in error.absolute_path)
            for error in validator.iter_errors(data)}


def test_schema_file_is_the_generated_schema() -> None:
    """Regenerate with ``python -m rules schema > rules/schema/sheet.schema.json``."""
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == sheet_schema()


def test_cli_prints_the_schema() -> None:
    out = io.StringIO()
    assert main(["schema"], out=out) == 0
    assert json.loads(out.getvalue()) == sheet_schema()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_matches_the_schema(validator: jsonschema.Draft202012Validator,
                                          path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert error_paths(validator, data) == set()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_serialized_sheets_match_the_schema(validator: jsonschema.Draft202012Validator,
                                            path: Path) -> None:
    """What ``sheet_to_dict`` writes is input the schema accepts (the round trip is closed)."""
    sheet = parse_sheet(json.loads(path.read_text(encoding="utf-8")))
    assert error_paths(validator, sheet_to_dict(sheet)) == set()


def test_malformed_example_fails_exactly_where_the_parser_fails(
    validator: jsonschema.Draft202012Validator,
) -> None:
    data = json.loads((INVALID / "malformed.json").read_text(encoding="utf-8"))
    schema_paths = error_paths(validator, data)
    assert schema_paths == {"identity", "classes.0.class", "classes.0.level", "abilities.base"}
    with pytest.raises(SheetParseError) as info:
        parse_sheet(data)
    parser_paths = {e.path for e in info.value.errors}
    assert parser_paths == {"identity.colour", "classes[0].class", "classes[0].level",
                            "abilities.base.cha"}


@pytest.mark.parametrize("name", ["rule-violations.json", "lineage-and-created-slots.json"])
def test_rule_violations_are_well_formed_but_illegal(
    validator: jsonschema.Draft202012Validator, name: str
) -> None:
    """The schema checks shape; game rules are ``validate``'s job."""
    data = json.loads((INVALID / name).read_text(encoding="utf-8"))
    assert error_paths(validator, data) == set()
    assert validate(parse_sheet(data)) != []


def test_lineage_example_reports_each_problem() -> None:
    data = json.loads((INVALID / "lineage-and-created-slots.json").read_text(encoding="utf-8"))
    found = {(e.path, e.code) for e in validate(parse_sheet(data))}
    assert found == {
        ("identity.lineage", "unknown_lineage"),
        ("state.created_slots.3", "sorcerer_level_too_low"),
        ("state.created_slots.6", "slot_level_too_high"),
        ("state.resources_spent.breath-weapon", "unknown_resource"),
    }


# ------------------------------------------------------------------ schema and parser agree


def _properties(schema: dict[str, Any], *path: str) -> set[str]:
    node = schema
    for key in path:
        node = node["properties"][key]
        if node.get("type") == "array":
            node = node["items"]
    return set(node["properties"])


def test_object_fields_match_the_parser() -> None:
    schema = sheet_schema()
    assert _properties(schema) == parse._TOP_FIELDS
    assert _properties(schema, "state") == parse._STATE_FIELDS
    assert _properties(schema, "equipment") == parse._ITEM_FIELDS
    assert _properties(schema, "equipment", "weapon") == parse._WEAPON_FIELDS
    assert _properties(schema, "equipment", "armor") == parse._ARMOR_FIELDS


@pytest.mark.parametrize(("mutation", "bad_path"), [
    (lambda d: d["identity"].update(size="colossal"), "identity.size"),
    (lambda d: d["classes"].clear(), "classes"),
    (lambda d: d["abilities"]["base"].update(luck=12), "abilities.base"),
    (lambda d: d["equipment"].append({"ref": "weapon/laser"}), "equipment.0.ref"),
    (lambda d: d["equipment"].append({"quantity": 2}), "equipment.0"),
    (lambda d: d.setdefault("state", {}).update(slots_spent={"first": 1}), "state.slots_spent"),
    (lambda d: d.setdefault("state", {}).update(conditions=["sleepy"]), "state.conditions.0"),
    (lambda d: d.update(defenses={"resistances": ["sonic"]}), "defenses.resistances.0"),
    (lambda d: d.update(feats=[{"source": "Fighting Style"}]), "feats.0"),
])
def test_schema_and_parser_both_reject_broken_input(
    validator: jsonschema.Draft202012Validator, mutation: Any, bad_path: str
) -> None:
    data = json.loads((RULES / "examples" / "fighter-3-human.json").read_text(encoding="utf-8"))
    data["equipment"] = []
    mutation(data)
    assert bad_path in error_paths(validator, data)
    with pytest.raises(SheetParseError):
        parse_sheet(data)
