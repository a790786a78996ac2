"""Tables of the catalog service (its own database).

Every catalog entry has a UUID ``id`` (the federation key), a unique ``slug`` (``spell/fireball``)
that stays the same across re-imports, and provenance columns saying which document, license and
upstream record it came from. Game constants are stored as their enum values (lowercase slugs).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class CatalogSourceRow(EntityMixin, Base):
    """A published document catalog content comes from, and the notice its license requires."""

    __tablename__ = "catalog_sources"

    key: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    license: Mapped[str] = mapped_column(String(60), nullable=False)
    license_url: Mapped[str] = mapped_column(String(300), nullable=False)
    url: Mapped[str] = mapped_column(String(300), nullable=False)
    attribution: Mapped[str] = mapped_column(Text, nullable=False)


class CatalogEntryMixin(EntityMixin):
    """Identity and provenance shared by every kind of catalog entry."""

    slug: Mapped[str] = mapped_column(String(160), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    # Provenance: the kind of source ("SRD"), the document, its license, and the dataset and
    # record the entry was imported from, so any entry can be traced back to its origin.
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    document: Mapped[str] = mapped_column(String(200), nullable=False)
    license: Mapped[str] = mapped_column(String(60), nullable=False)
    dataset: Mapped[str] = mapped_column(String(80), nullable=False)
    source_key: Mapped[str] = mapped_column(String(160), nullable=False)


class SpellRow(CatalogEntryMixin, Base):
    __tablename__ = "spells"

    level: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    school: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    casting_time_unit: Mapped[str] = mapped_column(String(20), nullable=False)
    casting_time_amount: Mapped[int] = mapped_column(Integer, nullable=False)
    reaction_trigger: Mapped[str | None] = mapped_column(Text, nullable=True)
    ritual: Mapped[bool] = mapped_column(Boolean, nullable=False)
    range_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    range_feet: Mapped[int | None] = mapped_column(Integer, nullable=True)
    range_text: Mapped[str] = mapped_column(String(80), nullable=False)
    verbal: Mapped[bool] = mapped_column(Boolean, nullable=False)
    somatic: Mapped[bool] = mapped_column(Boolean, nullable=False)
    material: Mapped[bool] = mapped_column(Boolean, nullable=False)
    material_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    material_consumed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    duration: Mapped[str] = mapped_column(String(80), nullable=False)
    concentration: Mapped[bool] = mapped_column(Boolean, nullable=False)
    saving_throw: Mapped[str | None] = mapped_column(String(10), nullable=True)
    attack_roll: Mapped[bool] = mapped_column(Boolean, nullable=False)
    damage_roll: Mapped[str | None] = mapped_column(String(40), nullable=True)
    damage_types: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)  # a few lack text
    higher_levels: Mapped[str | None] = mapped_column(Text, nullable=True)
    scaling: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)


class SpellClassRow(EntityMixin, Base):
    """A spell being on a class's spell list (the rows behind the ``className`` filter)."""

    __tablename__ = "spell_classes"
    __table_args__ = (UniqueConstraint("spell_id", "class_slug"),)

    spell_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("spells.id"), nullable=False, index=True
    )
    class_slug: Mapped[str] = mapped_column(String(160), nullable=False, index=True)


class ClassRow(CatalogEntryMixin, Base):
    __tablename__ = "classes"

    hit_die: Mapped[int] = mapped_column(Integer, nullable=False)
    primary_abilities: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    primary_ability_any: Mapped[bool] = mapped_column(Boolean, nullable=False)
    primary_ability_text: Mapped[str] = mapped_column(String(80), nullable=False)
    saving_throws: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    spellcasting_ability: Mapped[str | None] = mapped_column(String(10), nullable=True)
    proficiencies: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    proficiency_choices: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    subclasses: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)


class OutboxEvent(OutboxMixin, Base):
    pass
