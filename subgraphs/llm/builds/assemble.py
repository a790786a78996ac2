"""Choices in, a rules-format character document out, checked by the rules engine.

The document follows ``python -m rules schema``: identity, classes (with the subclass from its
level), abilities by a legal method, the background with its +2/+1 and origin feat, skills,
Ability Score Improvements at the class's levels, fighting styles, equipment. Spells are not part
of that format; they are checked here against what the catalog says (class list, level) and what
rules/ counts (cantrips, prepared spells, the highest slot).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rules.abilities import NORMAL_CAP, STANDARD_ARRAY
from rules.classes import CLASSES
from rules.derive import derive
from rules.enums import Ability, ClassId, Size
from rules.errors import SheetParseError
from rules.parse import parse_sheet
from rules.species import species_info
from rules.spellcasting import (
    CasterLevels,
    cantrips_known,
    pact_slots,
    prepared_spells,
    spell_slots,
)
from rules.validation import validate
from subgraphs.llm.builds.choices import Choices, Proposal, RulesProblem
from subgraphs.llm.builds.facts import BackgroundFacts, CatalogFacts, SpellFacts

POINT_BUY = (15, 15, 15, 8, 8, 8)  # 27 points: three strong scores, three dump scores


def bare(slug: str) -> str:
    return slug.split("/", 1)[-1]


def class_id(choices: Choices) -> ClassId:
    return ClassId(bare(choices.class_slug))


def background_of(facts: CatalogFacts, slug: str) -> BackgroundFacts | None:
    return next((b for b in facts.backgrounds if b.slug == slug), None)


def base_scores(choices: Choices) -> dict[Ability, int]:
    order = list(choices.ability_priority) + [
        a for a in Ability if a not in choices.ability_priority
    ]
    values = POINT_BUY if choices.method == "point-buy" else STANDARD_ARRAY
    return dict(zip(order, values, strict=True))


def background_increases(
    background: BackgroundFacts, priority: Sequence[Ability]
) -> dict[Ability, int]:
    """+2 to the background ability the class needs most, +1 to the next."""
    ranked = sorted(background.abilities, key=lambda a: priority.index(a) if a in priority else 9)
    return {ranked[0]: 2, ranked[1]: 1}


def improvements(choices: Choices, scores: dict[Ability, int]) -> list[dict[str, Any]]:
    """Every Ability Score Improvement the class has reached, into the abilities that matter."""
    cid = class_id(choices)
    info = CLASSES[cid]
    order = list(choices.ability_priority) or list(Ability)
    made: list[dict[str, Any]] = []
    for level in info.asi_levels:
        if level > choices.level:
            break
        increases: dict[Ability, int] = {}
        room = [a for a in order if scores[a] < NORMAL_CAP]
        if room and scores[room[0]] <= NORMAL_CAP - 2:
            increases[room[0]] = 2
        elif len(room) >= 2:
            increases = {room[0]: 1, room[1]: 1}
        else:
            break  # no legal +2 or +1/+1 left: every score is at 20
        for ability, amount in increases.items():
            scores[ability] += amount
        made.append(
            {
                "kind": "asi",
                "class": cid.value,
                "class_level": level,
                "increases": {a.value: n for a, n in increases.items()},
            }
        )
    return made


def spell_limits(cid: ClassId, level: int) -> tuple[int, int, int]:
    """(cantrips, prepared spells, highest spell level) of a single-class character."""
    entry = CasterLevels(cid, level)
    if cid is ClassId.WARLOCK:
        highest = pact_slots(level).slot_level
    else:
        slots = spell_slots([entry])
        highest = max((n + 1 for n, count in enumerate(slots) if count), default=0)
    return cantrips_known(entry), prepared_spells(entry), highest


def magic_initiate_list(facts: CatalogFacts, choices: Choices) -> str | None:
    background = background_of(facts, choices.background_slug)
    return background.spell_list if background else None


def check_spells(
    facts: CatalogFacts, choices: Choices, spells: Sequence[SpellFacts]
) -> list[RulesProblem]:
    """Spells a character of these choices may have: the class's (counts and levels from
    rules/), plus a Magic Initiate background's two cantrips and one level 1 spell."""
    cid = class_id(choices)
    cantrips, prepared, highest = spell_limits(cid, choices.level)
    initiate = magic_initiate_list(facts, choices)
    problems: list[RulesProblem] = []
    counts = {"cantrip": 0, "spell": 0, "initiate-cantrip": 0, "initiate-spell": 0}
    for index, spell in enumerate(spells):
        path = f"spells[{index}]"
        kind = "cantrip" if spell.level == 0 else "spell"
        from_class = cid.value in spell.classes and spell.level <= highest
        if from_class and counts[kind] < (cantrips if kind == "cantrip" else prepared):
            counts[kind] += 1
            continue
        initiate_kind = f"initiate-{kind}"
        limit = 2 if kind == "cantrip" else 1
        if initiate in spell.classes and spell.level <= 1 and counts[initiate_kind] < limit:
            counts[initiate_kind] += 1
            continue
        problems.append(
            RulesProblem(
                path,
                "spell_not_available",
                f"{spell.name} (level {spell.level}) is not a {CLASSES[cid].name} spell this "
                f"character can have at level {choices.level}, nor a spare Magic Initiate pick.",
            )
        )
    return problems


def check_skills(facts: CatalogFacts, choices: Choices) -> list[RulesProblem]:
    """The class's skill choices: as many as it offers, from its list."""
    info = facts.classes.get(choices.class_slug)
    if info is None:
        return [
            RulesProblem("classes[0].class", "unknown_class", f"No class {choices.class_slug}.")
        ]
    problems = [
        RulesProblem(
            f"skills[{n}]",
            "skill_not_offered",
            f"{info.name} does not offer {skill.value} among its skill choices.",
        )
        for n, skill in enumerate(choices.skills)
        if info.skill_options and skill not in info.skill_options
    ]
    if len(set(choices.skills)) > info.skill_count:
        problems.append(
            RulesProblem(
                "skills",
                "too_many_skills",
                f"{info.name} chooses {info.skill_count} skills, not {len(set(choices.skills))}.",
            )
        )
    return problems


def _size(species: str) -> str:
    """Medium where the species allows it, else its only size."""
    info = species_info(species)
    if info is None or Size.MEDIUM in info.sizes:
        return Size.MEDIUM.value
    return sorted(size.value for size in info.sizes)[0]


def document(facts: CatalogFacts, choices: Choices) -> dict[str, Any]:
    cid = class_id(choices)
    background = background_of(facts, choices.background_slug)
    if background is None:
        raise KeyError(choices.background_slug)
    priority = list(choices.ability_priority)
    base = base_scores(choices)
    increases = background_increases(background, priority)
    scores = {a: base[a] + increases.get(a, 0) for a in Ability}
    skills = sorted({*background.skills, *choices.skills}, key=lambda s: s.value)
    entry: dict[str, Any] = {"class": cid.value, "level": choices.level}
    if choices.subclass_slug and choices.level >= CLASSES[cid].subclass_level:
        entry["subclass"] = bare(choices.subclass_slug)
    return {
        "identity": {
            "name": choices.name,
            "species": bare(choices.species_slug),
            "lineage": choices.lineage,
            "size": _size(bare(choices.species_slug)),
        },
        "classes": [entry],
        "abilities": {"method": choices.method, "base": {a.value: n for a, n in base.items()}},
        "background": {
            "name": background.name,
            "abilities": [a.value for a in background.abilities],
            "increases": {a.value: n for a, n in increases.items()},
            "feat": background.feat_name,
        },
        "improvements": improvements(choices, scores),
        "feats": [dict(feat) for feat in choices.feats],
        "proficiencies": {"skills": [s.value for s in skills], "languages": ["common"]},
        "equipment": [dict(item) for item in choices.equipment],
    }


def assemble(
    facts: CatalogFacts, choices: Choices, *, fit: float = 0.0, source: str = "planner"
) -> Proposal:
    """The proposal of these choices, with every problem rules/ and the spell checks find."""
    by_slug = {spell.slug: spell for spell in facts.spells}
    problems: list[RulesProblem] = []
    try:
        made = document(facts, choices)
    except (KeyError, ValueError) as exc:
        problem = RulesProblem("choices", "unknown_choice", f"Unknown choice: {exc}")
        return Proposal(choices, {}, choices.spells, (problem,), fit, source)
    spells = [by_slug[s] for s in choices.spells if s in by_slug]
    problems += [
        RulesProblem(f"spells[{n}]", "unknown_spell", f"{s} is not a catalog spell.")
        for n, s in enumerate(choices.spells)
        if s not in by_slug
    ]
    summary = ""
    try:
        sheet = parse_sheet(made)
        problems += [RulesProblem(e.path, e.code, e.message) for e in validate(sheet)]
        summary = derive(sheet).summary
    except SheetParseError as exc:
        problems += [RulesProblem(e.path, e.code, e.message) for e in exc.errors]
    problems += check_spells(facts, choices, spells)
    problems += check_skills(facts, choices)
    return Proposal(
        choices,
        made,
        tuple(s.slug for s in spells),
        tuple(problems),
        fit,
        source,
        summary=summary,
    )
