"""Reading and writing asset records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from subgraphs.image.models import AssetKind, AssetRow
from subgraphs.kit.owned import OwnedRepository


class AssetRepository(OwnedRepository[AssetRow]):
    model = AssetRow

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
