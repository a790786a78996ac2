"""Use cases on a character record. No GraphQL here: plain values in, rows or problems out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from infra.db.unit_of_work import UnitOfWork
from subgraphs.character.documents import CheckedDocument, check_document, with_name
from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.character.writes import check_visibility, owned, save, stale_is_conflict, store
from subgraphs.kit.outcomes import Problem, Rejected


@dataclass(frozen=True)
class CharacterChanges:
    """What to change; ``None`` leaves a field as it is. ``name`` renames inside the document."""

    id: uuid.UUID
    expected_version: int
    document: Any = None
    name: str | None = None
    visibility: str | None = None


async def update_character(
    uow: UnitOfWork, owner_id: uuid.UUID, changes: CharacterChanges
) -> CharacterRow:
    problems = check_visibility(changes.visibility)
    if problems:
        raise Rejected(*problems)
    if changes.document is not None and changes.name is not None:
        raise Rejected(
            Problem(
                ("input", "name"),
                "NAME_WITH_DOCUMENT",
                "Rename in the document (identity.name) when you send a whole document.",
            )
        )
    async with uow:
        characters = CharacterRepository(uow.session)
        row = await owned(characters, owner_id, changes.id, changes.expected_version)
        if changes.document is not None:
            store(row, check_document(changes.document))
        elif changes.name is not None:
            store(row, _renamed(row, changes.name))
        if changes.visibility is not None:
            row.visibility = changes.visibility
        return await save(uow, row, "updated")


NAME_IN_DOCUMENT = ("input", "document", "identity", "name")


def _renamed(row: CharacterRow, name: str) -> CheckedDocument:
    """The stored document with a new name, checked whole: a problem with the name is the
    input's ``name``; any other is the stored document's, which a whole new one must fix."""
    try:
        return check_document(with_name(row.document, name.strip()))
    except Rejected as exc:
        raise Rejected(
            *(
                Problem(("input", "name"), p.code, p.message) if p.path == NAME_IN_DOCUMENT else p
                for p in exc.problems
            )
        ) from None


async def delete_character(
    uow: UnitOfWork, owner_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> CharacterRow:
    async with uow:
        characters = CharacterRepository(uow.session)
        row = await owned(characters, owner_id, id, expected_version)
        async with stale_is_conflict(row):
            await characters.soft_delete(row)
        return await save(uow, row, "deleted")


async def restore_character(
    uow: UnitOfWork, owner_id: uuid.UUID, id: uuid.UUID, expected_version: int
) -> CharacterRow:
    async with uow:
        characters = CharacterRepository(uow.session)
        row = await owned(characters, owner_id, id, expected_version, including_deleted=True)
        async with stale_is_conflict(row):
            await characters.restore(row)
        return await save(uow, row, "restored")
