"""Tables of the llm service (its own database)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class Purpose(StrEnum):
    """What the text is for; shapes the template (offline) or the instructions (a model)."""

    GENERAL = "GENERAL"
    CHARACTER_CONCEPT = "CHARACTER_CONCEPT"
    BACKSTORY = "BACKSTORY"
    NPC = "NPC"
    LOCATION = "LOCATION"
    ITEM = "ITEM"


class GenerationStatus(StrEnum):
    COMPLETED = "COMPLETED"  # the generator finished on its own
    TRUNCATED = "TRUNCATED"  # the generator stopped at the token limit


class GenerationRow(EntityMixin, Base):
    __tablename__ = "generations"
    __table_args__ = (UniqueConstraint("owner_id", "idempotency_key"),)

    prompt: Mapped[str] = mapped_column(Text, nullable=False)
    purpose: Mapped[str] = mapped_column(String(40), nullable=False)
    output: Mapped[str] = mapped_column(Text, nullable=False)
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    model: Mapped[str] = mapped_column(String(120), nullable=False)
    prompt_tokens: Mapped[int] = mapped_column(Integer, nullable=False)
    completion_tokens: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # Reuse first (``catalog.py``): whether the catalog was asked before generating, and the
    # entries it offered, as they were then: [{"kind", "slug", "name", "score"}, ...].
    catalog_status: Mapped[str] = mapped_column(
        String(20), nullable=False, server_default="NOT_CONSULTED"
    )
    catalog_entries: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, nullable=False, server_default="[]"
    )


class OutboxEvent(OutboxMixin, Base):
    pass
