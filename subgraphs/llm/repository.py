"""Reading and writing generation records."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from infra.db.repository import Page, Repository
from subgraphs.llm.models import GenerationRow


class GenerationRepository(Repository[GenerationRow]):
    model = GenerationRow

    async def page_owned_by(
        self, owner_id: uuid.UUID, first: int, after: str | None
    ) -> Page[GenerationRow]:
        return await self.page(
            first, after, statement=self.select().where(GenerationRow.owner_id == owner_id)
        )

    async def by_idempotency_key(self, owner_id: uuid.UUID, key: str) -> GenerationRow | None:
        # Deleted rows count too: a retried request must not generate twice.
        statement = select(GenerationRow).where(
            GenerationRow.owner_id == owner_id, GenerationRow.idempotency_key == key
        )
        return (await self.session.execute(statement)).scalar_one_or_none()
