"""Reading and writing characters."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from infra.db.repository import Page, Repository
from subgraphs.character.models import CharacterRow


class CharacterRepository(Repository[CharacterRow]):
    model = CharacterRow

    async def page_owned_by(
        self, owner_id: uuid.UUID, first: int, after: str | None
    ) -> Page[CharacterRow]:
        return await self.page(
            first, after, statement=self.select().where(CharacterRow.owner_id == owner_id)
        )

    async def page_public(self, first: int, after: str | None) -> Page[CharacterRow]:
        return await self.page(
            first, after, statement=self.select().where(CharacterRow.visibility == "PUBLIC")
        )

    async def by_idempotency_key(self, owner_id: uuid.UUID, key: str) -> CharacterRow | None:
        statement = select(CharacterRow).where(
            CharacterRow.owner_id == owner_id, CharacterRow.idempotency_key == key
        )
        return (await self.session.execute(statement)).scalar_one_or_none()
