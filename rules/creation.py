"""Guided 2024 character creation: the legal choices for a partial draft, and a level-1 build
that is checked before it becomes a character.

A *draft* is any part of the sheet input format (``rules/README.md``) plus, optionally,
``"starting_equipment": {"class": "a", "background": "b"}``. The 2024 order is followed: class,
origin (background, species, languages), ability scores, then the choices they open up.

- ``creation_options(draft)``: every table a guided flow shows (classes, backgrounds, species,
  the three ability methods with point-buy costs and, given a seed, the rolled scores,
  languages, feats) and, for this draft, ``pending``: each step still open with how many
  choices remain and which options are legal now; ``problems``: what is already illegal.
- ``build_character(draft)``: fills in what the choices imply (the SRD background's abilities,
  feat, skills and tool; class tools and languages; Common; the items and gold of the chosen
  equipment options), then refuses anything illegal: ``validate`` of the result plus the
  creation rules (level 1, no manual scores, seeded rolls, skills and Expertise only from their
  grants, languages from the tables, feats only where granted, masteries within the class's
  scope, equipment only from the options). ``CreationResult.document`` is the sheet to store.

Rolled scores come from ``roll_ability_scores(seed)``: the server picks and records the seed
(never the client), so retrying cannot roll again.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules import abilities as ab
from rules.abilities import RolledScores, roll_ability_scores
from rules.class_choices import CHOICES
from rules.class_numbers import weapon_mastery_count
from rules.classes import CLASSES
from rules.creation_data import (
    BACKGROUNDS,
    CLASS_CREATION,
    COMMON,
    CREATION_LANGUAGES,
    LINEAGE_ABILITIES,
    LINEAGE_ABILITY_SPECIES,
    RARE_LANGUAGES,
    SPECIES_ORIGIN_FEAT,
    SPECIES_SKILLS,
    STANDARD_LANGUAGES,
    SUGGESTED_ARRAY,
    TOOL_KINDS,
    BackgroundCreation,
    ClassCreation,
    EquipmentOption,
    MasteryScope,
    StartingItem,
)
from rules.enums import Ability, ClassId, ScoreMethod, Size, Skill, WeaponCategory
from rules.equipment import catalog_item, catalog_refs
from rules.errors import RuleError, SheetParseError
from rules.feats import FEATS, FeatCategory, feat_info
from rules.grants import expertise_errors, expertise_grants, skill_errors, skill_grants
from rules.parse import parse_sheet
from rules.sheet import Sheet, slugify
from rules.species import SPECIES
from rules.species_traits import LINEAGES
from rules.validation import validate

CREATION_KEY = "starting_equipment"
CREATION_METHODS = (ScoreMethod.STANDARD_ARRAY, ScoreMethod.POINT_BUY, ScoreMethod.ROLLED)

# ------------------------------------------------------------------ what the options look like


@dataclass(frozen=True)
class SpeciesCreation:
    slug: str
    name: str
    sizes: tuple[Size, ...]
    lineages: tuple[str, ...]  # empty when the species has no lineage choice
    lineage_abilities: tuple[Ability, ...]  # Elf, Gnome, Tiefling: Int, Wis or Cha
    skill_trait: str | None  # "Skillful", "Keen Senses"
    skill_options: tuple[Skill, ...]
    origin_feat: bool  # Human Versatile


@dataclass(frozen=True)
class AbilityOptions:
    methods: tuple[ScoreMethod, ...]
    standard_array: tuple[int, ...]
    point_buy_costs: dict[int, int]
    point_buy_budget: int
    point_buy_spent: int | None  # of the draft's scores, when they are a point buy
    rolled: RolledScores | None  # for the draft's seed
    suggested: dict[Ability, int] | None  # the standard array as the class's table suggests
    increase_patterns: tuple[tuple[int, ...], ...]  # background: (2, 1) or (1, 1, 1)


@dataclass(frozen=True)
class Pending:
    """One step still open: how many choices remain, and the options legal now."""

    id: str  # "class", "class-skills", "languages", "divine-order", ...
    path: str  # where the answer goes in the draft
    source: str  # "Fighter level 1", "Background: Soldier", ...
    count: int
    options: tuple[str, ...]
    optional: bool = False  # may be left open (Skilled picks taken as tools)


@dataclass(frozen=True)
class CreationOptions:
    classes: tuple[ClassCreation, ...]
    backgrounds: tuple[BackgroundCreation, ...]
    species: tuple[SpeciesCreation, ...]
    abilities: AbilityOptions
    standard_languages: tuple[str, ...]
    rare_languages: tuple[str, ...]
    origin_feats: tuple[str, ...]
    fighting_styles: tuple[str, ...]
    pending: tuple[Pending, ...]
    problems: tuple[RuleError, ...]

    @property
    def complete(self) -> bool:
        return not self.problems and all(p.optional for p in self.pending)


@dataclass(frozen=True)
class CreationResult:
    document: dict[str, Any] | None  # the sheet to store, when there are no errors
    sheet: Sheet | None
    errors: tuple[RuleError, ...]
    pending: tuple[Pending, ...]


def _species_options() -> tuple[SpeciesCreation, ...]:
    result = []
    for slug, info in SPECIES.items():
        trait = SPECIES_SKILLS.get(slug)
        result.append(SpeciesCreation(
            slug=slug, name=info.name,
            sizes=tuple(s for s in Size if s in info.sizes),
            lineages=tuple(LINEAGES.get(slug, {})),
            lineage_abilities=LINEAGE_ABILITIES if slug in LINEAGE_ABILITY_SPECIES else (),
            skill_trait=trait[0] if trait else None,
            skill_options=trait[1].options if trait else (),
            origin_feat=slug in SPECIES_ORIGIN_FEAT,
        ))
    return tuple(result)


SPECIES_CREATION: tuple[SpeciesCreation, ...] = _species_options()
ORIGIN_FEATS = tuple(s for s, f in FEATS.items() if f.category is FeatCategory.ORIGIN)
FIGHTING_STYLES = tuple(s for s, f in FEATS.items() if f.category is FeatCategory.FIGHTING_STYLE)

# ------------------------------------------------------------------ reading a partial draft


@dataclass(frozen=True)
class _Draft:
    """The parts of a draft creation reads, tolerantly (bad values become problems)."""

    data: dict[str, Any]
    class_id: ClassId | None
    background: str | None  # name as written
    species: str | None
    method: ScoreMethod | None
    base: dict[Ability, int]
    seed: int | str | None
    skills: frozenset[Skill]
    expertise: frozenset[Skill]
    languages: frozenset[str]
    tools: frozenset[str]
    feats: tuple[str, ...]  # slugs of sheet.feats
    choices: Mapping[str, tuple[str, ...]]
    masteries: frozenset[str]
    equipment_choice: Mapping[str, str]
    problems: tuple[RuleError, ...]


def _enum_or_none(enum_cls: type[Any], value: Any) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return enum_cls(value.strip().lower().replace("_", "-").replace(" ", "-"))
    except ValueError:
        return None


def _section(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v.strip() for v in value if isinstance(v, str) and v.strip()] \
        if isinstance(value, list) else []


def _read(draft: Mapping[str, Any]) -> _Draft:
    problems: list[RuleError] = []
    data = copy.deepcopy(dict(draft)) if isinstance(draft, Mapping) else {}
    if not isinstance(draft, Mapping):
        problems.append(RuleError("", "expected_object", "The draft must be a JSON object."))
    classes = data.get("classes")
    first = classes[0] if isinstance(classes, list) and classes and isinstance(classes[0], dict) \
        else {}
    class_id = _enum_or_none(ClassId, first.get("class"))
    if first.get("class") is not None and class_id is None:
        problems.append(RuleError("classes[0].class", "unknown_class_id",
                                  f"'{first.get('class')}' is not a class."))
    raw_choices = first.get("choices")
    choices: dict[str, tuple[str, ...]] = {}
    if isinstance(raw_choices, dict):
        for key, value in raw_choices.items():
            values = [value] if isinstance(value, str) else _strings(value)
            choices[str(key).lower()] = tuple(slugify(v) for v in values)
    identity = _section(data, "identity")
    abilities = _section(data, "abilities")
    method = _enum_or_none(ScoreMethod, abilities.get("method"))
    base: dict[Ability, int] = {}
    for key, value in _section(abilities, "base").items():
        ability = _enum_or_none(Ability, key)
        if ability is not None and isinstance(value, int) and not isinstance(value, bool):
            base[ability] = value
    seed = abilities.get("seed")
    seed = seed if isinstance(seed, int | str) and not isinstance(seed, bool) else None
    profs = _section(data, "proficiencies")
    skills = frozenset(s for v in _strings(profs.get("skills"))
                       if (s := _enum_or_none(Skill, v)) is not None)
    expertise = frozenset(s for v in _strings(profs.get("expertise"))
                          if (s := _enum_or_none(Skill, v)) is not None)
    feats = tuple(slugify(f if isinstance(f, str) else str(f.get("name", "")))
                  for f in data.get("feats", []) if isinstance(f, str | dict)) \
        if isinstance(data.get("feats"), list) else ()
    species = identity.get("species")
    background = _section(data, "background").get("name")
    equipment_choice = {k: str(v).lower() for k, v in _section(data, CREATION_KEY).items()}
    return _Draft(
        data=data, class_id=class_id,
        background=background if isinstance(background, str) and background.strip() else None,
        species=species.strip().lower() if isinstance(species, str) and species.strip() else None,
        method=method, base=base, seed=seed, skills=skills, expertise=expertise,
        languages=frozenset(slugify(v) for v in _strings(profs.get("languages"))),
        tools=frozenset(_strings(profs.get("tools"))),
        feats=feats, choices=choices,
        masteries=frozenset(v.lower() for v in _strings(data.get("weapon_masteries"))),
        equipment_choice=equipment_choice, problems=tuple(problems),
    )


# ------------------------------------------------------------------ pieces of the flow


def mastery_weapons(class_id: ClassId) -> tuple[str, ...]:
    """Weapon slugs a level-1 character of the class may pick for Weapon Mastery."""
    creation = CLASS_CREATION[class_id]
    if creation.mastery_scope is None:
        return ()
    training = CLASSES[class_id].starting_training
    result = []
    for ref in catalog_refs():
        if not ref.startswith("weapon/"):
            continue
        weapon = catalog_item(ref).weapon
        assert weapon is not None
        if creation.mastery_scope is MasteryScope.MELEE and weapon.ranged:
            continue
        if creation.mastery_scope is MasteryScope.PROFICIENT and not (
            weapon.category in training.weapons or weapon.properties & training.martial_with
        ):
            continue
        if weapon.category not in (WeaponCategory.SIMPLE, WeaponCategory.MARTIAL):
            continue
        result.append(ref.split("/", 1)[1])
    return tuple(result)


def point_buy_spent(base: Mapping[Ability, int]) -> int | None:
    values = [base.get(a) for a in Ability]
    if any(v is None or v not in ab.POINT_BUY_COST for v in values):
        return None
    return ab.point_buy_cost(v for v in values if v is not None)


def _tools_of(kind: str, tools: frozenset[str]) -> list[str]:
    names = {slugify(name): name for name in TOOL_KINDS.get(kind, ())}
    return [tool for tool in sorted(tools) if slugify(tool) in names]


def _known_languages(d: _Draft) -> tuple[frozenset[str], int, tuple[str, ...]]:
    """(languages known without choosing, how many more to choose, the legal choices)."""
    fixed = {COMMON}
    extra_any = 0
    if d.class_id is not None:
        creation = CLASS_CREATION[d.class_id]
        fixed.update(creation.languages)
        extra_any = creation.extra_languages
    count = CREATION_LANGUAGES + extra_any
    options = STANDARD_LANGUAGES + (RARE_LANGUAGES if extra_any else ())
    return frozenset(fixed), count, tuple(o for o in options if o not in fixed)


def _pending(d: _Draft, sheet: Sheet | None) -> list[Pending]:
    out: list[Pending] = []
    creation = CLASS_CREATION.get(d.class_id) if d.class_id else None
    if creation is None:
        out.append(Pending("class", "classes[0].class", "Class", 1,
                           tuple(c.value for c in ClassId)))
    if d.background is None:
        out.append(Pending("background", "background.name", "Background", 1,
                           tuple(b.name for b in BACKGROUNDS.values())))
    increases = _section(_section(d.data, "background"), "increases")
    if d.background is not None and not increases:
        srd = BACKGROUNDS.get(slugify(d.background))
        abilities = srd.abilities if srd else tuple(Ability)
        options = tuple(a.value for a in abilities)
        out.append(Pending("background-increases", "background.increases",
                           f"Background: {d.background}", 3, options))
    species = SPECIES.get(d.species) if d.species else None
    if d.species is None:
        out.append(Pending("species", "identity.species", "Species", 1, tuple(SPECIES)))
    identity = _section(d.data, "identity")
    if d.species in LINEAGES and not identity.get("lineage"):
        out.append(Pending("lineage", "identity.lineage", species.name if species else "",
                           1, tuple(LINEAGES[d.species])))
    if d.species in LINEAGE_ABILITY_SPECIES and not identity.get("lineage_ability"):
        out.append(Pending("lineage-ability", "identity.lineage_ability",
                           species.name if species else "", 1,
                           tuple(a.value for a in LINEAGE_ABILITIES)))
    if species is not None and len(species.sizes) > 1 and not identity.get("size"):
        out.append(Pending("size", "identity.size", species.name, 1,
                           tuple(s.value for s in Size if s in species.sizes)))
    out.extend(_ability_pending(d))
    if sheet is not None:
        out.extend(_grant_pending(sheet, d))
    if creation is not None:
        out.extend(_class_pending(d, creation))
    fixed_languages, count, options = _known_languages(d)
    chosen = len(d.languages - fixed_languages)
    if chosen < count:
        out.append(Pending("languages", "proficiencies.languages", "Common plus two languages",
                           count - chosen, tuple(o for o in options if o not in d.languages)))
    if d.species in SPECIES_ORIGIN_FEAT and not any(
        (info := feat_info(f)) is not None and info.category is FeatCategory.ORIGIN
        for f in d.feats
    ):
        out.append(Pending("origin-feat", "feats", "Versatile (Human)", 1, ORIGIN_FEATS))
    return out


def _ability_pending(d: _Draft) -> list[Pending]:
    if d.method is None:
        return [Pending("ability-method", "abilities.method", "Ability scores", 1,
                        tuple(m.value for m in CREATION_METHODS))]
    if d.method is ScoreMethod.ROLLED and d.seed is None:
        return [Pending("ability-roll", "abilities.seed", "4d6, drop the lowest", 1, ())]
    missing = tuple(a.value for a in Ability if a not in d.base)
    if not missing:
        return []
    if d.method is ScoreMethod.STANDARD_ARRAY:
        left = list(ab.STANDARD_ARRAY)
        for value in d.base.values():
            if value in left:
                left.remove(value)
        values = tuple(str(v) for v in left)
    elif d.method is ScoreMethod.ROLLED and d.seed is not None:
        left = list(roll_ability_scores(d.seed).scores)
        for value in d.base.values():
            if value in left:
                left.remove(value)
        values = tuple(str(v) for v in left)
    else:
        spent = sum(ab.POINT_BUY_COST.get(v, 0) for v in d.base.values())
        budget = ab.POINT_BUY_BUDGET - spent
        values = tuple(str(score) for score, cost in ab.POINT_BUY_COST.items() if cost <= budget)
    return [Pending("ability-scores", "abilities.base", f"Ability scores ({d.method.value})",
                    len(missing), values)]


def _grant_pending(sheet: Sheet, d: _Draft) -> list[Pending]:
    """Skill and Expertise choices left, per grant (restrictive grants are filled first)."""
    out = []
    for noun, path, grants, chosen in (
        ("skills", "proficiencies.skills", skill_grants(sheet), sheet.proficiencies.skills),
        ("expertise", "proficiencies.expertise", expertise_grants(sheet),
         sheet.proficiencies.expertise),
    ):
        remaining = sorted(set(chosen))
        for grant in sorted(grants, key=lambda g: len(g.options)):
            taken = [s for s in remaining if s in grant.options][: grant.count]
            remaining = [s for s in remaining if s not in taken]
            left = grant.count - len(taken)
            if left <= 0:
                continue
            allowed = grant.options - chosen
            if noun == "expertise":
                allowed = allowed & sheet.proficiencies.skills
            out.append(Pending(noun, path, grant.source, left,
                               tuple(sorted(s.value for s in allowed)), grant.optional))
    return out


def _class_pending(d: _Draft, creation: ClassCreation) -> list[Pending]:
    out = []
    name = CLASSES[creation.class_id].name
    source = f"{name} level 1"
    labels = tuple(option.label for option in creation.equipment)
    if "class" not in d.equipment_choice:
        out.append(Pending("class-equipment", f"{CREATION_KEY}.class", source, 1, labels))
    background = BACKGROUNDS.get(slugify(d.background)) if d.background else None
    if background is not None and "background" not in d.equipment_choice:
        out.append(Pending("background-equipment", f"{CREATION_KEY}.background",
                           f"Background: {background.name}", 1,
                           tuple(o.label for o in background.equipment)))
    for tools, label in ((creation.tools, source),
                         (background.tools if background else None,
                          f"Background: {background.name}" if background else "")):
        if tools is None or not tools.count:
            continue
        have = sum(len(_tools_of(kind, d.tools)) for kind in tools.kinds)
        if have < tools.count:
            options = tuple(t for kind in tools.kinds for t in TOOL_KINDS[kind])
            out.append(Pending("tools", "proficiencies.tools", label, tools.count - have,
                               options))
    masteries = weapon_mastery_count(creation.class_id, 1)
    if masteries > len(d.masteries):
        out.append(Pending("weapon-masteries", "weapon_masteries", source,
                           masteries - len(d.masteries),
                           tuple(w for w in mastery_weapons(creation.class_id)
                                 if w not in d.masteries)))
    if creation.fighting_style and not any(f in FIGHTING_STYLES for f in d.feats):
        out.append(Pending("fighting-style", "feats", f"{name}: Fighting Style", 1,
                           FIGHTING_STYLES))
    for choice_id in (*creation.choices, *(s.id for s in CHOICES.values()
                                            if s.class_id is creation.class_id
                                            and s.level == 1 and s.id not in creation.choices)):
        spec = CHOICES[choice_id]
        left = spec.count(1) - len(d.choices.get(choice_id, ()))
        if left > 0:
            out.append(Pending(choice_id, f"classes[0].choices.{choice_id}",
                               f"{name}: {spec.name}", left,
                               tuple(o.slug for o in spec.options if o.min_level <= 1)))
    return out


# ------------------------------------------------------------------ building the character


def _item_dict(item: StartingItem, tools: frozenset[str]) -> dict[str, Any]:
    name = item.name
    if item.choice in TOOL_KINDS:
        picked = _tools_of(item.choice, tools)
        name = picked[0] if picked else name
    elif item.choice == "monk-tool":
        picked = _tools_of("artisans-tools", tools) + _tools_of("musical-instrument", tools)
        name = picked[0] if picked else name
    data: dict[str, Any] = {"name": name, "quantity": item.quantity}
    if item.ref is not None:
        data["ref"] = item.ref
    else:
        data["weight"] = item.weight
    return data


def starting_equipment(option: EquipmentOption, tools: frozenset[str] = frozenset()
                       ) -> list[dict[str, Any]]:
    """The option's items in the sheet's ``equipment`` format (refs where the tables know
    the item; the player's chosen instrument or gaming set named when it is among ``tools``)."""
    return [_item_dict(item, tools) for item in option.items]


def _option(options: tuple[EquipmentOption, ...], label: str | None) -> EquipmentOption | None:
    return next((o for o in options if o.label == label), None)


def _fill(d: _Draft) -> tuple[dict[str, Any], list[RuleError]]:
    """The draft with everything its choices imply filled in, and the problems doing so."""
    data = copy.deepcopy(d.data)
    data.pop(CREATION_KEY, None)
    errors: list[RuleError] = []
    classes = data.get("classes")
    if isinstance(classes, list) and classes and isinstance(classes[0], dict):
        classes[0].setdefault("level", 1)
    profs = data.setdefault("proficiencies", {})
    if not isinstance(profs, dict):
        return data, errors
    skills = set(_strings(profs.get("skills")))
    tools = set(_strings(profs.get("tools")))
    languages = {slugify(v) for v in _strings(profs.get("languages"))} | {COMMON}
    creation = CLASS_CREATION.get(d.class_id) if d.class_id else None
    background = BACKGROUNDS.get(slugify(d.background)) if d.background else None
    bg_data = data.get("background")
    if background is not None and isinstance(bg_data, dict):
        given = bg_data.setdefault("abilities", [a.value for a in background.abilities])
        if sorted(str(a).lower() for a in given) != sorted(a.value for a in background.abilities):
            errors.append(RuleError("background.abilities", "background_abilities_mismatch",
                                    f"{background.name} raises "
                                    f"{', '.join(a.value for a in background.abilities)}."))
        feat = bg_data.setdefault("feat", background.feat)
        if slugify(str(feat)) != slugify(background.feat):
            errors.append(RuleError("background.feat", "background_feat_mismatch",
                                    f"{background.name} grants {background.feat}."))
        skills |= {s.value for s in background.skills}
        tools |= set(background.tools.fixed)
    equipment: list[dict[str, Any]] = []
    gold = 0
    drafted_items = data.get("equipment")
    if drafted_items:
        errors.append(RuleError("equipment", "creation_equipment",
                                "Starting equipment comes from the class and background "
                                "options (starting_equipment); buy more after creation."))
    currency = data.get("currency")
    if isinstance(currency, dict) and any(currency.values()):
        errors.append(RuleError("currency", "creation_currency",
                                "Starting gold comes from the equipment options."))
    for key, options in (("class", creation.equipment if creation else ()),
                         ("background", background.equipment if background else ())):
        label = d.equipment_choice.get(key)
        if label is None:
            continue
        chosen = _option(options, label)
        if chosen is None:
            known = ", ".join(o.label for o in options) or "none"
            errors.append(RuleError(f"{CREATION_KEY}.{key}", "unknown_equipment_option",
                                    f"'{label}' is not a {key} equipment option ({known})."))
            continue
        equipment.extend(starting_equipment(chosen, frozenset(tools)))
        gold += chosen.gp
    _equip_ready(equipment)
    if creation is not None:
        tools |= set(creation.tools.fixed)
        languages |= set(creation.languages)
    profs["skills"] = sorted(skills)
    profs["tools"] = sorted(tools)
    profs["languages"] = sorted(languages)
    data["equipment"] = equipment
    data["currency"] = {"gp": gold}
    return data, errors


def _equip_ready(items: list[dict[str, Any]]) -> None:
    """Wear the first armor and shield and hold the first weapon, so the new sheet shows its
    AC and an attack; equip and unequip change it afterwards."""
    seen: set[str] = set()
    for item in items:
        ref = item.get("ref", "")
        kind = "shield" if ref == "shield" else ref.split("/", 1)[0] if "/" in ref else ""
        if kind and kind not in seen:
            item["equipped"] = True
            seen.add(kind)


def _creation_rules(sheet: Sheet, d: _Draft) -> list[RuleError]:
    errors: list[RuleError] = []
    if len(sheet.classes) != 1 or sheet.classes[0].level != 1:
        errors.append(RuleError("classes", "creation_level",
                                "A new character starts with one class at level 1."))
    if sheet.abilities.method not in CREATION_METHODS:
        errors.append(RuleError("abilities.method", "creation_method",
                                "Choose the standard array, point buy or rolled scores."))
    if sheet.abilities.method is ScoreMethod.ROLLED and sheet.abilities.seed is None:
        errors.append(RuleError("abilities.seed", "rolled_seed_missing",
                                "Rolled scores need the seed the server rolled them with."))
    if sheet.xp:
        errors.append(RuleError("xp", "creation_xp", "A new character has 0 XP."))
    if sheet.improvements:
        errors.append(RuleError("improvements", "creation_improvements",
                                "Ability Score Improvements come with later levels."))
    errors.extend(skill_errors(sheet))
    errors.extend(expertise_errors(sheet))
    errors.extend(_language_errors(sheet, d))
    errors.extend(_feat_grant_errors(sheet))
    errors.extend(_mastery_errors(sheet))
    return errors


def _language_errors(sheet: Sheet, d: _Draft) -> list[RuleError]:
    fixed, count, options = _known_languages(d)
    chosen = {slugify(lang) for lang in sheet.proficiencies.languages} - fixed
    errors = [
        RuleError(f"proficiencies.languages.{lang}", "language_not_available",
                  f"'{lang}' is not a language this character can choose at creation "
                  f"({', '.join(options)}).")
        for lang in sorted(chosen - set(options))
    ]
    if len(chosen) > count:
        errors.append(RuleError("proficiencies.languages", "too_many_languages",
                                f"Common plus {count} chosen languages; {len(chosen)} are "
                                "chosen."))
    return errors


def _feat_grant_errors(sheet: Sheet) -> list[RuleError]:
    """At level 1, extra feats come only from Human Versatile (an Origin feat) and the
    Fighter's Fighting Style."""
    slots: list[tuple[str, FeatCategory]] = []
    if sheet.identity.species in SPECIES_ORIGIN_FEAT:
        slots.append(("Versatile (Human)", FeatCategory.ORIGIN))
    if CLASS_CREATION[sheet.classes[0].class_id].fighting_style:
        slots.append(("Fighting Style", FeatCategory.FIGHTING_STYLE))
    errors = []
    for index, feat in enumerate(sheet.feats):
        info = feat_info(slugify(feat.name))
        slot = next((s for s in slots if info is None or s[1] is info.category), None)
        if slot is None:
            errors.append(RuleError(f"feats[{index}]", "feat_not_granted",
                                    f"Nothing at level 1 grants {feat.name} "
                                    f"(open: {', '.join(s[0] for s in slots) or 'none'})."))
        else:
            slots.remove(slot)
    return errors


def _mastery_errors(sheet: Sheet) -> list[RuleError]:
    allowed = set(mastery_weapons(sheet.classes[0].class_id))
    return [
        RuleError("weapon_masteries", "mastery_not_allowed",
                  f"{CLASSES[sheet.classes[0].class_id].name} Weapon Mastery cannot pick "
                  f"'{weapon}'.")
        for weapon in sorted(sheet.weapon_masteries)
        if weapon not in allowed
    ]


def _sheet_or_errors(data: dict[str, Any]) -> tuple[Sheet | None, list[RuleError]]:
    try:
        return parse_sheet(data), []
    except SheetParseError as exc:
        return None, list(exc.errors)


def build_character(draft: Mapping[str, Any], *, require_complete: bool = True
                    ) -> CreationResult:
    """A level-1 character from a finished draft, or every reason it cannot be one.

    With ``require_complete`` (the default) every open step is an error too (code
    ``choice_missing``), so a guided flow cannot skip a choice.
    """
    d = _read(draft)
    data, errors = _fill(d)
    errors = list(d.problems) + errors
    sheet, parse_errors = _sheet_or_errors(data)
    errors.extend(parse_errors)
    if sheet is not None:
        errors.extend(validate(sheet))
        errors.extend(_creation_rules(sheet, d))
    pending = tuple(_pending(d, sheet))
    if require_complete:
        errors.extend(RuleError(p.path, "choice_missing",
                                f"Still to choose: {p.count} for {p.source} ({p.id}).")
                      for p in pending if not p.optional)
    unique = tuple(dict.fromkeys(errors))
    if unique:
        return CreationResult(None, None, unique, pending)
    return CreationResult(data, sheet, (), pending)


def creation_options(draft: Mapping[str, Any] | None = None) -> CreationOptions:
    """Everything a guided flow offers, and for ``draft`` what is still open and what is
    already illegal (problems name the draft's field paths)."""
    d = _read(draft or {})
    data, fill_errors = _fill(d)
    sheet, _parse_errors = _sheet_or_errors(data)
    problems = list(d.problems) + fill_errors
    if sheet is not None:
        problems.extend(validate(sheet))
        problems.extend(_creation_rules(sheet, d))
    else:
        problems.extend(_partial_problems(d))
    suggested = None
    if d.class_id is not None:
        suggested = dict(zip(Ability, SUGGESTED_ARRAY[d.class_id], strict=True))
    return CreationOptions(
        classes=tuple(CLASS_CREATION.values()),
        backgrounds=tuple(BACKGROUNDS.values()),
        species=SPECIES_CREATION,
        abilities=AbilityOptions(
            methods=CREATION_METHODS,
            standard_array=ab.STANDARD_ARRAY,
            point_buy_costs=dict(ab.POINT_BUY_COST),
            point_buy_budget=ab.POINT_BUY_BUDGET,
            point_buy_spent=point_buy_spent(d.base) if d.method is ScoreMethod.POINT_BUY
            else None,
            rolled=roll_ability_scores(d.seed) if d.seed is not None else None,
            suggested=suggested,
            increase_patterns=((2, 1), (1, 1, 1)),
        ),
        standard_languages=(COMMON, *STANDARD_LANGUAGES),
        rare_languages=RARE_LANGUAGES,
        origin_feats=ORIGIN_FEATS,
        fighting_styles=FIGHTING_STYLES,
        pending=tuple(_pending(d, sheet)),
        problems=tuple(dict.fromkeys(problems)),
    )


def _partial_problems(d: _Draft) -> list[RuleError]:
    """What is already wrong in a draft too incomplete to be a sheet."""
    out: list[RuleError] = []
    if d.method is not None and d.method not in CREATION_METHODS:
        out.append(RuleError("abilities.method", "creation_method",
                             "Choose the standard array, point buy or rolled scores."))
    if d.method is ScoreMethod.POINT_BUY:
        for ability, value in d.base.items():
            if value not in ab.POINT_BUY_COST:
                out.append(RuleError(f"abilities.base.{ability.value}", "point_buy_out_of_range",
                                     f"Point buy scores must be 8-15, not {value}."))
        spent = sum(ab.POINT_BUY_COST.get(v, 0) for v in d.base.values())
        if spent > ab.POINT_BUY_BUDGET:
            out.append(RuleError("abilities.base", "point_buy_over_budget",
                                 f"These scores cost {spent} points; the budget is "
                                 f"{ab.POINT_BUY_BUDGET}."))
    if d.method is ScoreMethod.STANDARD_ARRAY:
        left = list(ab.STANDARD_ARRAY)
        for ability, value in d.base.items():
            if value in left:
                left.remove(value)
            else:
                out.append(RuleError(f"abilities.base.{ability.value}", "standard_array_mismatch",
                                     f"{value} is not left in the standard array."))
    return out
