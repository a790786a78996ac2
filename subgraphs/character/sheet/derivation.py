"""Deriving sheets on read, cached by ``(character id, version)``.

A character's version changes with every write, so a cached sheet can never be stale: a new
version is a new key, and old keys simply age out of the bounded least-recently-used cache.
A draft (a preview, no id) is derived every time.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from cachetools import LRUCache
from graphql import GraphQLError

from rules.derive import derive
from rules.errors import SheetParseError
from rules.parse import parse_sheet
from subgraphs.character.sheet.types import CharacterSheet, sheet_of

DEFAULT_CAPACITY = 1024  # sheets, about 45 KB each (measured): 45 MB when full

Key = tuple[uuid.UUID, int]


class UnreadableDocument(GraphQLError):
    """A stored document the rules engine cannot read (an old row, a stricter engine)."""

    def __init__(self, error: SheetParseError) -> None:
        problems = [e.as_dict() for e in error.errors]
        super().__init__(
            "The rules engine cannot read this character's document; see `problems`, and send "
            "a corrected one with updateCharacter(input: {document}).",
            extensions={"code": "DOCUMENT_UNREADABLE", "problems": problems},
        )


def derive_sheet(document: Mapping[str, Any]) -> CharacterSheet:
    """The derived sheet of a document; ``UnreadableDocument`` when it does not parse."""
    try:
        sheet = parse_sheet(dict(document))
    except SheetParseError as exc:
        raise UnreadableDocument(exc) from None
    return sheet_of(derive(sheet))


class SheetCache:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._sheets: LRUCache[Key, CharacterSheet] = LRUCache(maxsize=capacity)

    def sheet(self, key: Key, document: Mapping[str, Any]) -> CharacterSheet:
        """The sheet of version ``key``, whose base data is ``document``."""
        found = self._sheets.get(key)
        if found is None:
            found = self._sheets[key] = derive_sheet(document)
        return found

    def __len__(self) -> int:
        return len(self._sheets)
