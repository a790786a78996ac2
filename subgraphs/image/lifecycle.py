"""The trash's retention: objects of deleted assets are purged once they are old enough.

``deleteAsset`` soft-deletes the row and moves its objects under ``trash/``; ``restoreAsset``
brings them back. After ``IMAGE_TRASH_RETENTION_DAYS`` (30 by default) this job removes the
objects for good and marks the row ``purged_at`` (the row itself stays: the record of what
existed is never lost, only the bytes).

It runs inside the image service every ``IMAGE_PURGE_INTERVAL_SECONDS`` (an hour by default;
0 turns it off), once per interval across all replicas (a lock in the shared cache), and as a
command for a scheduler of your own (cron, a Kubernetes CronJob)::

    uv run python -m subgraphs.image.lifecycle purge [--retention-days 30] [--dry-run]

``reconcile`` puts objects back where their rows say after a restore (see the README).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from infra.cache.port import Cache
from infra.db.unit_of_work import UnitOfWork
from infra.storage import ObjectStorage
from subgraphs.image.models import AssetRow
from subgraphs.image.repository import AssetRepository, VersionRepository
from subgraphs.image.store import TRASH, move, object_keys, purge_objects
from subgraphs.kit.runtime import Runtime

log = logging.getLogger("dndcreator.image.lifecycle")

DEFAULT_RETENTION_DAYS = 30
DEFAULT_INTERVAL_SECONDS = 3600
BATCH = 100
LOCK_KEY = "image:purge:lock"


@dataclass(frozen=True)
class Purged:
    assets: int
    objects: int


def retention_from_env() -> timedelta:
    return timedelta(
        days=float(os.environ.get("IMAGE_TRASH_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)
    )


def interval_from_env() -> float:
    return float(os.environ.get("IMAGE_PURGE_INTERVAL_SECONDS") or DEFAULT_INTERVAL_SECONDS)


async def purge_trash(
    uow: UnitOfWork,
    storage: ObjectStorage,
    retention: timedelta,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> Purged:
    """Remove the objects of assets deleted more than ``retention`` ago; mark them purged."""
    cutoff = (now or datetime.now(UTC)) - retention
    assets = objects = 0
    while True:
        async with uow:
            due = await AssetRepository(uow.session).deleted_before(cutoff, BATCH)
            versions = {
                row.id: await VersionRepository(uow.session).of_asset(row.id) for row in due
            }
        if not due or dry_run:
            return Purged(assets + len(due), objects)
        for row in due:
            # Bytes first, the mark second: a crash between leaves the row due, and a second
            # run deletes nothing more (deleting a missing object is not an error).
            objects += await purge_objects(storage, versions[row.id])
            async with uow:
                fresh = await AssetRepository(uow.session).get(row.id, including_deleted=True)
                if fresh is not None and fresh.is_deleted:  # not restored meanwhile
                    fresh.purged_at = datetime.now(UTC)
                    uow.emit(
                        "asset.purged",
                        fresh.id,
                        {"id": str(fresh.id), "ownerId": str(fresh.owner_id)},
                    )
                    await uow.commit()
                    assets += 1


@dataclass(frozen=True)
class Reconciled:
    untrashed: int  # objects of live assets brought back from the trash
    trashed: int  # objects of deleted assets moved to the trash


async def reconcile_storage(uow: UnitOfWork, storage: ObjectStorage) -> Reconciled:
    """Put every object where its row says it belongs: after restoring a database dump and a
    bucket copy taken moments apart, an asset deleted (or restored) in between has its objects
    on the wrong side of ``trash/``. Purged assets are left alone."""
    untrashed = trashed = 0
    after: str | None = None
    while True:
        async with uow:
            assets = AssetRepository(uow.session)
            page = await assets.page(
                BATCH, after, statement=select(AssetRow).where(AssetRow.purged_at.is_(None))
            )
            versions = {
                row.id: await VersionRepository(uow.session).of_asset(row.id) for row in page.items
            }
        for row in page.items:
            for key in (k for version in versions[row.id] for k in object_keys(version)):
                live, binned = (TRASH + key, key) if row.is_deleted else (key, TRASH + key)
                if not await storage.exists(live) and await storage.exists(binned):
                    await move(storage, binned, live)
                    if row.is_deleted:
                        trashed += 1
                    else:
                        untrashed += 1
        if not page.has_next:
            return Reconciled(untrashed, trashed)
        after = page.cursors[-1]


async def purge_periodically(runtime: Runtime) -> None:
    """The service's background loop: one purge per interval across replicas."""
    interval = interval_from_env()
    if interval <= 0:
        return
    storage: ObjectStorage = runtime.ports["image"].storage
    cache: Cache = runtime.ports["image"].rate_limit.cache
    while True:
        try:
            if await cache.set_if_absent(LOCK_KEY, b"1", ttl=interval):
                purged = await purge_trash(runtime.uow(), storage, retention_from_env())
                if purged.assets:
                    log.info("purged %d deleted assets (%d objects)", purged.assets, purged.objects)
        except Exception:  # keep the loop alive; the next round tries again
            log.exception("purging the image trash failed")
        await asyncio.sleep(interval)


async def _main(command: str, retention_days: float, dry_run: bool) -> int:
    from infra.config import Settings
    from infra.storage import create_storage
    from subgraphs.image.app import MIGRATIONS, NAME
    from subgraphs.image.models import OutboxEvent
    from subgraphs.kit.runtime import build_runtime

    settings = Settings.from_env()
    storage = create_storage(settings.storage_url)
    runtime = build_runtime(NAME, OutboxEvent, MIGRATIONS, settings, None)
    try:
        purged = await purge_trash(
            runtime.uow(), storage, timedelta(days=retention_days), dry_run=dry_run
        )
    finally:
        await storage.close()
        await runtime.engine.dispose()
    verb = "would purge" if dry_run else "purged"
    print(f"{verb} {purged.assets} deleted assets ({purged.objects} objects removed)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m subgraphs.image.lifecycle")
    commands = parser.add_subparsers(dest="command", required=True)
    purge = commands.add_parser("purge", help="remove the objects of long-deleted assets")
    purge.add_argument("--retention-days", type=float, default=retention_from_env().days)
    purge.add_argument("--dry-run", action="store_true", help="count, change nothing")
    commands.add_parser("reconcile", help="after a restore: put objects where their rows say")
    args = parser.parse_args()
    retention = getattr(args, "retention_days", 0.0)
    return asyncio.run(_main(args.command, retention, getattr(args, "dry_run", False)))


if __name__ == "__main__":
    raise SystemExit(main())
