"""What the importers produce: validated, normalised catalog entries, independent of any format.

Each importer reads one upstream format and returns these records; only the loader
(``subgraphs.catalog.services``) touches the database. Keeping the two apart means a source file is
checked completely before anything is written, which is what makes an import all-or-nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from subgraphs.catalog.enums import (
    Ability,
    AreaShape,
    CasterKind,
    CastingTimeUnit,
    DamageType,
    MagicSchool,
    RangeKind,
    ScalingKind,
)

# Limits of the catalog's text columns, checked while reading so bad data fails with a clear error.
NAME_LENGTH = 160
SHORT_TEXT = 80
DICE_TEXT = 40

_SLUG_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def make_slug(kind: str, name: str) -> str | None:
    """``("spell", "fireball")`` -> ``"spell/fireball"``; None if ``name`` is not a clean slug."""
    slug = f"{kind}/{name}"
    if not _SLUG_NAME.match(name) or len(slug) > NAME_LENGTH:
        return None
    return slug


@dataclass(frozen=True)
class SourceDocument:
    """A published body of content and the terms it may be used under."""

    key: str  # stable, e.g. "srd-5.2"
    name: str
    license: str  # SPDX identifier
    license_url: str
    url: str
    attribution: str  # the notice the license requires wherever the content is shown


@dataclass(frozen=True)
class Provenance:
    """Where one entry came from: the document, and the dataset and record that carried it."""

    source: str  # the kind of content: "SRD" (later also "homebrew", "generated")
    document: SourceDocument
    dataset: str  # e.g. "open5e-srd-2024"
    source_key: str  # the record's key in that dataset, e.g. "srd-2024_fireball"


@dataclass(frozen=True)
class SpellScaling:
    """How a spell changes when cast with a higher slot or by a higher-level character."""

    kind: ScalingKind
    level: int
    damage_roll: str | None = None
    healing_roll: str | None = None
    target_count: int | None = None
    duration: str | None = None
    range: str | None = None
    concentration: bool | None = None
    area_size: int | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "level": self.level,
            "damage_roll": self.damage_roll,
            "healing_roll": self.healing_roll,
            "target_count": self.target_count,
            "duration": self.duration,
            "range": self.range,
            "concentration": self.concentration,
            "area_size": self.area_size,
            "note": self.note,
        }


@dataclass(frozen=True)
class SpellRecord:
    slug: str  # "spell/fireball"
    name: str
    level: int  # 0 for cantrips
    school: MagicSchool
    casting_time_unit: CastingTimeUnit
    casting_time_amount: int
    reaction_trigger: str | None
    ritual: bool
    range_kind: RangeKind
    range_feet: int | None
    range_text: str
    verbal: bool
    somatic: bool
    material: bool
    material_text: str | None
    material_consumed: bool
    duration: str
    concentration: bool
    class_keys: tuple[str, ...]  # class slugs, e.g. ("class/sorcerer", "class/wizard")
    saving_throw: Ability | None
    attack_roll: bool
    damage_roll: str | None
    damage_types: tuple[DamageType, ...]
    description: str | None  # None only where the dataset lacks the text
    higher_levels: str | None
    scaling: tuple[SpellScaling, ...]
    provenance: Provenance
    area_shape: AreaShape | None = None
    area_size_feet: int | None = None
    material_cost_gp: float | None = None  # what its priced components are worth, added up
    healing_roll: str | None = None  # healing dice, for spells that restore Hit Points


@dataclass(frozen=True)
class ClassRecord:
    slug: str  # "class/wizard"
    name: str
    hit_die: int
    primary_abilities: tuple[Ability, ...]
    primary_ability_any: bool  # True: any one of them suffices ("Strength or Dexterity")
    primary_ability_text: str
    saving_throws: tuple[Ability, ...]
    spellcasting_ability: Ability | None
    proficiencies: tuple[str, ...]  # granted outright, saving throws excluded
    proficiency_choices: tuple[str, ...]  # e.g. "Choose 2: Arcana, History, ..."
    subclasses: tuple[str, ...]
    description: str
    provenance: Provenance
    caster_kind: CasterKind = CasterKind.NONE
    # The class table: [{"level", "features": [feature slugs], "numbers": {...}}], level order.
    levels: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class EntryRecord:
    """One entry of any other kind: its identity plus its kind's own columns, ready to store.

    ``columns`` hold plain JSON-ready values (enum values as their slugs), named like the columns
    of the kind's table in ``subgraphs.catalog.models``.
    """

    kind: str  # "creature", "feat", ... (the slug prefix)
    slug: str  # "creature/goblin-warrior"
    name: str
    columns: Mapping[str, Any]
    provenance: Provenance

    def __getitem__(self, column: str) -> Any:
        return self.columns[column]


@dataclass
class ImportBundle:
    """Everything one import run will write, gathered and checked before the transaction opens."""

    documents: dict[str, SourceDocument] = field(default_factory=dict)
    spells: list[SpellRecord] = field(default_factory=list)
    classes: list[ClassRecord] = field(default_factory=list)
    entries: dict[str, list[EntryRecord]] = field(default_factory=dict)  # by kind
    files: list[str] = field(default_factory=list)  # the files read, for the report
    notices: list[str] = field(default_factory=list)  # gaps in the data worth a log line
    # Datasets this import carries whole: their stored entries it lacks are retired even when
    # it has no entry of that kind left (a third-party folder that dropped a file).
    complete_datasets: set[str] = field(default_factory=set)
