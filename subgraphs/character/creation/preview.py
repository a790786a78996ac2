"""Previewing a draft: the sheet it would have and everything wrong with it, saving nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from rules.derive import derive
from rules.errors import RuleError
from rules.serialize import sheet_to_dict
from subgraphs.character.documents import rule_errors, size_error
from subgraphs.character.sheet.types import CharacterSheet, sheet_of
from subgraphs.character.types import SheetProblem
from subgraphs.kit.context import ContextInfo, require_viewer


@dataclass(frozen=True)
class Preview:
    problems: list[RuleError]
    derived: CharacterSheet | None
    document: dict[str, Any] | None


def preview(draft: object) -> Preview:
    """Judge and derive ``draft`` like a write would, without writing: the sheet whenever the
    rules engine can read it (an illegal but readable draft still shows its numbers)."""
    too_big = size_error(draft)
    if too_big is not None:
        return Preview([too_big], None, None)
    sheet, problems = rule_errors(draft)
    if sheet is None:
        return Preview(problems, None, None)
    return Preview(problems, sheet_of(derive(sheet)), sheet_to_dict(sheet))


@strawberry.type(description="What a draft would be as a character, and what is wrong with it.")
class CharacterPreview:
    valid: bool = strawberry.field(
        description="Whether `createCharacter` would accept the draft as it is."
    )
    problems: list[SheetProblem] = strawberry.field(
        description="Every rule the draft breaks, with its path in the draft; empty when valid."
    )
    sheet: CharacterSheet | None = strawberry.field(
        description="The sheet the draft derives, also while it still breaks rules; null when "
        "the rules engine cannot read it at all (a missing section, a wrong type)."
    )
    document: JSON | None = strawberry.field(
        description="The draft in canonical form, as it would be stored; null when unreadable."
    )


@strawberry.type
class Query:
    @strawberry.field(
        description="Preview a character without saving anything: the derived sheet of a draft "
        "document (the rules format, as `createCharacter` takes it) and every problem with it. "
        "Build a character step by step by previewing until `valid`, then create it."
    )
    def preview_character(self, info: ContextInfo, draft: JSON) -> CharacterPreview:
        require_viewer(info)
        result = preview(draft)
        return CharacterPreview(
            valid=not result.problems,
            problems=[SheetProblem.of(problem) for problem in result.problems],
            sheet=result.derived,
            document=None if result.document is None else cast(JSON, result.document),
        )
