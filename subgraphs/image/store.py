"""Putting versions into object storage and the database together, and taking them out.

Bytes go to object storage, the record to the database. The objects (original and derivatives)
are written first and the transaction committed second; if the commit fails the objects are
removed again, so a failed request leaves neither a row nor a file behind (and an invisible
orphan at worst if even that clean-up fails, never a row pointing at missing bytes).

A deleted asset's objects move under ``trash/`` (same key after it): they stop being served at
once, stay restorable during the retention period, and the purge job removes them after it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from infra.db.errors import ConcurrencyConflict
from infra.db.unit_of_work import UnitOfWork
from infra.storage import ObjectNotFoundError, ObjectStorage
from subgraphs.image.models import AssetRow, AssetVersionRow
from subgraphs.image.processing import derivatives
from subgraphs.image.repository import AssetRepository, VersionRepository

log = logging.getLogger("dndcreator.image")

EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
TRASH = "trash/"


@dataclass(frozen=True)
class Picture:
    """Bytes about to become a version, with what is known about them."""

    data: bytes
    content_type: str
    width: int
    height: int


def version_key(asset: AssetRow, number: int, content_type: str, variant: str = "") -> str:
    suffix = f"-{variant}" if variant else ""
    extension = "webp" if variant else EXTENSIONS.get(content_type, "bin")
    return f"{asset.kind.lower()}s/{asset.id}/v{number}{suffix}.{extension}"


def object_keys(version: AssetVersionRow) -> list[str]:
    return [version.storage_key, *(d["key"] for d in version.derivatives.values())]


def event_payload(asset: AssetRow, version: AssetVersionRow) -> dict[str, Any]:
    return {
        "id": str(asset.id),
        "ownerId": str(asset.owner_id),
        "characterId": None if asset.character_id is None else str(asset.character_id),
        "encounterId": None if asset.encounter_id is None else str(asset.encounter_id),
        "catalogSlug": asset.catalog_slug,
        "kind": asset.kind,
        "version": version.number,
        "parentVersion": version.parent_number,
        "operation": version.operation,
        "contentType": version.content_type,
        "byteSize": version.byte_size,
        "sha256": version.sha256,
        "generator": version.generator,
    }


async def _discard(storage: ObjectStorage, keys: list[str]) -> None:
    for key in keys:
        try:
            await storage.delete(key)
        except Exception:  # the original failure matters more; an orphaned object is harmless
            log.exception("could not remove object %s after a failed save", key)


async def save_version(
    uow: UnitOfWork,
    storage: ObjectStorage,
    asset: AssetRow,
    version: AssetVersionRow,
    picture: Picture,
    *,
    new_asset: bool,
    expected_version: int | None = None,
) -> tuple[AssetRow, AssetVersionRow]:
    """Store ``picture`` as ``version`` of ``asset`` (a new asset, or one that gains a version
    and points at it) with its derivatives and its event: all or nothing."""
    made = await asyncio.to_thread(derivatives, picture.data)
    version.asset_id = asset.id
    version.content_type, version.width, version.height = (
        picture.content_type,
        picture.width,
        picture.height,
    )
    version.byte_size = len(picture.data)
    version.sha256 = hashlib.sha256(picture.data).hexdigest()
    version.storage_key = version_key(asset, version.number, picture.content_type)
    version.derivatives = {
        d.name: {
            "key": version_key(asset, version.number, d.content_type, d.name),
            "contentType": d.content_type,
            "width": d.width,
            "height": d.height,
            "byteSize": len(d.data),
            "sha256": hashlib.sha256(d.data).hexdigest(),
        }
        for d in made
    }
    written: list[str] = []
    asset_id = asset.id  # readable even after a failed flush expired the row
    async with uow:
        try:
            assets = AssetRepository(uow.session)
            if new_asset:
                asset.current_version = version.number
                await assets.add(asset)
            else:
                fresh = await assets.require(asset.id)
                assets.check_version(fresh, expected_version)
                fresh.current_version = version.number
                asset = fresh
            await VersionRepository(uow.session).add(version)
            uow.emit(
                "asset.created" if new_asset else "asset.versioned",
                asset.id,
                event_payload(asset, version),
            )
            await uow.session.flush()  # a conflict shows here, before any object is written
            await storage.put(version.storage_key, picture.data, picture.content_type)
            written.append(version.storage_key)
            for d in made:
                key = version.derivatives[d.name]["key"]
                await storage.put(key, d.data, d.content_type)
                written.append(key)
            await uow.commit()
        except (IntegrityError, StaleDataError) as exc:
            await _discard(storage, written)
            if new_asset:
                raise  # a lost race on an idempotency key: the caller answers with the winner
            # Another version was added meanwhile (same number, or the asset moved on).
            raise ConcurrencyConflict("Asset", asset_id) from exc
        except BaseException:
            await _discard(storage, written)
            raise
    return asset, version


async def move(storage: ObjectStorage, source: str, target: str) -> None:
    """Copy then delete: the object is never absent from both places."""
    try:
        stored = await storage.get(source)
    except ObjectNotFoundError:
        return  # moved already (a retried deletion), or never written
    await storage.put(target, stored.data, stored.content_type)
    await storage.delete(source)


async def trash_objects(storage: ObjectStorage, versions: list[AssetVersionRow]) -> None:
    for version in versions:
        for key in object_keys(version):
            await move(storage, key, TRASH + key)


async def untrash_objects(storage: ObjectStorage, versions: list[AssetVersionRow]) -> None:
    for version in versions:
        for key in object_keys(version):
            await move(storage, TRASH + key, key)


async def purge_objects(storage: ObjectStorage, versions: list[AssetVersionRow]) -> int:
    removed = 0
    for version in versions:
        for key in object_keys(version):
            removed += bool(await storage.delete(TRASH + key))
            removed += bool(await storage.delete(key))  # in case a move was interrupted
    return removed


def new_version(number: int, parent: int | None, operation: str, **fields: Any) -> AssetVersionRow:
    return AssetVersionRow(
        id=uuid.uuid4(), number=number, parent_number=parent, operation=operation, **fields
    )
