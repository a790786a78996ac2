"""Use cases that make characters. No GraphQL here: plain values in, rows or problems out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from infra.db.unit_of_work import UnitOfWork
from subgraphs.character.documents import check_document
from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.character.writes import KINDS, check_visibility, save, store
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected


@dataclass(frozen=True)
class NewCharacter:
    """A character to make from a whole document. ``origin`` says how (``created`` by building
    it here, ``imported`` from a document made elsewhere) and names the event."""

    document: Any
    kind: str = "PC"
    visibility: str = "PRIVATE"
    idempotency_key: str | None = None
    origin: str = "created"


def _check_choices(new: NewCharacter) -> list[Problem]:
    problems = check_idempotency_key(new.idempotency_key)
    if new.kind not in KINDS:
        problems.append(Problem(("input", "kind"), "KIND_INVALID", "Kind is PC, NPC or MONSTER."))
    return problems + check_visibility(new.visibility)


async def create_character(uow: UnitOfWork, owner_id: uuid.UUID, new: NewCharacter) -> CharacterRow:
    problems = _check_choices(new)
    if problems:
        raise Rejected(*problems)
    checked = check_document(new.document)

    async def create() -> CharacterRow:
        async with uow:
            row = CharacterRow(
                owner_id=owner_id,
                kind=new.kind,
                visibility=new.visibility,
                idempotency_key=new.idempotency_key,
            )
            store(row, checked)
            await CharacterRepository(uow.session).add(row)
            return await save(uow, row, new.origin)

    # A retried request gets the character it already created.
    return await create_once(uow, CharacterRepository, owner_id, new.idempotency_key, create)
