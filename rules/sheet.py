"""Base data of a character sheet: everything a player chooses or records.

Nothing here is computed. ``rules.derive.derive`` turns a ``Sheet`` into a ``DerivedSheet``;
``rules.validation.validate`` lists what is wrong with one; ``rules.transitions`` returns changed
copies (all dataclasses are frozen; use ``dataclasses.replace``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache

from rules.enums import (
    Ability,
    Alignment,
    ClassId,
    Condition,
    ImprovementKind,
    ScoreMethod,
    Size,
    Skill,
)
from rules.equipment import Item


@dataclass(frozen=True)
class Identity:
    name: str
    species: str  # slug, e.g. "human", "dwarf"; see rules.species
    lineage: str | None = None  # e.g. "high-elf", "red" dragon ancestry
    size: Size = Size.MEDIUM
    alignment: Alignment | None = None
    # Elf, Gnome and Tiefling lineage spells use Int, Wis or Cha, chosen with the lineage.
    lineage_ability: Ability | None = None


@dataclass(frozen=True)
class ClassLevel:
    """Levels taken in one class. The first entry of ``Sheet.classes`` is the starting class."""

    class_id: ClassId
    level: int
    subclass: str | None = None
    # Hit-point rolls for levels gained in this class after character level 1 (one per level,
    # in order). ``None`` means the fixed value was taken for every such level.
    hp_rolls: tuple[int, ...] | None = None
    # Options picked for the class's features (``rules.class_choices``): Divine Order,
    # Primal Order, Metamagic, Eldritch Invocations. Choice id -> option slugs.
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Background:
    name: str
    abilities: tuple[Ability, ...]  # the three abilities the background may raise
    increases: Mapping[Ability, int]  # +2/+1 or +1/+1/+1 among ``abilities``
    feat: str | None = None  # the Origin feat it grants


@dataclass(frozen=True)
class Improvement:
    """A later increase: Ability Score Improvement, feat or Epic Boon, with where it came from."""

    kind: ImprovementKind
    increases: Mapping[Ability, int] = field(default_factory=dict)
    feat: str | None = None  # the feat taken (None for a plain ASI)
    class_id: ClassId | None = None  # class whose feature granted it
    class_level: int | None = None  # level in that class at which it was taken
    source: str = ""  # free text for OTHER: "Manual of Bodily Health"


@dataclass(frozen=True)
class AbilityScores:
    method: ScoreMethod
    base: Mapping[Ability, int]
    # For ``rolled``: the seed the server rolled 4d6-drop-lowest with (``rules.creation``), so
    # the six scores can be checked against the roll. None: rolled at the table, not checked.
    seed: int | str | None = None


@dataclass(frozen=True)
class Proficiencies:
    """Proficiencies beyond the ones classes grant automatically (saves, armor, weapons)."""

    skills: frozenset[Skill] = frozenset()
    expertise: frozenset[Skill] = frozenset()
    saves: frozenset[Ability] = frozenset()  # extra saves (e.g. Resilient), on top of the class
    tools: frozenset[str] = frozenset()
    weapons: frozenset[str] = frozenset()  # "simple", "martial" or weapon slugs
    armor: frozenset[str] = frozenset()  # "light", "medium", "heavy", "shields"
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Currency:
    cp: int = 0
    sp: int = 0
    ep: int = 0
    gp: int = 0
    pp: int = 0

    @property
    def total_gp(self) -> float:
        return self.cp / 100 + self.sp / 10 + self.ep / 2 + self.gp + self.pp * 10

    @property
    def coin_count(self) -> int:
        return self.cp + self.sp + self.ep + self.gp + self.pp


@dataclass(frozen=True)
class Feat:
    """A feat not already recorded as a background feat or an Improvement (Fighting Style, ...)."""

    name: str
    source: str = ""


@dataclass(frozen=True)
class Bonuses:
    """Flat bonuses from sources the engine does not model (magic items, blessings)."""

    ac: int = 0
    speed: int = 0
    initiative: int = 0
    hp_per_level: int = 0
    saves: int = 0


@dataclass(frozen=True)
class Defenses:
    resistances: frozenset[str] = frozenset()  # damage type slugs
    vulnerabilities: frozenset[str] = frozenset()
    immunities: frozenset[str] = frozenset()


# The field names double as the JSON keys of these flat sections (parser and schema share them).
COINS: tuple[str, ...] = tuple(f.name for f in fields(Currency))
BONUS_KINDS: tuple[str, ...] = tuple(f.name for f in fields(Bonuses))
DEFENSE_KINDS: tuple[str, ...] = tuple(f.name for f in fields(Defenses))


@dataclass(frozen=True)
class ArmorOptions:
    """AC sources that are not items."""

    mage_armor: bool = False  # the spell is active: 13 + Dex while wearing no armor
    natural_armor: int | None = None  # a natural base AC, plus Dex, while wearing no armor


@dataclass(frozen=True)
class DeathSaves:
    successes: int = 0
    failures: int = 0


@dataclass(frozen=True)
class PlayState:
    """What changes at the table."""

    current_hp: int | None = None  # None = at maximum
    temp_hp: int = 0
    hit_dice_spent: Mapping[int, int] = field(default_factory=dict)  # die size -> spent
    death_saves: DeathSaves = DeathSaves()
    stable: bool = False
    dead: bool = False
    conditions: frozenset[Condition] = frozenset()
    exhaustion: int = 0
    concentration: tuple[str, ...] = ()  # at most one spell; a tuple so bad input is reportable
    slots_spent: Mapping[int, int] = field(default_factory=dict)  # spell level -> spent
    pact_slots_spent: int = 0
    # Spell slots made with Font of Magic (level -> count); they vanish on a Long Rest.
    created_slots: Mapping[int, int] = field(default_factory=dict)
    resources_spent: Mapping[str, int] = field(default_factory=dict)
    heroic_inspiration: bool = False
    # States switched on at the table (``rules.effects.ACTIVE_EFFECTS``): "rage",
    # "innate-sorcery", "large-form", ... Derivation applies what they change.
    active_effects: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Sheet:
    identity: Identity
    classes: tuple[ClassLevel, ...]
    abilities: AbilityScores
    background: Background
    improvements: tuple[Improvement, ...] = ()
    feats: tuple[Feat, ...] = ()
    proficiencies: Proficiencies = Proficiencies()
    equipment: tuple[Item, ...] = ()
    currency: Currency = Currency()
    xp: int = 0
    weapon_masteries: frozenset[str] = frozenset()  # weapon slugs/names whose mastery is known
    bonuses: Bonuses = Bonuses()
    defenses: Defenses = Defenses()
    armor_options: ArmorOptions = ArmorOptions()
    state: PlayState = PlayState()

    # A sheet never changes, so what is asked for again and again is worked out once.
    @cached_property
    def total_level(self) -> int:
        return sum(entry.level for entry in self.classes)

    def class_level(self, class_id: ClassId) -> int:
        return self._levels.get(class_id, 0)

    @cached_property
    def _levels(self) -> dict[ClassId, int]:
        result: dict[ClassId, int] = {}
        for entry in self.classes:
            result[entry.class_id] = result.get(entry.class_id, 0) + entry.level
        return result

    @property
    def levels_by_class(self) -> dict[ClassId, int]:
        return dict(self._levels)

    def all_feats(self) -> list[str]:
        """Slugs of every feat the character has, from any source."""
        return list(self.feat_slugs)

    @cached_property
    def feat_slugs(self) -> tuple[str, ...]:
        """``all_feats`` worked out once per (immutable) sheet: derivation asks often."""
        names: list[str] = []
        if self.background.feat:
            names.append(self.background.feat)
        names.extend(imp.feat for imp in self.improvements if imp.feat)
        names.extend(feat.name for feat in self.feats)
        return tuple(slugify(name) for name in names)

    def has_feat(self, slug: str) -> bool:
        return slug in self.feat_slugs


@lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """Lowercase hyphenated form used to match names: "Boon of Speed" -> "boon-of-speed"."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text.lower().replace("'", ""))
    return "-".join(cleaned.split())
