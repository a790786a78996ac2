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
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from infra.db.model import EntityMixin, OutboxMixin
from subgraphs.kit.campaign_membership import CampaignMembershipMixin, ProcessedEventMixin


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
    area_shape: Mapped[str | None] = mapped_column(String(20), nullable=True)
    area_size_feet: Mapped[int | None] = mapped_column(Integer, nullable=True)
    material_cost_gp: Mapped[float | None] = mapped_column(Float, nullable=True)
    healing_roll: Mapped[str | None] = mapped_column(String(40), nullable=True)


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
    caster_kind: Mapped[str] = mapped_column(String(10), nullable=False, default="none")
    # The class table without its spellcasting columns (those come from ``rules``):
    # [{"level", "features": [feature slugs], "numbers": {"rage_count": 2, ...}}]
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)


class DescribedEntryMixin(CatalogEntryMixin):
    """A catalog entry with rules text (Markdown), which every kind but spells and classes has."""

    description: Mapped[str] = mapped_column(Text, nullable=False)


class SubclassRow(DescribedEntryMixin, Base):
    __tablename__ = "subclasses"

    class_slug: Mapped[str] = mapped_column(String(160), nullable=False, index=True)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    # [{"level", "name", "description"}], in level order
    features: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)


class ClassFeatureRow(DescribedEntryMixin, Base):
    """A feature a class (or one of its subclasses) gains at a level."""

    __tablename__ = "class_features"

    class_slug: Mapped[str] = mapped_column(String(160), nullable=False, index=True)
    subclass_slug: Mapped[str | None] = mapped_column(String(160), nullable=True, index=True)
    level: Mapped[int] = mapped_column(Integer, nullable=False, index=True)


class SpeciesRow(DescribedEntryMixin, Base):
    __tablename__ = "species"

    creature_type: Mapped[str] = mapped_column(String(20), nullable=False)
    sizes: Mapped[list[str]] = mapped_column(JSON, nullable=False)  # one, or a choice of several
    speed: Mapped[int] = mapped_column(Integer, nullable=False)
    trait_slugs: Mapped[list[str]] = mapped_column(JSON, nullable=False)


class LineageRow(DescribedEntryMixin, Base):
    """A lineage (subspecies) of a species: Elven lineages, Draconic Ancestors, ..."""

    __tablename__ = "lineages"

    species_slug: Mapped[str] = mapped_column(String(160), nullable=False, index=True)
    damage_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    trait_slugs: Mapped[list[str]] = mapped_column(JSON, nullable=False)


class SpeciesTraitRow(DescribedEntryMixin, Base):
    __tablename__ = "species_traits"

    species_slugs: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    lineage_slugs: Mapped[list[str]] = mapped_column(JSON, nullable=False)


class BackgroundRow(DescribedEntryMixin, Base):
    __tablename__ = "backgrounds"

    abilities: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    feat_slug: Mapped[str] = mapped_column(String(160), nullable=False)
    feat_note: Mapped[str | None] = mapped_column(String(80), nullable=True)
    skills: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    tool: Mapped[str | None] = mapped_column(String(160), nullable=True)
    tool_choice: Mapped[str | None] = mapped_column(Text, nullable=True)
    equipment_options: Mapped[list[str]] = mapped_column(JSON, nullable=False)


class FeatRow(DescribedEntryMixin, Base):
    __tablename__ = "feats"

    category: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    minimum_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    required_feature: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # [{"ability": "str", "minimum": 13}]: any one of them suffices
    ability_minimums: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    prerequisite_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    repeatable: Mapped[bool] = mapped_column(Boolean, nullable=False)
    repeatable_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class EquipmentRow(DescribedEntryMixin, Base):
    """Mundane equipment: weapons, armor, tools, gear. Weapon and armor statistics are objects."""

    __tablename__ = "equipment"

    category: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    upstream_categories: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    cost_cp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    weight_lb: Mapped[float | None] = mapped_column(Float, nullable=True)
    weapon_category: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    armor_category: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    mastery: Mapped[str | None] = mapped_column(String(10), nullable=True)
    properties: Mapped[list[str]] = mapped_column(JSON, nullable=False)  # weapon properties
    weapon: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    armor: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class MagicItemRow(DescribedEntryMixin, Base):
    __tablename__ = "magic_items"

    category: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    rarity: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    rarity_text: Mapped[str] = mapped_column(String(120), nullable=False)
    requires_attunement: Mapped[bool] = mapped_column(Boolean, nullable=False, index=True)
    attunement_requirement: Mapped[str | None] = mapped_column(String(160), nullable=True)
    is_variant: Mapped[bool] = mapped_column(Boolean, nullable=False)
    variant_slugs: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    # [{"target": "armor-class", "bonus": 1}]: the plain "+N to X" bonuses its text grants
    effects: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)


class WeaponMasteryRow(DescribedEntryMixin, Base):
    __tablename__ = "weapon_masteries"


class WeaponPropertyRow(DescribedEntryMixin, Base):
    __tablename__ = "weapon_properties"


class ConditionRow(DescribedEntryMixin, Base):
    __tablename__ = "conditions"


class SkillRow(DescribedEntryMixin, Base):
    __tablename__ = "skills"

    ability: Mapped[str] = mapped_column(String(10), nullable=False)


class LanguageRow(DescribedEntryMixin, Base):
    __tablename__ = "languages"

    is_rare: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProficiencyRow(DescribedEntryMixin, Base):
    __tablename__ = "proficiencies"

    category: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    reference: Mapped[str | None] = mapped_column(String(160), nullable=True)
    class_slugs: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    background_slugs: Mapped[list[str]] = mapped_column(JSON, nullable=False)


class RuleRow(DescribedEntryMixin, Base):
    """A section of the rules chapters (Combat, Damage and Healing, ...)."""

    __tablename__ = "rules"

    chapter: Mapped[str] = mapped_column(String(160), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)  # order within the chapter


class CreatureRow(DescribedEntryMixin, Base):
    """A stat block. Only base values are stored; printed totals are derived by ``rules``."""

    __tablename__ = "creatures"

    size: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    creature_type: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    subtype: Mapped[str | None] = mapped_column(String(80), nullable=True)
    alignment: Mapped[str] = mapped_column(String(40), nullable=False)
    armor_class: Mapped[int] = mapped_column(Integer, nullable=False)
    armor_detail: Mapped[str | None] = mapped_column(String(120), nullable=True)
    hit_dice_count: Mapped[int] = mapped_column(Integer, nullable=False)
    hit_die: Mapped[int] = mapped_column(Integer, nullable=False)
    hit_points_bonus: Mapped[int] = mapped_column(Integer, nullable=False)
    # {"walk": 30, "fly": 60, ...} and whether it hovers
    speeds: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    hover: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # {"str": 10, ...}
    ability_scores: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    # ability or skill -> how many times the Proficiency Bonus is added (1, or 2 for expertise)
    save_proficiencies: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    skill_proficiencies: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    initiative_proficiency: Mapped[int] = mapped_column(Integer, nullable=False)
    senses: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    telepathy_feet: Mapped[int | None] = mapped_column(Integer, nullable=True)
    languages: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    languages_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    challenge_rating: Mapped[float] = mapped_column(Float, nullable=False, index=True)
    challenge_text: Mapped[str] = mapped_column(String(8), nullable=False)  # "1/4"
    damage_vulnerabilities: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    damage_resistances: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    damage_immunities: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    condition_immunities: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    # [{"name", "description"}]
    traits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    # [{"name", "kind", "description", "uses", "legendary_cost", "attacks": [...]}]
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)


class OutboxEvent(OutboxMixin, Base):
    pass


# The table of each kind read into ``ImportBundle.entries`` (spells and classes have their own).
ENTRY_MODELS: dict[str, type[DescribedEntryMixin]] = {
    "subclass": SubclassRow,
    "feature": ClassFeatureRow,
    "species": SpeciesRow,
    "lineage": LineageRow,
    "trait": SpeciesTraitRow,
    "background": BackgroundRow,
    "feat": FeatRow,
    "equipment": EquipmentRow,
    "magic-item": MagicItemRow,
    "weapon-mastery": WeaponMasteryRow,
    "weapon-property": WeaponPropertyRow,
    "condition": ConditionRow,
    "skill": SkillRow,
    "language": LanguageRow,
    "proficiency": ProficiencyRow,
    "creature": CreatureRow,
    "rule": RuleRow,
}


class HomebrewEntryRow(EntityMixin, Base):
    """Custom content of any kind (spell, feat, magic item, ...), owned by its author.

    One table for every kind: ``kind`` says which, and ``mechanics`` holds the structured rules
    fields, checked per kind by ``subgraphs.catalog.homebrew.mechanics`` before they are stored
    (their names follow the SRD tables' columns, so an SRD entry's mechanics copy over as they
    are). ``origin`` and ``provenance`` say where the entry came from; ``root_slug`` links a
    theme adaptation (reskin) to the original entry it was branched from. Visibility: PRIVATE
    (its author only, plus the campaigns in ``shared_campaign_ids``) or PUBLISHED (everyone).
    """

    __tablename__ = "homebrew_entries"
    __table_args__ = (UniqueConstraint("author_id", "idempotency_key"),)

    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    slug: Mapped[str] = mapped_column(String(240), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    theme_tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    mechanics: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, index=True)
    # homebrew | imported | adapted | generated, and its details (licence, model, theme, root)
    origin: Mapped[str] = mapped_column(String(12), nullable=False)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    root_slug: Mapped[str | None] = mapped_column(String(240), nullable=True, index=True)
    visibility: Mapped[str] = mapped_column(String(12), nullable=False, default="PRIVATE")
    shared_campaign_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # The balance warnings of the current mechanics: [{"path", "code", "message", "score", ...}]
    balance: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)


class CampaignMembershipRow(CampaignMembershipMixin, Base):
    """The catalog's own copy of who takes part in which campaign, fed by campaign events, so a
    member can read homebrew shared with their campaign (``subgraphs.catalog.membership``)."""


class ProcessedEventRow(ProcessedEventMixin, Base):
    """An event a consumer group of the catalog has handled."""
