"""Every example of ``rules/examples`` imports through the graph, and its sheet there equals what
``python -m rules derive`` prints, field for field; the document round-trips without loss;
every example in ``rules/examples/invalid`` is refused with userErrors at the rules' paths."""

from __future__ import annotations

import json
import uuid
from typing import Any

from rules.derive import derive
from rules.parse import parse_sheet
from rules.serialize import derived_to_dict
from rules.validation import validate_data
from subgraphs.character.app import build
from subgraphs.character.documents import rule_path
from tests.subgraphs.character.sheet_query import EXPOSED, SHEET, as_rules_dict, within
from tests.subgraphs.character.support import IMPORT, INVALID_EXAMPLES, VALID_EXAMPLES
from tests.subgraphs.harness import serve_subgraph
from tests.support import gql

READ = f"query($id: ID!) {{ character(id: $id) {{ version document sheet {{ {SHEET} }} }} }}"


def rules_derive(document: Any) -> dict[str, Any]:
    """Exactly what ``python -m rules derive FILE`` prints, as data."""
    data: dict[str, Any] = json.loads(json.dumps(derived_to_dict(derive(parse_sheet(document)))))
    return data


async def test_examples_import_and_their_sheets_equal_the_rules_engine(database_url: str) -> None:
    async with serve_subgraph(build, {"CHARACTER_DATABASE_URL": database_url}) as (http, tokens):
        auth = tokens.headers(uuid.uuid4())
        for path in VALID_EXAMPLES:
            original = json.loads(path.read_text())
            imported = await gql(http, IMPORT, {"input": {"document": original}}, auth)
            payload = imported["data"]["importCharacter"]
            assert payload["userErrors"] == [], (path.stem, payload["userErrors"])
            read = await gql(http, READ, {"id": payload["character"]["id"]}, auth)
            assert "errors" not in read, (path.stem, read.get("errors"))
            character = read["data"]["character"]

            expected = rules_derive(original)
            actual = as_rules_dict(character["sheet"])
            assert set(actual) == EXPOSED, path.stem
            assert within(actual, expected) == [], path.stem

            # Export, import again: the same document and the same sheet.
            exported = character["document"]
            assert parse_sheet(exported) == parse_sheet(original), path.stem
            again = await gql(http, IMPORT, {"input": {"document": exported}}, auth)
            copy_id = again["data"]["importCharacter"]["character"]["id"]
            copy = (await gql(http, READ, {"id": copy_id}, auth))["data"]["character"]
            assert copy["document"] == exported, path.stem
            assert copy["sheet"] == character["sheet"], path.stem


async def test_invalid_examples_are_refused_at_the_rules_paths(database_url: str) -> None:
    async with serve_subgraph(build, {"CHARACTER_DATABASE_URL": database_url}) as (http, tokens):
        auth = tokens.headers(uuid.uuid4())
        for path in INVALID_EXAMPLES:
            document = json.loads(path.read_text())
            expected = validate_data(document)
            assert expected, f"{path.stem} should break a rule"
            result = await gql(http, IMPORT, {"input": {"document": document}}, auth)
            payload = result["data"]["importCharacter"]
            assert payload["character"] is None, path.stem
            got = [(e["path"], e["code"]) for e in payload["userErrors"]]
            assert got == [
                (["input", "document", *rule_path(e.path)], e.code.upper()) for e in expected
            ], path.stem
        listed = await gql(http, "{ characters(first: 5) { edges { node { id } } } }", None, auth)
        assert listed["data"]["characters"]["edges"] == []
