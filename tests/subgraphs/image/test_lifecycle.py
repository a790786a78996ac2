"""Storage lifecycle on S3 (moto's server, started here): deleting moves an asset's objects to
the trash prefix, restoring brings them back, the purge job removes them after the retention."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from moto.server import ThreadedMotoServer
from sqlalchemy import select

from infra.config import Settings
from infra.storage import S3Settings, S3Storage
from subgraphs.image.app import MIGRATIONS, NAME, build
from subgraphs.image.lifecycle import purge_trash, reconcile_storage
from subgraphs.image.models import AssetRow, OutboxEvent
from subgraphs.image.store import move
from subgraphs.kit.runtime import Runtime, build_runtime
from tests.support import TokenFactory, asgi_client, free_port, gql

pytestmark = [pytest.mark.s3, pytest.mark.asyncio(loop_scope="module")]

GENERATE = """mutation($i: GenerateImageInput!) {
  generateImage(input: $i) { asset { id version url } userErrors { code } }
}"""
DELETE = """mutation($i: AssetVersionInput!) {
  deleteAsset(input: $i) { asset { id version } userErrors { code } }
}"""
RESTORE = """mutation($i: AssetVersionInput!) {
  restoreAsset(input: $i) { asset { id version } userErrors { code message } }
}"""
KEYS = ("v1.png", "v1-thumb-128.webp", "v1-thumb-512.webp", "v1-webp.webp")


@dataclass
class World:
    http: httpx.AsyncClient
    tokens: TokenFactory
    storage: S3Storage
    runtime: Runtime

    def keys(self, asset_id: str, *, trash: bool = False) -> list[str]:
        prefix = "trash/" if trash else ""
        return [f"{prefix}handouts/{asset_id}/{name}" for name in KEYS]

    async def present(self, keys: list[str]) -> list[bool]:
        return [await self.storage.exists(key) for key in keys]

    async def row(self, asset_id: str) -> AssetRow:
        async with self.runtime.sessions() as session:
            statement = select(AssetRow).where(AssetRow.id == uuid.UUID(asset_id))
            return (await session.execute(statement)).scalar_one()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    storage = S3Storage(
        S3Settings(
            bucket="assets",
            endpoint_url=f"http://127.0.0.1:{port}",
            access_key_id="test",
            secret_access_key="test",
            create_bucket=True,
        )
    )
    database = tmp_path_factory.mktemp("lifecycle") / "image.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IMAGE_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
        patch.setenv("IMAGE_PURGE_INTERVAL_SECONDS", "0")  # the test runs the purge itself
        tokens = TokenFactory()
        app = build(Settings.from_env(), tokens.verifier, storage=storage)
        runtime = build_runtime(NAME, OutboxEvent, MIGRATIONS, Settings.from_env(), tokens.verifier)
    try:
        async with asgi_client(app) as http:
            yield World(http, tokens, storage, runtime)
    finally:
        await runtime.engine.dispose()
        await storage.close()
        moto.stop()


async def _handout(world: World, auth: dict[str, str]) -> dict[str, Any]:
    variables = {
        "i": {"kind": "HANDOUT", "name": "A letter", "text": "Meet me at dusk.", "seed": 1}
    }
    asset: dict[str, Any] = (await gql(world.http, GENERATE, variables, auth))["data"][
        "generateImage"
    ]["asset"]
    return asset


async def _call(
    world: World, query: str, asset: dict[str, Any], version: int, auth: dict[str, str]
) -> dict[str, Any]:
    variables = {"i": {"id": asset["id"], "expectedVersion": version}}
    data: dict[str, Any] = (await gql(world.http, query, variables, auth))["data"]
    return next(iter(data.values()))


async def test_delete_moves_objects_to_the_trash_and_restore_brings_them_back(world: World) -> None:
    auth = world.tokens.headers(uuid.uuid4())
    asset = await _handout(world, auth)
    assert await world.present(world.keys(asset["id"])) == [True] * 4
    deleted = await _call(world, DELETE, asset, 1, auth)
    assert deleted["userErrors"] == []
    assert await world.present(world.keys(asset["id"])) == [False] * 4
    assert await world.present(world.keys(asset["id"], trash=True)) == [True] * 4
    assert (await world.http.get(asset["url"])).status_code == 404

    restored = await _call(world, RESTORE, asset, deleted["asset"]["version"], auth)
    assert restored["userErrors"] == []
    assert await world.present(world.keys(asset["id"])) == [True] * 4
    assert await world.present(world.keys(asset["id"], trash=True)) == [False] * 4
    assert (await world.http.get(asset["url"])).status_code == 200
    # Someone else cannot restore (or learn about) another's asset.
    stolen = await _call(
        world, RESTORE, asset, restored["asset"]["version"], world.tokens.headers(uuid.uuid4())
    )
    assert [e["code"] for e in stolen["userErrors"]] == ["NOT_FOUND"]


async def test_the_purge_removes_old_trash_only(world: World) -> None:
    auth = world.tokens.headers(uuid.uuid4())
    old, recent, kept = [await _handout(world, auth) for _ in range(3)]
    for asset in (old, recent):
        assert (await _call(world, DELETE, asset, 1, auth))["userErrors"] == []
    # Looked at 10 days on, with a 7-day retention, both deletions are due.
    later = datetime.now(UTC) + timedelta(days=10)
    dry = await purge_trash(
        world.runtime.uow(), world.storage, timedelta(days=7), now=later, dry_run=True
    )
    assert dry.objects == 0 and dry.assets >= 2
    assert await world.present(world.keys(old["id"], trash=True)) == [True] * 4  # dry: untouched

    purged = await purge_trash(world.runtime.uow(), world.storage, timedelta(days=7), now=later)
    assert purged.assets >= 2
    for asset in (old, recent):
        assert await world.present(world.keys(asset["id"], trash=True)) == [False] * 4
        assert (await world.row(asset["id"])).purged_at is not None
    assert await world.present(world.keys(kept["id"])) == [True] * 4  # live assets untouched
    again = await purge_trash(world.runtime.uow(), world.storage, timedelta(days=7), now=later)
    assert again.assets == 0  # idempotent: nothing is due twice

    too_late = await _call(world, RESTORE, old, (await world.row(old["id"])).version, auth)
    assert [e["code"] for e in too_late["userErrors"]] == ["ALREADY_PURGED"]


async def test_within_the_retention_nothing_is_purged(world: World) -> None:
    auth = world.tokens.headers(uuid.uuid4())
    asset = await _handout(world, auth)
    await _call(world, DELETE, asset, 1, auth)
    await purge_trash(world.runtime.uow(), world.storage, timedelta(days=30))
    assert await world.present(world.keys(asset["id"], trash=True)) == [True] * 4
    assert (await world.row(asset["id"])).purged_at is None


async def test_assets_round_trip_through_s3(world: World) -> None:
    auth = world.tokens.headers(uuid.uuid4())
    asset = await _handout(world, auth)
    served = await world.http.get(asset["url"])
    assert (served.status_code, served.headers["content-type"]) == (200, "image/png")
    assert (await world.storage.get(f"handouts/{asset['id']}/v1.png")).data == served.content


async def test_reconcile_puts_objects_where_their_rows_say(world: World) -> None:
    """A restore of a dump and a bucket copy taken moments apart: one asset was deleted and
    another restored in between, so their objects sit on the wrong side of trash/."""
    auth = world.tokens.headers(uuid.uuid4())
    live, deleted = await _handout(world, auth), await _handout(world, auth)
    assert (await _call(world, DELETE, deleted, 1, auth))["userErrors"] == []
    for wrong_side, right_side in (
        (world.keys(live["id"], trash=True), world.keys(live["id"])),
        (world.keys(deleted["id"]), world.keys(deleted["id"], trash=True)),
    ):
        for source, target in zip(right_side, wrong_side, strict=True):
            await move(world.storage, source, target)
        assert await world.present(right_side) == [False] * 4
    assert (await world.http.get(live["url"])).status_code == 404  # broken by the mismatch
    done = await reconcile_storage(world.runtime.uow(), world.storage)
    assert (done.untrashed, done.trashed) >= (4, 4)
    assert await world.present(world.keys(live["id"])) == [True] * 4
    assert await world.present(world.keys(deleted["id"], trash=True)) == [True] * 4
    assert (await world.http.get(live["url"])).status_code == 200
    again = await reconcile_storage(world.runtime.uow(), world.storage)
    assert (again.untrashed, again.trashed) == (0, 0)
