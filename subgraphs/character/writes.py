"""The one path every change to a character takes.

Every use case that changes a character ends in ``save``: the new base data (already judged by
``documents.check_document``) is written with the columns copied from it, the row's version goes
up (a stale ``expected_version`` is a ``VERSION_CONFLICT``, checked here and again by the
database's version column), and one outbox event records the change in the same transaction.
History (a commit with a JSON Patch per change) belongs here too, so no write can bypass it.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from infra.db.errors import ConcurrencyConflict, NotFound
from infra.db.unit_of_work import UnitOfWork
from subgraphs.character.documents import CheckedDocument
from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.kit.outcomes import Problem

KINDS = ("PC", "NPC", "MONSTER")
VISIBILITIES = ("PRIVATE", "PUBLIC")


def check_visibility(visibility: str | None) -> list[Problem]:
    if visibility is None or visibility in VISIBILITIES:
        return []
    message = "Visibility is PRIVATE or PUBLIC."
    return [Problem(("input", "visibility"), "VISIBILITY_INVALID", message)]


def event_payload(row: CharacterRow) -> dict[str, Any]:
    """What every character event says: the record's columns, its version and its document."""
    return {
        "id": str(row.id),
        "ownerId": str(row.owner_id),
        "kind": row.kind,
        "name": row.name,
        "level": row.level,
        "visibility": row.visibility,
        "version": row.version,
        "document": row.document,
    }


def store(row: CharacterRow, checked: CheckedDocument) -> None:
    """Put a checked document on a row, with the columns that copy it."""
    row.document = checked.document
    row.name = checked.name
    row.level = checked.level


@contextlib.asynccontextmanager
async def stale_is_conflict(row: CharacterRow) -> AsyncIterator[None]:
    """Another writer committed ``row``'s version between our read and our flush, so the
    database's version check refused the UPDATE: the same answer as a stale
    ``expected_version``, never an internal error."""
    id = row.id  # read before the flush: a failed flush leaves the row unreadable
    try:
        yield
    except StaleDataError:
        raise ConcurrencyConflict("Character", id) from None


async def save(uow: UnitOfWork, row: CharacterRow, change: str) -> CharacterRow:
    """Flush ``row`` (new version), record ``character.<change>`` and commit."""
    async with stale_is_conflict(row):
        await uow.session.flush()
    uow.emit(f"character.{change}", row.id, event_payload(row))
    await uow.commit()
    return row


async def owned(
    characters: CharacterRepository,
    owner_id: uuid.UUID,
    id: uuid.UUID,
    expected_version: int | None,
    *,
    including_deleted: bool = False,
) -> CharacterRow:
    """The owner's character at ``expected_version``; someone else's is not found (we do not
    reveal that it exists)."""
    row = await characters.require(id, including_deleted=including_deleted)
    if row.owner_id != owner_id:
        raise NotFound("Character", id)
    characters.check_version(row, expected_version)
    return row
