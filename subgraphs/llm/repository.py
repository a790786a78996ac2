"""Reading and writing generation records."""

from __future__ import annotations

import uuid

from subgraphs.kit.owned import OwnedRepository
from subgraphs.llm.models import GenerationRow


class GenerationRepository(OwnedRepository[GenerationRow]):
    model = GenerationRow

    async def thread(self, thread_id: uuid.UUID) -> list[GenerationRow]:
        """Every turn of a refinement thread, oldest first."""
        statement = (
            self.select()
            .where(GenerationRow.thread_id == thread_id)
            .order_by(GenerationRow.created_at, GenerationRow.id)
        )
        return list((await self.session.execute(statement)).scalars())
