"""Reading and writing assets and their versions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, select

from infra.db.repository import Page, Repository
from subgraphs.image.models import AssetKind, AssetRow, AssetVersionRow
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

    async def page_of_kind(
        self, owner_id: uuid.UUID, kind: AssetKind | None, first: int, after: str | None
    ) -> Page[AssetRow]:
        statement = self.select().where(AssetRow.owner_id == owner_id)
        if kind is not None:
            statement = statement.where(AssetRow.kind == kind.value)
        return await self.page(first, after, statement=statement)

    async def reusable(self, owner_id: uuid.UUID, kind: AssetKind, slug: str) -> AssetRow | None:
        """The picture of catalog entry ``slug`` to reuse: a shared one, or the caller's own."""
        statement = (
            self.select()
            .where(
                AssetRow.kind == kind.value,
                AssetRow.catalog_slug == slug,
                (AssetRow.shared.is_(True)) | (AssetRow.owner_id == owner_id),
            )
            .order_by(AssetRow.shared.desc(), AssetRow.created_at)
            .limit(1)
        )
        found: AssetRow | None = (await self.session.execute(statement)).scalars().first()
        return found

    async def newest_map_of(self, encounter_id: uuid.UUID) -> AssetRow | None:
        """The encounter's battle map: whoever may see the encounter may see its map."""
        statement = (
            self.select()
            .where(
                AssetRow.kind == AssetKind.MAP_TACTICAL.value,
                AssetRow.encounter_id == encounter_id,
                AssetRow.source_asset_id.is_(None),
            )
            .order_by(AssetRow.created_at.desc())
            .limit(1)
        )
        found: AssetRow | None = (await self.session.execute(statement)).scalars().first()
        return found

    async def render_of(self, owner_id: uuid.UUID, encounter_id: uuid.UUID) -> AssetRow | None:
        """The caller's render of the encounter (each viewer sees their own)."""
        statement = self.select().where(
            AssetRow.owner_id == owner_id,
            AssetRow.encounter_id == encounter_id,
            AssetRow.source_asset_id.is_not(None),
        )
        found: AssetRow | None = (await self.session.execute(statement)).scalars().first()
        return found

    async def deleted_before(self, moment: datetime, limit: int) -> list[AssetRow]:
        """Deleted assets whose objects are still kept, deleted before ``moment``."""
        statement = (
            select(AssetRow)
            .where(
                AssetRow.is_deleted.is_(True),
                AssetRow.purged_at.is_(None),
                AssetRow.deleted_at < moment,
            )
            .order_by(AssetRow.deleted_at)
            .limit(limit)
        )
        return list((await self.session.execute(statement)).scalars())


class VersionRepository(Repository[AssetVersionRow]):
    model = AssetVersionRow

    async def current(self, assets: Sequence[AssetRow]) -> dict[uuid.UUID, AssetVersionRow]:
        """Each asset's current version, in one query."""
        if not assets:
            return {}
        wanted = {asset.id: asset.current_version for asset in assets}
        statement = self.select().where(AssetVersionRow.asset_id.in_(wanted))
        found = {}
        for row in (await self.session.execute(statement)).scalars():
            if wanted[row.asset_id] == row.number:
                found[row.asset_id] = row
        return found

    async def of_asset(self, asset_id: uuid.UUID) -> list[AssetVersionRow]:
        """Every version of the asset, newest first."""
        statement = (
            self.select()
            .where(AssetVersionRow.asset_id == asset_id)
            .order_by(AssetVersionRow.number.desc())
        )
        return list((await self.session.execute(statement)).scalars())

    async def number(self, asset_id: uuid.UUID, number: int) -> AssetVersionRow | None:
        statement = self.select().where(
            and_(AssetVersionRow.asset_id == asset_id, AssetVersionRow.number == number)
        )
        found: AssetVersionRow | None = (await self.session.execute(statement)).scalar_one_or_none()
        return found
