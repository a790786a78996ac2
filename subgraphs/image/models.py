"""Tables of the image service (its own database). The bytes live in object storage, not here."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class AssetKind(StrEnum):
    """What an image is for. Stored by name, so adding a kind needs no migration."""

    PORTRAIT = "PORTRAIT"
    TOKEN = "TOKEN"
    MAP = "MAP"
    HANDOUT = "HANDOUT"


class AssetRow(EntityMixin, Base):
    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("owner_id", "idempotency_key"),)

    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    byte_size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(200), nullable=False)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    character_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    # How the image came to be: the generator's name for generated images, None for uploads.
    generator: Mapped[str | None] = mapped_column(String(40), nullable=True)
    prompt: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    alt_text: Mapped[str | None] = mapped_column(String(500), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)


class OutboxEvent(OutboxMixin, Base):
    pass
