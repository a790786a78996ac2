"""Migration 0002 keeps every existing asset: each becomes version 1 of itself, bytes where they
were, and the old MAP kind becomes MAP_TACTICAL (on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Connection

from infra.db.engine import create_engine
from infra.db.migrations import _config, upgrade
from subgraphs.image.app import MIGRATIONS

OLD_ASSETS = sa.table(
    "assets",
    *(sa.column(name) for name in ("kind", "content_type", "width", "height", "byte_size")),
    *(sa.column(name) for name in ("sha256", "storage_key", "generator", "prompt", "seed")),
    sa.column("id", sa.Uuid()),
    sa.column("owner_id", sa.Uuid()),
    *(sa.column(name, sa.DateTime(timezone=True)) for name in ("created_at", "updated_at")),
    sa.column("is_deleted", sa.Boolean()),
    sa.column("version"),
)


def _old_asset(asset_id: uuid.UUID, kind: str, generator: str | None) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": asset_id,
        "kind": kind,
        "content_type": "image/png",
        "width": 4,
        "height": 3,
        "byte_size": 10,
        "sha256": "ab" * 32,
        "storage_key": f"{kind.lower()}s/{asset_id}.png",
        "owner_id": uuid.uuid4(),
        "generator": generator,
        "prompt": "a prompt" if generator else None,
        "seed": 7 if generator else None,
        "created_at": now,
        "updated_at": now,
        "is_deleted": False,
        "version": 1,
    }


@pytest.mark.asyncio
async def test_existing_assets_become_their_first_version(database_url: str) -> None:
    engine = create_engine(database_url)
    old_map, portrait = uuid.uuid4(), uuid.uuid4()

    def to_0001(connection: Connection) -> None:
        command.upgrade(_config(MIGRATIONS, connection), "0001")

    try:
        async with engine.begin() as connection:
            await connection.run_sync(to_0001)
            await connection.execute(
                OLD_ASSETS.insert(),
                [_old_asset(old_map, "MAP", None), _old_asset(portrait, "PORTRAIT", "procedural")],
            )
        await upgrade(engine, MIGRATIONS)
        async with engine.connect() as connection:
            assets = await connection.execute(
                sa.text("SELECT kind, current_version, shared FROM assets ORDER BY kind")
            )
            versions = await connection.execute(
                sa.text(
                    "SELECT number, operation, storage_key, prompt, seed, generator"
                    " FROM asset_versions ORDER BY operation"
                )
            )
            kinds, rows = [tuple(r) for r in assets.all()], [tuple(r) for r in versions.all()]
    finally:
        await engine.dispose()
    assert kinds == [("MAP_TACTICAL", 1, False), ("PORTRAIT", 1, False)]
    assert rows == [
        (1, "GENERATED", f"portraits/{portrait}.png", "a prompt", 7, "procedural"),
        (1, "UPLOADED", f"maps/{old_map}.png", None, None, None),
    ]
