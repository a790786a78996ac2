"""The structure of each kind's mechanics: what fields a homebrew entry of that kind has.

``check_mechanics(kind, data)`` reads a JSON object field by field and returns the cleaned
mechanics (defaults filled in) or raises ``Rejected`` with one ``Problem`` per flaw, each naming
its field (``["input", "mechanics", "weapon", "damage_dice"]``). Unknown fields are flaws too:
they are usually typos. Field names follow the SRD tables' columns (``damage_roll``,
``challenge_rating``, ...), so an SRD entry's mechanics copy into an adaptation unchanged
(``SRD_FIELDS``). Game constants come from the rules engine and the catalog's enums; dice
notation is read by ``rules.dice``; Challenge Ratings are the ones ``rules.creatures`` knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from rules.creatures import challenge_ratings
from rules.dice import DiceNotationError, parse
from rules.enums import ClassId
from subgraphs.catalog.enums import (
    Ability,
    AreaShape,
    BonusTarget,
    CastingTimeUnit,
    Condition,
    CreatureType,
    DamageType,
    EquipmentCategory,
    FeatCategory,
    MagicItemCategory,
    MagicSchool,
    Mastery,
    MovementMode,
    RangeKind,
    Rarity,
    Sense,
    Size,
    Skill,
    WeaponCategory,
    WeaponProperty,
    WeaponReach,
)
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.kit.text import check_multi_line, check_single_line, check_single_lines

Path = tuple[str, ...]
BASE: Path = ("input", "mechanics")
_MISSING = object()


class Fields:
    """Reads one JSON object, collecting problems instead of stopping at the first."""

    def __init__(self, data: object, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.clean: dict[str, Any] = {}
        if isinstance(data, Mapping):
            self.data: Mapping[str, Any] = data
        else:
            self.data = {}
            self.fail((), "NOT_AN_OBJECT", "Expected a JSON object here.")
        self._seen: set[str] = set()

    def fail(self, where: Path, code: str, message: str) -> None:
        self.problems.append(Problem(self.path + where, code, message))

    def _get(self, name: str, required: bool, default: Any) -> Any:
        self._seen.add(name)
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.fail((name,), "REQUIRED", f"`{name}` is required.")
            return _MISSING if required else default
        return value

    def integer(
        self, name: str, low: int, high: int, *, required: bool = False, default: int | None = None
    ) -> int | None:
        value = self._get(name, required, default)
        if value is _MISSING or value is None:
            self.clean[name] = None if value is _MISSING else value
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail((name,), "OUT_OF_RANGE", f"`{name}` must be a whole number {low}-{high}.")
            return None
        self.clean[name] = value
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self._get(name, False, default)
        if not isinstance(value, bool):
            self.fail((name,), "NOT_A_BOOLEAN", f"`{name}` must be true or false.")
            return default
        self.clean[name] = value
        return value

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_length: int = 200,
        default: str | None = None,
        multi_line: bool = False,
    ) -> str | None:
        value = self._get(name, required, default)
        if value is _MISSING or value is None:
            self.clean[name] = None
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > max_length:
            self.fail((name,), "INVALID_TEXT", f"`{name}` must be text of 1-{max_length} chars.")
            return None
        check = check_multi_line if multi_line else check_single_line
        invalid = check(value, (*self.path, name))
        if invalid:
            self.problems.extend(invalid)
            return None
        self.clean[name] = value.strip()
        return value.strip()

    def choice(
        self,
        name: str,
        allowed: type[StrEnum],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        value = self._get(name, required, default)
        if value is _MISSING or value is None:
            self.clean[name] = None
            return None
        values = [member.value for member in allowed]
        if value not in values:
            self.fail((name,), "UNKNOWN_VALUE", f"`{name}` must be one of: {', '.join(values)}.")
            return None
        self.clean[name] = value
        return str(value)

    def choices(
        self, name: str, allowed: type[StrEnum], *, exactly: int | None = None
    ) -> list[str]:
        value = self._get(name, exactly is not None, [])
        if value is _MISSING:
            return []
        values = [member.value for member in allowed]
        if not isinstance(value, list) or any(v not in values for v in value):
            self.fail(
                (name,), "UNKNOWN_VALUE", f"`{name}` must list values from: {', '.join(values)}."
            )
            return []
        if len(set(value)) != len(value):
            self.fail((name,), "DUPLICATE_VALUE", f"`{name}` lists a value twice.")
        if exactly is not None and len(value) != exactly:
            self.fail((name,), "WRONG_COUNT", f"`{name}` must list exactly {exactly}.")
        self.clean[name] = list(value)
        return list(value)

    def strings(self, name: str, *, max_items: int = 10, max_length: int = 500) -> list[str]:
        value = self._get(name, False, [])
        good = isinstance(value, list) and len(value) <= max_items
        if not good or any(not isinstance(v, str) or len(v) > max_length for v in value):
            self.fail((name,), "NOT_A_LIST", f"`{name}`: at most {max_items} texts.")
            return []
        invalid = check_single_lines(value, (*self.path, name))
        if invalid:
            self.problems.extend(invalid)
            return []
        self.clean[name] = list(value)
        return list(value)

    def dice(self, name: str, *, required: bool = False) -> str | None:
        value = self._get(name, required, None)
        if value is _MISSING or value is None:
            self.clean[name] = None
            return None
        try:
            parse(str(value))
        except DiceNotationError as exc:
            self.fail((name,), "INVALID_DICE", f"`{name}`: {exc}")
            return None
        self.clean[name] = str(value).strip()
        return str(value).strip()

    def objects(
        self, name: str, read: Callable[[Fields], None], *, max_items: int = 50
    ) -> list[dict[str, Any]]:
        """A list of objects, each read by ``read`` at ``name.<index>``."""
        value = self._get(name, False, [])
        if not isinstance(value, list) or len(value) > max_items:
            self.fail((name,), "NOT_A_LIST", f"`{name}` must be a list of at most {max_items}.")
            return []
        items = []
        for index, item in enumerate(value):
            fields = Fields(item, (*self.path, name, str(index)), self.problems)
            read(fields)
            items.append(fields.done())
        self.clean[name] = items
        return items

    def nested(self, name: str, read: Callable[[Fields], None], *, required: bool = False) -> None:
        value = self._get(name, required, None)
        if value is _MISSING or value is None:
            self.clean[name] = None
            return
        fields = Fields(value, (*self.path, name), self.problems)
        read(fields)
        self.clean[name] = fields.done()

    def numbers_by(
        self, name: str, keys: type[StrEnum], low: int, high: int, *, all_keys: bool = False
    ) -> dict[str, int]:
        """An object from enum values to whole numbers (speeds, senses, ability scores)."""
        value = self._get(name, all_keys, {})
        if value is _MISSING:
            return {}
        allowed = [member.value for member in keys]
        if not isinstance(value, Mapping):
            self.fail((name,), "NOT_AN_OBJECT", f"`{name}` must be an object.")
            return {}
        clean: dict[str, int] = {}
        for key, number in value.items():
            if key not in allowed:
                self.fail(
                    (name, str(key)), "UNKNOWN_VALUE", f"Keys of `{name}`: {', '.join(allowed)}."
                )
            elif (
                isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high
            ):
                self.fail((name, key), "OUT_OF_RANGE", f"`{name}.{key}` must be {low}-{high}.")
            else:
                clean[key] = number
        missing = [key for key in allowed if key not in value]
        if all_keys and missing:
            self.fail((name,), "REQUIRED", f"`{name}` needs every one of: {', '.join(missing)}.")
        self.clean[name] = clean
        return clean

    def done(self) -> dict[str, Any]:
        for name in self.data:
            if name not in self._seen:
                self.fail((str(name),), "UNKNOWN_FIELD", f"`{name}` is not a field of this kind.")
        return self.clean


# --- one reader per kind -------------------------------------------------------------------


def _spell(f: Fields) -> None:
    level = f.integer("level", 0, 9, required=True)
    f.choice("school", MagicSchool, required=True)
    f.choice("casting_time_unit", CastingTimeUnit, default="action")
    f.integer("casting_time_amount", 1, 1000, default=1)
    f.text("reaction_trigger", max_length=500)
    ritual = f.boolean("ritual")
    range_kind = f.choice("range_kind", RangeKind, required=True)
    range_feet = f.integer("range_feet", 5, 100_000)
    f.boolean("verbal", True)
    f.boolean("somatic", True)
    material = f.boolean("material")
    material_text = f.text("material_text", max_length=500)
    f.boolean("material_consumed")
    f.text("duration", required=True, max_length=80)
    f.boolean("concentration")
    f.choice("saving_throw", Ability)
    f.boolean("attack_roll")
    damage = f.dice("damage_roll")
    damage_types = f.choices("damage_types", DamageType)
    f.dice("healing_roll")
    shape = f.choice("area_shape", AreaShape)
    size = f.integer("area_size_feet", 5, 10_000)
    f.text("higher_levels", max_length=2000, multi_line=True)
    if level == 0 and ritual:
        f.fail(("ritual",), "CANTRIP_RITUAL", "A cantrip cannot be cast as a ritual.")
    if range_kind == RangeKind.DISTANCE and range_feet is None:
        f.fail(("range_feet",), "REQUIRED", "A distance range needs `range_feet`.")
    if damage and not damage_types:
        f.fail(("damage_types",), "REQUIRED", "A spell that deals damage needs its damage types.")
    if material and not material_text:
        f.fail(("material_text",), "REQUIRED", "Say which material components it needs.")
    if (shape is None) != (size is None):
        f.fail(("area_size_feet",), "AREA_INCOMPLETE", "An area needs both a shape and a size.")


def _ability_minimum(f: Fields) -> None:
    f.choice("ability", Ability, required=True)
    f.integer("minimum", 1, 30, required=True)


# Minimum character level each feat category requires in the 2024 rules (None: no level).
FEAT_LEVELS = {"origin": None, "general": 4, "fighting-style": None, "epic-boon": 19}


def _feat(f: Fields) -> None:
    category = f.choice("category", FeatCategory, required=True)
    level = f.integer("minimum_level", 1, 20)
    f.text("required_feature", max_length=80)
    f.objects("ability_minimums", _ability_minimum, max_items=6)
    f.boolean("repeatable")
    f.choices("ability_increases", Ability)
    f.integer("ability_increase_amount", 1, 2)
    needed = FEAT_LEVELS.get(category or "")
    if needed is not None and (level is None or level < needed):
        f.fail(
            ("minimum_level",),
            "LEVEL_TOO_LOW",
            f"A {category} feat requires character level {needed} or higher.",
        )
    if category == "origin" and level is not None:
        f.fail(("minimum_level",), "ORIGIN_LEVEL", "Origin feats have no level prerequisite.")


def _effect(f: Fields) -> None:
    f.choice("target", BonusTarget, required=True)
    f.integer("bonus", 1, 10, required=True)


def _magic_item(f: Fields) -> None:
    f.choice("category", MagicItemCategory, required=True)
    rarity = f.choice("rarity", Rarity, required=True)
    attunement = f.boolean("requires_attunement")
    requirement = f.text("attunement_requirement", max_length=160)
    f.objects("effects", _effect, max_items=10)
    if rarity == Rarity.VARIES:
        f.fail(("rarity",), "UNKNOWN_VALUE", "Give one rarity; VARIES is for SRD item families.")
    if requirement and not attunement:
        f.fail(("attunement_requirement",), "NO_ATTUNEMENT", "It does not require attunement.")


def _weapon(f: Fields) -> None:
    f.choice("category", WeaponCategory, required=True)
    reach = f.choice("reach", WeaponReach, required=True)
    f.dice("damage_dice", required=True)
    f.choice("damage_type", DamageType, required=True)
    versatile = f.dice("versatile_dice")
    properties = f.choices("properties", WeaponProperty)
    f.choice("mastery", Mastery)
    normal = f.integer("range_normal", 5, 1000)
    long = f.integer("range_long", 5, 5000)
    if versatile and "versatile" not in properties:
        f.fail(("versatile_dice",), "NOT_VERSATILE", "Only a Versatile weapon has those dice.")
    if reach == WeaponReach.RANGED and normal is None:
        f.fail(("range_normal",), "REQUIRED", "A ranged weapon needs its normal range.")
    if normal is not None and long is not None and long < normal:
        f.fail(("range_long",), "RANGE_ORDER", "The long range cannot be below the normal one.")


def _armor(f: Fields) -> None:
    f.choice("category", _ArmorKind, required=True)
    f.integer("base_ac", 1, 25, required=True)
    dex = f.boolean("dex_bonus", True)
    cap = f.integer("dex_cap", 0, 10)
    f.integer("strength_minimum", 1, 30)
    f.boolean("stealth_disadvantage")
    if cap is not None and not dex:
        f.fail(("dex_cap",), "NO_DEX_BONUS", "A Dex cap needs `dex_bonus`.")


class _ArmorKind(StrEnum):
    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"
    SHIELD = "shield"


def _equipment(f: Fields) -> None:
    category = f.choice("category", EquipmentCategory, required=True)
    f.integer("cost_cp", 0, 100_000_000)
    f.integer("weight_lb", 0, 10_000)
    f.nested("weapon", _weapon, required=category == EquipmentCategory.WEAPON)
    f.nested("armor", _armor, required=category in (EquipmentCategory.ARMOR, "shield"))
    if category not in (EquipmentCategory.WEAPON, None) and f.clean.get("weapon"):
        f.fail(("weapon",), "NOT_A_WEAPON", "Only WEAPON equipment has weapon statistics.")


def _named_text(f: Fields) -> None:
    f.text("name", required=True, max_length=120)
    f.text("description", required=True, max_length=5000, multi_line=True)


def _species(f: Fields) -> None:
    f.choice("creature_type", CreatureType, default="humanoid")
    f.choices("sizes", _PlayableSize)
    f.integer("speed", 5, 120, required=True)
    f.integer("darkvision_feet", 5, 300)
    f.objects("traits", _named_text, max_items=12)
    if not f.clean.get("sizes"):
        f.fail(("sizes",), "REQUIRED", "A species needs at least one size.")


class _PlayableSize(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"


def _background(f: Fields) -> None:
    f.choices("abilities", Ability, exactly=3)
    feat = f.text("feat_slug", required=True, max_length=160)
    f.choices("skills", Skill, exactly=2)
    f.text("tool", max_length=160)
    f.strings("equipment_options", max_items=4)
    if feat and not feat.startswith("feat/"):
        f.fail(("feat_slug",), "NOT_A_FEAT", "Name the Origin feat by slug, e.g. feat/alert.")


def _subclass_feature(f: Fields) -> None:
    f.integer("level", 3, 20, required=True)
    _named_text(f)


CLASS_SLUGS = [f"class/{c.value}" for c in ClassId]


def _subclass(f: Fields) -> None:
    slug = f.text("class_slug", required=True, max_length=160)
    f.text("summary", max_length=2000, multi_line=True)
    features = f.objects("features", _subclass_feature, max_items=20)
    if slug is not None and slug not in CLASS_SLUGS:
        f.fail(("class_slug",), "UNKNOWN_CLASS", f"Use one of: {', '.join(CLASS_SLUGS)}.")
    if not features:
        f.fail(("features",), "REQUIRED", "A subclass grants at least one feature.")
    levels = [feature.get("level") or 0 for feature in features]
    if levels != sorted(levels):
        f.fail(("features",), "LEVEL_ORDER", "List features in level order.")


def _attack_action(f: Fields) -> None:
    _named_text(f)
    f.integer("attack_bonus", -5, 30)
    f.dice("damage_roll")
    f.choice("damage_type", DamageType)


CR_VALUES = {float(cr): cr for cr in challenge_ratings()}


def _creature(f: Fields) -> None:
    f.choice("size", Size, required=True)
    f.choice("creature_type", CreatureType, required=True)
    f.text("alignment", max_length=40, default="unaligned")
    f.integer("armor_class", 1, 30, required=True)
    f.integer("hit_dice_count", 1, 100, required=True)
    die = f.integer("hit_die", 4, 20, required=True)
    f.integer("hit_points_bonus", -100, 1000, default=0)
    f.numbers_by("speeds", MovementMode, 0, 300)
    f.numbers_by("ability_scores", Ability, 1, 30, all_keys=True)
    f.numbers_by("senses", Sense, 5, 1000)
    f.choices("damage_resistances", DamageType)
    f.choices("damage_immunities", DamageType)
    f.choices("damage_vulnerabilities", DamageType)
    f.choices("condition_immunities", Condition)
    f.objects("traits", _named_text, max_items=20)
    f.objects("actions", _attack_action, max_items=20)
    f._seen.add("challenge_rating")
    cr = f.data.get("challenge_rating")
    if isinstance(cr, int | float) and not isinstance(cr, bool) and float(cr) in CR_VALUES:
        f.clean["challenge_rating"] = float(cr)
    else:
        f.fail(
            ("challenge_rating",), "UNKNOWN_CR", "A Challenge Rating: 0, 0.125, 0.25, 0.5, 1-30."
        )
    if die is not None and die not in (4, 6, 8, 10, 12, 20):
        f.fail(("hit_die",), "UNKNOWN_DIE", "Hit Dice are d4, d6, d8, d10, d12 or d20.")


READERS: dict[str, Callable[[Fields], None]] = {
    "spell": _spell,
    "feat": _feat,
    "magic-item": _magic_item,
    "equipment": _equipment,
    "species": _species,
    "background": _background,
    "subclass": _subclass,
    "creature": _creature,
}
"""Every kind a homebrew entry may be, with the reader of its mechanics."""

# The SRD columns that make up each kind's mechanics, copied into a theme adaptation.
SRD_FIELDS: dict[str, tuple[str, ...]] = {
    "spell": (
        "level", "school", "casting_time_unit", "casting_time_amount", "reaction_trigger",
        "ritual", "range_kind", "range_feet", "verbal", "somatic", "material", "material_text",
        "material_consumed", "duration", "concentration", "saving_throw", "attack_roll",
        "damage_roll", "damage_types", "healing_roll", "area_shape", "area_size_feet",
        "higher_levels", "scaling", "material_cost_gp",
    ),
    "feat": (
        "category", "minimum_level", "required_feature", "ability_minimums", "repeatable",
        "prerequisite_text",
    ),
    "magic-item": (
        "category", "rarity", "requires_attunement", "attunement_requirement", "effects",
    ),
    "equipment": ("category", "cost_cp", "weight_lb", "weapon", "armor"),
    "species": ("creature_type", "sizes", "speed", "trait_slugs"),
    "background": (
        "abilities", "feat_slug", "skills", "tool", "tool_choice", "equipment_options",
    ),
    "subclass": ("class_slug", "summary", "features"),
    "creature": (
        "size", "creature_type", "subtype", "alignment", "armor_class", "hit_dice_count",
        "hit_die", "hit_points_bonus", "speeds", "ability_scores", "senses",
        "challenge_rating", "damage_vulnerabilities", "damage_resistances", "damage_immunities",
        "condition_immunities", "traits", "actions",
    ),
}  # fmt: skip


def check_mechanics(kind: str, data: object, base: Path = BASE) -> dict[str, Any]:
    """The cleaned mechanics of a ``kind`` entry, or ``Rejected`` listing every flaw."""
    read = READERS.get(kind)
    if read is None:
        raise Rejected(Problem(("input", "kind"), "UNKNOWN_KIND", f"Unknown kind {kind!r}."))
    problems: list[Problem] = []
    fields = Fields(data, base, problems)
    read(fields)
    clean = fields.done()
    if problems:
        raise Rejected(*problems)
    return clean


def srd_mechanics(kind: str, row: Any) -> dict[str, Any]:
    """An SRD entry's mechanics, as an adaptation of it carries them."""
    return {name: getattr(row, name) for name in SRD_FIELDS[kind]}
