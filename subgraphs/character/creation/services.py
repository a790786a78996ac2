"""Use cases that make characters. No GraphQL here: plain values in, rows or problems out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from infra.db.unit_of_work import UnitOfWork
from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.character.writes import check_class, check_level, check_name, event_payload
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Rejected


@dataclass(frozen=True)
class NewCharacter:
    name: str
    level: int = 1
    class_slug: str | None = None
    idempotency_key: str | None = None


async def create_character(uow: UnitOfWork, owner_id: uuid.UUID, new: NewCharacter) -> CharacterRow:
    problems = (
        check_name(new.name)
        + check_level(new.level)
        + check_class(new.class_slug)
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
            uow.emit("character.created", row.id, event_payload(row))
            await uow.commit()
            return row

    # A retried request gets the character it already created.
    return await create_once(uow, CharacterRepository, owner_id, new.idempotency_key, create)
