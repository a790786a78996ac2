"""Tables of the image service (its own database). The bytes live in object storage, not here.

An *asset* is one picture as people think of it ("Seraphine's portrait", "the crypt map"); each
regeneration or edit adds a *version* with its parent, prompt and generator, and the asset
points at its current one. Derivatives (thumbnails, WebP) belong to a version.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class AssetKind(StrEnum):
    """What an image is for. Stored by name, so adding a kind needs no migration."""

    PORTRAIT = "PORTRAIT"
    TOKEN = "TOKEN"
    ITEM = "ITEM"
    LOCATION = "LOCATION"
    MAP_TACTICAL = "MAP_TACTICAL"
    MAP_CAMPAIGN = "MAP_CAMPAIGN"
    EFFECT = "EFFECT"
    HANDOUT = "HANDOUT"


class Operation(StrEnum):
    """How a version came to be."""

    GENERATED = "GENERATED"  # drawn from a prompt and domain data
    UPLOADED = "UPLOADED"
    EDITED = "EDITED"  # image-to-image from its parent with a new prompt
    FACE_FIXED = "FACE_FIXED"
    UPSCALED = "UPSCALED"
    RENDERED = "RENDERED"  # an encounter drawn on its map


class AssetRow(EntityMixin, Base):
    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("owner_id", "idempotency_key"),)

    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    character_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    # The catalog entry it pictures ("magic-item/flame-tongue"): reused before drawing anew.
    catalog_slug: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    # Catalog pictures drawn without a custom prompt are everyone's: any signed-in user reads them.
    shared: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    encounter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    # A render of an encounter: the battle map it was drawn on (None for everything else).
    source_asset_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    current_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # Set once the purge job has removed the objects of a deleted asset for good.
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AssetVersionRow(EntityMixin, Base):
    __tablename__ = "asset_versions"
    __table_args__ = (
        UniqueConstraint("asset_id", "number"),
        UniqueConstraint("asset_id", "idempotency_key"),
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    parent_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    operation: Mapped[str] = mapped_column(String(20), nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    byte_size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(300), nullable=False)
    # How the image came to be: the generator's name for generated images, None for uploads.
    generator: Mapped[str | None] = mapped_column(String(40), nullable=True)
    prompt: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    alt_text: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The kind-specific inputs it was drawn from (map size, spell area, places...): what a
    # regeneration draws again from.
    spec: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # A tactical map's layout (walls, doors, difficult terrain) as ``layout.TacticalLayout``.
    layout: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Derivative name ("thumb-128", "thumb-512", "webp") -> {key, contentType, width, height,
    # byteSize, sha256}.
    derivatives: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # A request that added this version to an existing asset (a portrait regenerated) and may
    # be retried: the retry gets this version back.
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)


class OutboxEvent(OutboxMixin, Base):
    pass
