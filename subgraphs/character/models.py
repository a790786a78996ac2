"""Tables of the character service (its own database)."""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class CharacterRow(EntityMixin, Base):
    __tablename__ = "characters"
    __table_args__ = (UniqueConstraint("owner_id", "idempotency_key"),)

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    class_slug: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # PRIVATE: only the owner reads it. PUBLIC: anyone may read its public face (a shared sheet).
    visibility: Mapped[str] = mapped_column(String(16), nullable=False, default="PRIVATE")
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)


class OutboxEvent(OutboxMixin, Base):
    pass
