"""Reading and writing asset records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from infra.db.repository import Page, Repository
from subgraphs.image.models import AssetKind, AssetRow


class AssetRepository(Repository[AssetRow]):
    model = AssetRow

    async def page_owned_by(
        self, owner_id: uuid.UUID, first: int, after: str | None
    ) -> Page[AssetRow]:
        return await self.page(
            first, after, statement=self.select().where(AssetRow.owner_id == owner_id)
        )

    async def by_idempotency_key(self, owner_id: uuid.UUID, key: str) -> AssetRow | None:
        # Deleted rows count too: a retried request must not create a second asset.
        statement = select(AssetRow).where(
            AssetRow.owner_id == owner_id, AssetRow.idempotency_key == key
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def newest_portraits(
        self, wanted: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID], AssetRow]:
        """The newest live portrait per ``(character_id, owner_id)`` pair, in one query.

        Only the character's owner can set its portrait: an asset someone else attached to the
        character's ID is never picked.
        """
        if not wanted:
            return {}
        statement = (
            self.select()
            .where(
                AssetRow.kind == AssetKind.PORTRAIT.value,
                AssetRow.character_id.in_({character for character, _ in wanted}),
                AssetRow.owner_id.in_({owner for _, owner in wanted}),
            )
            .order_by(AssetRow.created_at.desc(), AssetRow.id.desc())
        )
        newest: dict[tuple[uuid.UUID, uuid.UUID], AssetRow] = {}
        for row in (await self.session.execute(statement)).scalars():
            assert row.character_id is not None  # filtered by the IN above
            newest.setdefault((row.character_id, row.owner_id), row)
        return {pair: newest[pair] for pair in wanted if pair in newest}
