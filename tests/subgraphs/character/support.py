"""What the character subgraph's tests share: example documents and the operations they send."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "rules" / "examples"
VALID_EXAMPLES = sorted(EXAMPLES.glob("*.json"))
INVALID_EXAMPLES = sorted((EXAMPLES / "invalid").glob("*.json"))


def example(stem: str = "fighter-3-human") -> dict[str, Any]:
    """A fresh copy of ``rules/examples/<stem>.json`` (tests may change it)."""
    return copy.deepcopy(json.loads((EXAMPLES / f"{stem}.json").read_text()))


def named(name: str, stem: str = "fighter-3-human") -> dict[str, Any]:
    document = example(stem)
    document["identity"]["name"] = name
    return document


CREATE = """
mutation($input: CreateCharacterInput!) {
  createCharacter(input: $input) {
    character { id kind name level version visibility document owner { id } class { slug } }
    userErrors { path code message }
  }
}"""
IMPORT = """
mutation($input: ImportCharacterInput!) {
  importCharacter(input: $input) {
    character { id name level version document }
    userErrors { path code message }
  }
}"""
UPDATE = """
mutation($input: UpdateCharacterInput!) {
  updateCharacter(input: $input) {
    character { name level version visibility document } userErrors { path code message }
  }
}"""
DELETE = """
mutation($input: CharacterVersionInput!) {
  deleteCharacter(input: $input) { character { id version } userErrors { path code } }
}"""
RESTORE = """
mutation($input: CharacterVersionInput!) {
  restoreCharacter(input: $input) { character { id version } userErrors { path code } }
}"""
LIST = """query($first: Int!, $after: String) {
  characters(first: $first, after: $after) {
    edges { cursor node { name } } pageInfo { hasNextPage endCursor }
  }
}"""
ONE = "query($id: ID!) { character(id: $id) { name version } }"
