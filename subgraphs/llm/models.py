"""Tables of the llm service (its own database)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, UniqueConstraint, Uuid, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class Purpose(StrEnum):
    """What the text is for; each has its template and schema in ``purposes/``."""

    GENERAL = "GENERAL"
    CHARACTER_CONCEPT = "CHARACTER_CONCEPT"
    BACKSTORY = "BACKSTORY"
    NPC = "NPC"
    LOCATION = "LOCATION"
    ITEM = "ITEM"
    CHARACTER_BACKSTORY = "CHARACTER_BACKSTORY"
    NPC_DIALOGUE = "NPC_DIALOGUE"
    ENCOUNTER_NARRATION = "ENCOUNTER_NARRATION"
    ENTRY_DESCRIPTION = "ENTRY_DESCRIPTION"
    STORY_HOOKS = "STORY_HOOKS"
    PLOT_OUTLINE = "PLOT_OUTLINE"
    BUILD_PROPOSALS = "BUILD_PROPOSALS"  # buildFromConcept (builds/)


class GenerationStatus(StrEnum):
    COMPLETED = "COMPLETED"  # the generator finished on its own
    TRUNCATED = "TRUNCATED"  # the generator stopped at the token limit
    STREAMING = "STREAMING"  # still being written (``generationStream``)
    FAILED = "FAILED"  # a stream whose every candidate failed


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

    # Structured purposes: what the request said (sheet, persona, events...) and the data answer.
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, server_default="{}")
    data: Mapped[Any] = mapped_column(JSON, nullable=True)
    # Failed attempts before the answer: [{"provider", "model", "kind", "message"}, ...]
    attempts: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, nullable=False, server_default="[]"
    )
    cached: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=false())
    # Refinement: a thread's first generation is its own thread; each turn names the one before.
    thread_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)


class TokenUsageRow(Base):
    """Tokens one user spent on one purpose on one (UTC) day: quotas and ``myUsage``."""

    __tablename__ = "token_usage"
    __table_args__ = (UniqueConstraint("owner_id", "day", "purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    purpose: Mapped[str] = mapped_column(String(40), nullable=False)
    requests: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    prompt_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class OutboxEvent(OutboxMixin, Base):
    pass
