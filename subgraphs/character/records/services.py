"""Use cases on a character record. No GraphQL here: plain values in, rows or problems out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from infra.db.unit_of_work import UnitOfWork
from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.character.writes import (
    VISIBILITIES,
    check_class,
    check_level,
    check_name,
    event_payload,
    owned,
)
from subgraphs.kit.outcomes import Problem, Rejected


@dataclass(frozen=True)
class CharacterChanges:
    id: uuid.UUID
    expected_version: int
    name: str | None = None
    level: int | None = None
    class_slug: str | None = None
    visibility: str | None = None


async def update_character(
    uow: UnitOfWork, owner_id: uuid.UUID, changes: CharacterChanges
) -> CharacterRow:
    problems: list[Problem] = []
    if changes.name is not None:
        problems += check_name(changes.name)
    if changes.level is not None:
        problems += check_level(changes.level)
    problems += check_class(changes.class_slug)
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
        row = await owned(characters, owner_id, changes.id)
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
        uow.emit("character.updated", row.id, event_payload(row))
        await uow.commit()
        return row


async def delete_character(
    uow: UnitOfWork, owner_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> CharacterRow:
    async with uow:
        characters = CharacterRepository(uow.session)
        row = await owned(characters, owner_id, id)
        await characters.soft_delete(row, expected_version=expected_version)
        uow.emit("character.deleted", row.id, event_payload(row))
        await uow.commit()
        return row


async def restore_character(
    uow: UnitOfWork, owner_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> CharacterRow:
    async with uow:
        characters = CharacterRepository(uow.session)
        row = await owned(characters, owner_id, id, including_deleted=True)
        await characters.restore(row, expected_version=expected_version)
        uow.emit("character.restored", row.id, event_payload(row))
        await uow.commit()
        return row
