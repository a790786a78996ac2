"""The image service under test: one backend's app, its database and its asset directory."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from infra.db.engine import create_engine
from subgraphs.image.app import build
from subgraphs.image.models import AssetRow, OutboxEvent
from tests.graph import BackgroundGraph
from tests.subgraphs.harness import SharedService, backend_database, serve_subgraph


@dataclass
class ImageService(SharedService):
    """The image service of one backend, with the directory its asset files land in."""

    outbox_model = OutboxEvent

    assets_dir: Path
    graph: BackgroundGraph

    async def character(self, owner: uuid.UUID, *, public: bool = False) -> str:
        """A new character of ``owner``'s at the character service the image service asks."""
        return await self.graph.character(owner, public=public)

    async def rows_owned_by(self, owner: uuid.UUID) -> int:
        statement = select(func.count()).select_from(AssetRow).where(AssetRow.owner_id == owner)
        return int(await self.scalar(statement))

    async def events_about(self, *asset_ids: str) -> list[str]:
        statement = (
            select(OutboxEvent.type)
            .where(OutboxEvent.aggregate_id.in_([uuid.UUID(i) for i in asset_ids]))
            .order_by(OutboxEvent.created_at)
        )
        async with self.engine.connect() as connection:
            return list((await connection.execute(statement)).scalars())

    def stored_files(self) -> set[Path]:
        if not self.assets_dir.exists():
            return set()
        return {p for p in self.assets_dir.rglob("*") if p.is_file() and ".meta" not in p.parts}


@contextlib.asynccontextmanager
async def image_service(
    backend: str, directory: Path, graph: BackgroundGraph
) -> AsyncIterator[ImageService]:
    """The service on ``backend`` (sqlite or postgres), offline, storing under ``directory``,
    checking characters' owners at ``graph``."""
    assets_dir = directory / "assets"
    async with backend_database(backend, directory / "image.db") as database_url:
        env = {
            "IMAGE_DATABASE_URL": database_url,
            "STORAGE_URL": assets_dir.as_uri(),
            "ASSET_BASE_URL": None,
            "GETIMG_API_KEY": None,
        }
        engine = create_engine(database_url)
        try:
            async with serve_subgraph(build, env, graph=graph) as (http, tokens):
                yield ImageService(http, tokens, engine, assets_dir, graph)
        finally:
            await engine.dispose()
