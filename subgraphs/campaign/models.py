"""Tables of the campaign service (its own database).

A campaign row holds what the game master edits; who takes part lives in ``campaign_members``, one
row per person: the game master (no character) and each player with the character they brought.
Leaving soft-deletes the membership row, so history is kept and a later re-join adds a new row.
"""

from __future__ import annotations

import enum
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
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


class EncounterStatus(enum.StrEnum):
    """Where an encounter stands: being set up, being fought, or over."""

    PREPARING = "PREPARING"
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"


class CombatantKind(enum.StrEnum):
    """Who a combatant is: a player's character, a creature, or a game master's NPC."""

    PLAYER_CHARACTER = "PLAYER_CHARACTER"
    CREATURE = "CREATURE"
    NPC = "NPC"


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


class EncounterRow(EntityMixin, Base):
    """A fight in a campaign. Its ``version`` covers the whole encounter, combatants included:
    every change to a combatant touches this row too, so one ``expectedVersion`` guards it all."""

    __tablename__ = "encounters"
    __table_args__ = (UniqueConstraint("campaign_id", "idempotency_key"),)

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("campaigns.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # an EncounterStatus value
    round: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # 0 until it starts
    # Whose turn it is; no foreign key, so the two tables never depend on each other in a cycle.
    current_combatant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)


class CombatantRow(EntityMixin, Base):
    __tablename__ = "encounter_combatants"

    encounter_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("encounters.id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # a CombatantKind value
    # The character service's ID, for a player character only.
    character_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    # The catalog's slug of a creature's stat block (e.g. "creature/goblin-warrior"), if any.
    creature_slug: Mapped[str | None] = mapped_column(String(120), nullable=True)
    initiative: Mapped[int | None] = mapped_column(Integer, nullable=True)
    current_hp: Mapped[int] = mapped_column(Integer, nullable=False)
    max_hp: Mapped[int] = mapped_column(Integer, nullable=False)
    temp_hp: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # rules.enums.Condition values, sorted; a set in the rules, a list in JSON.
    conditions: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    # Only the game master sees a hidden combatant (the Antitheticon's secret player, an ambush).
    hidden: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # A player character's fight for life at 0 Hit Points (rules.combat_tracker.Dying).
    death_save_successes: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    death_save_failures: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    stable: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    dead: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )


class OutboxEvent(OutboxMixin, Base):
    pass
