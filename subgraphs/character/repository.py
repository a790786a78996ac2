"""Reading and writing characters."""

from __future__ import annotations

from infra.db.repository import Page
from subgraphs.character.models import CharacterRow
from subgraphs.kit.owned import OwnedRepository


class CharacterRepository(OwnedRepository[CharacterRow]):
    model = CharacterRow

    async def page_public(self, first: int, after: str | None) -> Page[CharacterRow]:
        return await self.page(
            first, after, statement=self.select().where(CharacterRow.visibility == "PUBLIC")
        )
