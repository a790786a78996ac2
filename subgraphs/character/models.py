"""Tables of the character service (its own database)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin
from subgraphs.kit.campaign_membership import CampaignMembershipMixin, ProcessedEventMixin


class Base(DeclarativeBase):
    pass


class CharacterRow(EntityMixin, Base):
    """A character: its base data as one document, plus the few columns lists are queried by.

    ``document`` (the rules format, ``subgraphs.character.documents``) is the truth; ``name``
    and ``level`` are copies of its ``identity.name`` and total level, rewritten on every write,
    so lists can sort and filter without reading documents. Derived numbers are never stored.
    """

    __tablename__ = "characters"
    __table_args__ = (UniqueConstraint("owner_id", "idempotency_key"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    # PC (a player's), NPC or MONSTER (a game master's): one model, one document format.
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="PC", index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # total level
    # PRIVATE: only the owner (and campaign roles) read it. PUBLIC: anyone reads the sheet.
    visibility: Mapped[str] = mapped_column(String(16), nullable=False, default="PRIVATE")
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class CampaignMembershipRow(CampaignMembershipMixin, Base):
    """Who takes part in which campaign with which character, copied from campaign events, so
    a campaign's game master and players may read what they may (``access``)."""


class ProcessedEventRow(ProcessedEventMixin, Base):
    """An event a consumer group of the character service has handled."""


class OutboxEvent(OutboxMixin, Base):
    pass
