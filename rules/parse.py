"""JSON <-> ``Sheet``: read input files into the frozen base-data classes, and write them back.

``parse_sheet`` collects *every* problem (wrong type, unknown enum value, unknown field) with its
JSON path before raising ``SheetParseError``, so a user fixes a file in one pass. The format is
documented in ``rules/README.md`` with examples in ``rules/examples/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from enum import StrEnum
from typing import Any, TypeVar

from rules.enums import (
    Ability,
    Alignment,
    ArmorCategory,
    ClassId,
    Condition,
    DamageType,
    ImprovementKind,
    Mastery,
    ScoreMethod,
    Size,
    Skill,
    WeaponCategory,
    WeaponProperty,
)
from rules.equipment import ArmorStats, Item, ShieldStats, WeaponStats, catalog_item
from rules.errors import RuleError, SheetParseError
from rules.sheet import (
    BONUS_KINDS,
    COINS,
    DEFENSE_KINDS,
    AbilityScores,
    ArmorOptions,
    Background,
    Bonuses,
    ClassLevel,
    Currency,
    DeathSaves,
    Defenses,
    Feat,
    Identity,
    Improvement,
    PlayState,
    Proficiencies,
    Sheet,
    slugify,
)

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
_MISSING: Any = object()


class _Reader:
    """Reads typed values out of decoded JSON, recording errors instead of raising."""

    def __init__(self) -> None:
        self.errors: list[RuleError] = []

    def fail(self, path: str, code: str, message: str) -> None:
        self.errors.append(RuleError(path, code, message))

    def obj(self, value: object, path: str, allowed: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, "expected_object", f"{path or 'the sheet'} must be a JSON object")
            return None
        for key in value:
            if key not in allowed:
                self.fail(_join(path, str(key)), "unknown_field",
                          f"unknown field '{key}' (allowed: {', '.join(sorted(allowed))})")
        return value

    def get(self, data: Mapping[str, Any], key: str, path: str, required: bool) -> Any:
        if key not in data or data[key] is None:
            if required:
                self.fail(_join(path, key), "required", f"{_join(path, key)} is required")
            return _MISSING
        return data[key]

    def string(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False,
               default: str | None = None) -> str | None:
        value = self.get(data, key, path, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail(_join(path, key), "expected_string", f"{_join(path, key)} must be text")
            return default
        return value.strip()

    def integer(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False,
                default: int = 0) -> int:
        value = self.get(data, key, path, required)
        if value is _MISSING:
            return default
        return self.as_int(value, _join(path, key), default)

    def optional_integer(self, data: Mapping[str, Any], key: str, path: str) -> int | None:
        """A whole number, or None when the field is absent or null."""
        value = self.get(data, key, path, False)
        return None if value is _MISSING else self.as_int(value, _join(path, key))

    def as_int(self, value: Any, path: str, default: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "expected_integer", f"{path} must be a whole number")
            return default
        return value

    def number(self, data: Mapping[str, Any], key: str, path: str, default: float = 0.0) -> float:
        value = self.get(data, key, path, False)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(_join(path, key), "expected_number", f"{_join(path, key)} must be a number")
            return default
        return float(value)

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool = False) -> bool:
        value = self.get(data, key, path, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            full = _join(path, key)
            self.fail(full, "expected_boolean", f"{full} must be true or false")
            return default
        return value

    def enum(self, enum_cls: type[E], value: Any, path: str) -> E | None:
        if isinstance(value, str):
            normalized = value.strip().lower().replace("_", "-").replace(" ", "-")
            for member in enum_cls:
                if member.value == normalized:
                    return member
        choices = ", ".join(member.value for member in enum_cls)
        self.fail(path, f"unknown_{_snake(enum_cls.__name__)}",
                  f"{path}: '{value}' is not one of: {choices}")
        return None

    def enum_field(self, enum_cls: type[E], data: Mapping[str, Any], key: str, path: str, *,
                   required: bool = False) -> E | None:
        value = self.get(data, key, path, required)
        if value is _MISSING:
            return None
        return self.enum(enum_cls, value, _join(path, key))

    def array(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = self.get(data, key, path, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.fail(_join(path, key), "expected_array", f"{_join(path, key)} must be a list")
            return []
        return value

    def enum_set(self, enum_cls: type[E], data: Mapping[str, Any], key: str,
                 path: str) -> frozenset[E]:
        result: set[E] = set()
        for index, value in enumerate(self.array(data, key, path)):
            member = self.enum(enum_cls, value, f"{_join(path, key)}[{index}]")
            if member is not None:
                result.add(member)
        return frozenset(result)

    def string_set(self, data: Mapping[str, Any], key: str, path: str) -> frozenset[str]:
        result: set[str] = set()
        for index, value in enumerate(self.array(data, key, path)):
            if isinstance(value, str) and value.strip():
                result.add(value.strip())
            else:
                self.fail(f"{_join(path, key)}[{index}]", "expected_string",
                          f"{_join(path, key)}[{index}] must be text")
        return frozenset(result)

    def mapping(self, data: Mapping[str, Any], key: str, path: str,
                shape: str) -> tuple[dict[Any, Any], str]:
        """The object at ``key`` (empty when absent or not an object, which is reported as
        needing ``shape``) and its full path."""
        value = self.get(data, key, path, False)
        full = _join(path, key)
        if value is _MISSING:
            return {}, full
        if not isinstance(value, dict):
            self.fail(full, "expected_object", f"{full} must {shape}")
            return {}, full
        return value, full

    def ability_map(self, data: Mapping[str, Any], key: str, path: str) -> dict[Ability, int]:
        value, full = self.mapping(data, key, path, "map abilities to numbers")
        result: dict[Ability, int] = {}
        for raw, amount in value.items():
            ability = self.enum(Ability, raw, f"{full}.{raw}")
            number = self.as_int(amount, f"{full}.{raw}")
            if ability is not None:
                result[ability] = number
        return result

    def int_map(self, data: Mapping[str, Any], key: str, path: str) -> dict[int, int]:
        """An object whose keys are whole numbers written as strings: ``{"1": 2}``."""
        value, full = self.mapping(data, key, path, 'be an object like {"1": 2}')
        result: dict[int, int] = {}
        for raw, amount in value.items():
            try:
                number_key = int(str(raw).lstrip("d"))
            except ValueError:
                self.fail(f"{full}.{raw}", "expected_integer_key",
                          f"{full}: '{raw}' is not a number")
                continue
            result[number_key] = self.as_int(amount, f"{full}.{raw}")
        return result

    def str_int_map(self, data: Mapping[str, Any], key: str, path: str) -> dict[str, int]:
        value, full = self.mapping(data, key, path, "be an object")
        return {str(k): self.as_int(v, f"{full}.{k}") for k, v in value.items()}

    def choices(self, data: Mapping[str, Any], key: str, path: str) -> dict[str, tuple[str, ...]]:
        """``{"divine-order": "protector", "metamagic": ["quickened-spell", ...]}``: one slug or
        a list of slugs per choice id (as ``slugify`` spells them)."""
        value, full = self.mapping(data, key, path, "map choice ids to options")
        result: dict[str, tuple[str, ...]] = {}
        for choice, picked in value.items():
            items = [picked] if isinstance(picked, str) else picked
            if not isinstance(items, list) or not all(
                isinstance(item, str) and item.strip() for item in items
            ):
                self.fail(f"{full}.{choice}", "expected_string",
                          f"{full}.{choice} must be an option name or a list of them")
                continue
            result[slugify(str(choice))] = tuple(slugify(item) for item in items)
        return result

    def nested(self, data: Mapping[str, Any], key: str, path: str, allowed: set[str],
               build: Callable[[dict[str, Any], str], T], default: T,
               required: bool = False) -> T:
        value = self.get(data, key, path, required)
        if value is _MISSING:
            return default
        full = _join(path, key)
        obj = self.obj(value, full, allowed)
        return default if obj is None else build(obj, full)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


# ------------------------------------------------------------------ sections


def _identity(r: _Reader, d: dict[str, Any], p: str) -> Identity:
    return Identity(
        name=r.string(d, "name", p, required=True) or "",
        species=(r.string(d, "species", p, required=True) or "").lower(),
        lineage=r.string(d, "lineage", p),
        size=r.enum_field(Size, d, "size", p) or Size.MEDIUM,
        alignment=r.enum_field(Alignment, d, "alignment", p),
        lineage_ability=r.enum_field(Ability, d, "lineage_ability", p),
    )


def _class_level(r: _Reader, value: Any, p: str) -> ClassLevel | None:
    d = r.obj(value, p, {"class", "level", "subclass", "hp_rolls", "choices"})
    if d is None:
        return None
    class_id = r.enum_field(ClassId, d, "class", p, required=True)
    level = r.integer(d, "level", p, required=True, default=1)
    rolls_raw = r.get(d, "hp_rolls", p, False)
    rolls: tuple[int, ...] | None = None
    if rolls_raw is not _MISSING:
        if isinstance(rolls_raw, list):
            rolls = tuple(r.as_int(v, f"{p}.hp_rolls[{i}]") for i, v in enumerate(rolls_raw))
        else:
            r.fail(f"{p}.hp_rolls", "expected_array", f"{p}.hp_rolls must be a list of rolls")
    subclass = r.string(d, "subclass", p)
    choices = r.choices(d, "choices", p)
    if class_id is None:
        return None
    return ClassLevel(class_id, level, subclass.lower() if subclass else None, rolls, choices)


def _abilities(r: _Reader, d: dict[str, Any], p: str) -> AbilityScores:
    method = r.enum_field(ScoreMethod, d, "method", p, required=True) or ScoreMethod.MANUAL
    base = r.ability_map(d, "base", p)
    for ability in Ability:
        if ability not in base:
            r.fail(f"{p}.base.{ability.value}", "required",
                   f"{p}.base.{ability.value} is required (all six scores)")
    seed = r.get(d, "seed", p, False)
    if seed is _MISSING:
        seed = None
    elif isinstance(seed, bool) or not isinstance(seed, int | str):
        r.fail(f"{p}.seed", "expected_seed", f"{p}.seed must be a whole number or text")
        seed = None
    return AbilityScores(method, base, seed)


def _background(r: _Reader, d: dict[str, Any], p: str) -> Background:
    abilities = []
    for index, value in enumerate(r.array(d, "abilities", p)):
        member = r.enum(Ability, value, f"{p}.abilities[{index}]")
        if member is not None:
            abilities.append(member)
    return Background(
        name=r.string(d, "name", p, required=True) or "",
        abilities=tuple(abilities),
        increases=r.ability_map(d, "increases", p),
        feat=r.string(d, "feat", p),
    )


def _improvement(r: _Reader, value: Any, p: str) -> Improvement | None:
    d = r.obj(value, p, {"kind", "increases", "feat", "class", "class_level", "source"})
    if d is None:
        return None
    kind = r.enum_field(ImprovementKind, d, "kind", p, required=True)
    class_id = r.enum_field(ClassId, d, "class", p)
    class_level = r.optional_integer(d, "class_level", p)
    if kind is None:
        return None
    return Improvement(
        kind=kind,
        increases=r.ability_map(d, "increases", p),
        feat=r.string(d, "feat", p),
        class_id=class_id,
        class_level=class_level,
        source=r.string(d, "source", p) or "",
    )


def _proficiencies(r: _Reader, d: dict[str, Any], p: str) -> Proficiencies:
    return Proficiencies(
        skills=r.enum_set(Skill, d, "skills", p),
        expertise=r.enum_set(Skill, d, "expertise", p),
        saves=r.enum_set(Ability, d, "saves", p),
        tools=r.string_set(d, "tools", p),
        weapons=r.string_set(d, "weapons", p),
        armor=r.string_set(d, "armor", p),
        languages=r.string_set(d, "languages", p),
    )


_ITEM_FIELDS = {
    "ref", "name", "quantity", "weight", "equipped", "requires_attunement", "attuned",
    "magic_bonus", "armor", "shield", "weapon", "notes", "magic_item", "pact_weapon",
}  # fmt: skip


def _armor_stats(r: _Reader, d: dict[str, Any], p: str) -> ArmorStats | None:
    category = r.enum_field(ArmorCategory, d, "category", p, required=True)
    base = r.integer(d, "base_ac", p, required=True, default=10)
    if category is None:
        return None
    return ArmorStats(
        category, base, r.integer(d, "strength_requirement", p),
        r.boolean(d, "stealth_disadvantage", p),
    )


def _weapon_stats(r: _Reader, d: dict[str, Any], p: str) -> WeaponStats | None:
    category = r.enum_field(WeaponCategory, d, "category", p, required=True)
    damage_type = r.enum_field(DamageType, d, "damage_type", p, required=True)
    dice = r.string(d, "damage_dice", p, required=True)
    properties = r.enum_set(WeaponProperty, d, "properties", p)
    mastery = r.enum_field(Mastery, d, "mastery", p)
    if category is None or damage_type is None or dice is None:
        return None
    return WeaponStats(
        category=category,
        ranged=r.boolean(d, "ranged", p),
        damage_dice=dice,
        damage_type=damage_type,
        properties=properties,
        mastery=mastery,
        versatile_dice=r.string(d, "versatile_dice", p),
        normal_range=r.optional_integer(d, "normal_range", p),
        long_range=r.optional_integer(d, "long_range", p),
    )


_ARMOR_FIELDS = {"category", "base_ac", "strength_requirement", "stealth_disadvantage"}
_WEAPON_FIELDS = {
    "category", "ranged", "damage_dice", "damage_type", "properties", "mastery",
    "versatile_dice", "normal_range", "long_range",
}  # fmt: skip


def _item(r: _Reader, value: Any, p: str) -> Item | None:
    d = r.obj(value, p, _ITEM_FIELDS)
    if d is None:
        return None
    ref = r.string(d, "ref", p)
    item = Item(name="")
    if ref is not None:
        try:
            item = catalog_item(ref.lower())
        except KeyError:
            r.fail(f"{p}.ref", "unknown_item",
                   f"{p}.ref: '{ref}' is not a known item (e.g. weapon/longsword, armor/chain-mail,"
                   " shield)")
    name = r.string(d, "name", p, required=ref is None, default=item.name)
    item = replace(
        item,
        name=name or item.name,
        quantity=r.integer(d, "quantity", p, default=item.quantity),
        weight=r.number(d, "weight", p, default=item.weight),
        equipped=r.boolean(d, "equipped", p, default=item.equipped),
        requires_attunement=r.boolean(d, "requires_attunement", p, item.requires_attunement),
        attuned=r.boolean(d, "attuned", p, item.attuned),
        magic_bonus=r.integer(d, "magic_bonus", p, default=item.magic_bonus),
        magic_item=slugify(magic) if (magic := r.string(d, "magic_item", p)) else None,
        pact_weapon=r.boolean(d, "pact_weapon", p),
        notes=r.string(d, "notes", p) or "",
    )
    item = replace(
        item,
        armor=r.nested(d, "armor", p, _ARMOR_FIELDS, lambda o, q: _armor_stats(r, o, q),
                       item.armor),
        shield=r.nested(d, "shield", p, {"ac_bonus"},
                        lambda o, q: ShieldStats(r.integer(o, "ac_bonus", q, default=2)),
                        item.shield),
        weapon=r.nested(d, "weapon", p, _WEAPON_FIELDS, lambda o, q: _weapon_stats(r, o, q),
                        item.weapon),
    )
    return item


def _state(r: _Reader, d: dict[str, Any], p: str) -> PlayState:
    concentration_raw = r.get(d, "concentration", p, False)
    concentration: tuple[str, ...] = ()
    if isinstance(concentration_raw, str):
        concentration = (concentration_raw,) if concentration_raw.strip() else ()
    elif isinstance(concentration_raw, list):
        concentration = tuple(str(v) for v in concentration_raw)
    elif concentration_raw is not _MISSING:
        r.fail(f"{p}.concentration", "expected_string", f"{p}.concentration must be a spell name")
    death = r.nested(
        d, "death_saves", p, {"successes", "failures"},
        lambda o, q: DeathSaves(r.integer(o, "successes", q), r.integer(o, "failures", q)),
        DeathSaves(),
    )
    return PlayState(
        current_hp=r.optional_integer(d, "current_hp", p),
        temp_hp=r.integer(d, "temp_hp", p),
        hit_dice_spent=r.int_map(d, "hit_dice_spent", p),
        death_saves=death,
        stable=r.boolean(d, "stable", p),
        dead=r.boolean(d, "dead", p),
        conditions=r.enum_set(Condition, d, "conditions", p),
        exhaustion=r.integer(d, "exhaustion", p),
        concentration=concentration,
        slots_spent=r.int_map(d, "slots_spent", p),
        pact_slots_spent=r.integer(d, "pact_slots_spent", p),
        created_slots=r.int_map(d, "created_slots", p),
        resources_spent=r.str_int_map(d, "resources_spent", p),
        heroic_inspiration=r.boolean(d, "heroic_inspiration", p),
        active_effects=frozenset(slugify(v) for v in r.string_set(d, "active_effects", p)),
    )


_STATE_FIELDS = {
    "current_hp", "temp_hp", "hit_dice_spent", "death_saves", "stable", "dead", "conditions",
    "exhaustion", "concentration", "slots_spent", "pact_slots_spent", "created_slots",
    "resources_spent", "heroic_inspiration", "active_effects",
}  # fmt: skip
_TOP_FIELDS = {
    "identity", "classes", "abilities", "background", "improvements", "feats", "proficiencies",
    "equipment", "currency", "xp", "weapon_masteries", "bonuses", "defenses", "armor_options",
    "state", "$schema", "notes",
}  # fmt: skip


def parse_sheet(data: object) -> Sheet:
    """Build a ``Sheet`` from decoded JSON; raises ``SheetParseError`` listing every problem."""
    r = _Reader()
    top = r.obj(data, "", _TOP_FIELDS)
    if top is None:
        raise SheetParseError(r.errors)
    identity = r.nested(top, "identity", "",
                        {"name", "species", "lineage", "size", "alignment", "lineage_ability"},
                        lambda o, q: _identity(r, o, q), None, required=True)
    classes: list[ClassLevel] = []
    raw_classes = r.array(top, "classes", "")
    if not raw_classes and not any(e.path == "classes" for e in r.errors):
        r.fail("classes", "required", "classes must list at least one class")
    for index, value in enumerate(raw_classes):
        entry = _class_level(r, value, f"classes[{index}]")
        if entry is not None:
            classes.append(entry)
    abilities = r.nested(top, "abilities", "", {"method", "base", "seed"},
                         lambda o, q: _abilities(r, o, q), None, required=True)
    background = r.nested(top, "background", "", {"name", "abilities", "increases", "feat"},
                          lambda o, q: _background(r, o, q), None, required=True)
    improvements = [
        imp for index, value in enumerate(r.array(top, "improvements", ""))
        if (imp := _improvement(r, value, f"improvements[{index}]")) is not None
    ]
    feats: list[Feat] = []
    for index, value in enumerate(r.array(top, "feats", "")):
        path = f"feats[{index}]"
        if isinstance(value, str):
            feats.append(Feat(value))
        elif (obj := r.obj(value, path, {"name", "source"})) is not None:
            name = r.string(obj, "name", path, required=True)
            if name:
                feats.append(Feat(name, r.string(obj, "source", path) or ""))
    equipment = [
        item for index, value in enumerate(r.array(top, "equipment", ""))
        if (item := _item(r, value, f"equipment[{index}]")) is not None
    ]
    proficiencies = r.nested(
        top, "proficiencies", "",
        {"skills", "expertise", "saves", "tools", "weapons", "armor", "languages"},
        lambda o, q: _proficiencies(r, o, q), Proficiencies(),
    )
    currency = r.nested(
        top, "currency", "", set(COINS),
        lambda o, q: Currency(*(r.integer(o, k, q) for k in COINS)),
        Currency(),
    )
    bonuses = r.nested(
        top, "bonuses", "", set(BONUS_KINDS),
        lambda o, q: Bonuses(*(r.integer(o, k, q) for k in BONUS_KINDS)),
        Bonuses(),
    )
    defenses = r.nested(
        top, "defenses", "", set(DEFENSE_KINDS),
        lambda o, q: Defenses(*(frozenset(t.value for t in r.enum_set(DamageType, o, k, q))
                                for k in DEFENSE_KINDS)),
        Defenses(),
    )
    armor_options = r.nested(
        top, "armor_options", "", {"mage_armor", "natural_armor"},
        lambda o, q: ArmorOptions(
            r.boolean(o, "mage_armor", q),
            None if "natural_armor" not in o else r.integer(o, "natural_armor", q),
        ),
        ArmorOptions(),
    )
    state = r.nested(top, "state", "", _STATE_FIELDS, lambda o, q: _state(r, o, q), PlayState())
    xp = r.integer(top, "xp", "")
    masteries = r.string_set(top, "weapon_masteries", "")
    if r.errors or identity is None or abilities is None or background is None:
        raise SheetParseError(
            r.errors or [RuleError("", "invalid_sheet", "the sheet is incomplete")]
        )
    return Sheet(
        identity=identity,
        classes=tuple(classes),
        abilities=abilities,
        background=background,
        improvements=tuple(improvements),
        feats=tuple(feats),
        proficiencies=proficiencies,
        equipment=tuple(equipment),
        currency=currency,
        xp=xp,
        weapon_masteries=frozenset(m.lower() for m in masteries),
        bonuses=bonuses,
        defenses=defenses,
        armor_options=armor_options,
        state=state,
    )
