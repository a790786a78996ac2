"""What every write to a character shares: the checks on its fields and the event it emits."""

from __future__ import annotations

import re
import uuid

from infra.db.errors import NotFound
from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.kit.outcomes import Problem

MAX_NAME = 120
VISIBILITIES = ("PRIVATE", "PUBLIC")
CLASS_SLUG = re.compile(r"^class/[a-z0-9][a-z0-9-]*$")


def check_name(name: str) -> list[Problem]:
    cleaned = name.strip()
    if not cleaned:
        return [Problem(("input", "name"), "NAME_REQUIRED", "A character needs a name.")]
    if len(cleaned) > MAX_NAME:
        return [
            Problem(("input", "name"), "NAME_TOO_LONG", f"Names are at most {MAX_NAME} characters.")
        ]
    return []


def check_level(level: int) -> list[Problem]:
    if not 1 <= level <= 20:
        return [Problem(("input", "level"), "LEVEL_OUT_OF_RANGE", "Level must be from 1 to 20.")]
    return []


def check_class(slug: str | None) -> list[Problem]:
    # The catalog owns classes; here we check the reference's shape. The router resolves it, and
    # an unknown slug shows up as a null class rather than corrupting the sheet.
    if slug is None or CLASS_SLUG.match(slug):
        return []
    return [
        Problem(
            ("input", "classSlug"),
            "CLASS_SLUG_INVALID",
            f"{slug!r} is not a class slug; use the catalog's form, e.g. 'class/wizard'.",
        )
    ]


def event_payload(row: CharacterRow) -> dict[str, object]:
    return {
        "id": str(row.id),
        "ownerId": str(row.owner_id),
        "name": row.name,
        "level": row.level,
        "classSlug": row.class_slug,
        "visibility": row.visibility,
    }


async def owned(
    characters: CharacterRepository,
    owner_id: uuid.UUID,
    id: uuid.UUID,
    *,
    including_deleted: bool = False,
) -> CharacterRow:
    row = await characters.require(id, including_deleted=including_deleted)
    if row.owner_id != owner_id:
        raise NotFound("Character", id)  # someone else's character: do not reveal it exists
    return row
