"""Tables of the campaign service (its own database).

A campaign row holds what the game master edits; who takes part lives in ``campaign_members``, one
row per person: the game master (no character) and each player with the character they brought.
Leaving soft-deletes the membership row, so history is kept and a later re-join adds a new row.
"""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin

# Partial unique indexes apply only to rows that are still active; both SQLite and PostgreSQL
# understand this predicate (SQLite stores booleans as 0/1).
ACTIVE_ROWS = text("NOT is_deleted")


class CampaignType(enum.StrEnum):
    """How a campaign is run; fixed when the campaign is created."""

    TRADITIONAL = "TRADITIONAL"
    ANTITHETICON = "ANTITHETICON"


class CampaignRole(enum.StrEnum):
    """What a person does in a campaign."""

    GAME_MASTER = "GAME_MASTER"
    PLAYER = "PLAYER"


class Base(DeclarativeBase):
    pass


class CampaignRow(EntityMixin, Base):
    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("game_master_id", "idempotency_key"),)

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    type: Mapped[str] = mapped_column(String(20), nullable=False)  # a CampaignType value
    game_master_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)


class MembershipRow(EntityMixin, Base):
    __tablename__ = "campaign_members"
    __table_args__ = (
        # A character sits in a campaign's party at most once, and a person holds at most one
        # active membership per campaign; rows of people who left do not count.
        Index(
            "uq_campaign_members_active_character",
            "campaign_id",
            "character_id",
            unique=True,
            sqlite_where=ACTIVE_ROWS,
            postgresql_where=ACTIVE_ROWS,
        ),
        Index(
            "uq_campaign_members_active_user",
            "campaign_id",
            "user_id",
            unique=True,
            sqlite_where=ACTIVE_ROWS,
            postgresql_where=ACTIVE_ROWS,
        ),
    )

    # A plain foreign key: deleting a campaign is a soft delete and never touches its members.
    campaign_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("campaigns.id"), nullable=False, index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    # The character service's ID of the character a player brought; NULL for the game master.
    character_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)  # a CampaignRole value


class OutboxEvent(OutboxMixin, Base):
    pass
