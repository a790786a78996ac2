"""Use cases of the character service. No GraphQL here: plain values in, rows or problems out."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from infra.db.errors import NotFound
from infra.db.unit_of_work import UnitOfWork
from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected

MAX_NAME = 120
VISIBILITIES = ("PRIVATE", "PUBLIC")
CLASS_SLUG = re.compile(r"^class/[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class NewCharacter:
    name: str
    level: int = 1
    class_slug: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class CharacterChanges:
    id: uuid.UUID
    expected_version: int
    name: str | None = None
    level: int | None = None
    class_slug: str | None = None
    visibility: str | None = None


def _check_name(name: str) -> list[Problem]:
    cleaned = name.strip()
    if not cleaned:
        return [Problem(("input", "name"), "NAME_REQUIRED", "A character needs a name.")]
    if len(cleaned) > MAX_NAME:
        return [
            Problem(("input", "name"), "NAME_TOO_LONG", f"Names are at most {MAX_NAME} characters.")
        ]
    return []


def _check_level(level: int) -> list[Problem]:
    if not 1 <= level <= 20:
        return [Problem(("input", "level"), "LEVEL_OUT_OF_RANGE", "Level must be from 1 to 20.")]
    return []


def _check_class(slug: str | None) -> list[Problem]:
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


def _event_payload(row: CharacterRow) -> dict[str, object]:
    return {
        "id": str(row.id),
        "ownerId": str(row.owner_id),
        "name": row.name,
        "level": row.level,
        "classSlug": row.class_slug,
        "visibility": row.visibility,
    }


async def create_character(uow: UnitOfWork, owner_id: uuid.UUID, new: NewCharacter) -> CharacterRow:
    problems = (
        _check_name(new.name)
        + _check_level(new.level)
        + _check_class(new.class_slug)
        + check_idempotency_key(new.idempotency_key)
    )
    if problems:
        raise Rejected(*problems)

    async def create() -> CharacterRow:
        async with uow:
            row = await CharacterRepository(uow.session).add(
                CharacterRow(
                    name=new.name.strip(),
                    level=new.level,
                    class_slug=new.class_slug,
                    owner_id=owner_id,
                    idempotency_key=new.idempotency_key,
                )
            )
            uow.emit("character.created", row.id, _event_payload(row))
            await uow.commit()
            return row

    # A retried request gets the character it already created.
    return await create_once(uow, CharacterRepository, owner_id, new.idempotency_key, create)


async def _owned(
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


async def update_character(
    uow: UnitOfWork, owner_id: uuid.UUID, changes: CharacterChanges
) -> CharacterRow:
    problems: list[Problem] = []
    if changes.name is not None:
        problems += _check_name(changes.name)
    if changes.level is not None:
        problems += _check_level(changes.level)
    problems += _check_class(changes.class_slug)
    if changes.visibility is not None and changes.visibility not in VISIBILITIES:
        problems.append(
            Problem(
                ("input", "visibility"), "VISIBILITY_INVALID", "Visibility is PRIVATE or PUBLIC."
            )
        )
    if problems:
        raise Rejected(*problems)
    async with uow:
        characters = CharacterRepository(uow.session)
        row = await _owned(characters, owner_id, changes.id)
        characters.check_version(row, changes.expected_version)
        if changes.name is not None:
            row.name = changes.name.strip()
        if changes.level is not None:
            row.level = changes.level
        if changes.class_slug is not None:
            row.class_slug = changes.class_slug
        if changes.visibility is not None:
            row.visibility = changes.visibility
        await uow.session.flush()
        uow.emit("character.updated", row.id, _event_payload(row))
        await uow.commit()
        return row


async def delete_character(
    uow: UnitOfWork, owner_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> CharacterRow:
    async with uow:
        characters = CharacterRepository(uow.session)
        row = await _owned(characters, owner_id, id)
        await characters.soft_delete(row, expected_version=expected_version)
        uow.emit("character.deleted", row.id, _event_payload(row))
        await uow.commit()
        return row


async def restore_character(
    uow: UnitOfWork, owner_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> CharacterRow:
    async with uow:
        characters = CharacterRepository(uow.session)
        row = await _owned(characters, owner_id, id, including_deleted=True)
        await characters.restore(row, expected_version=expected_version)
        uow.emit("character.restored", row.id, _event_payload(row))
        await uow.commit()
        return row
