"""Where a character's skill proficiencies and Expertise may come from, and whether the ones on
a sheet fit.

Each source that lets a player pick skills is a ``Grant``: the starting class (its count from
its list), a class taken later (Bard, Ranger, Rogue: one skill), Primal Knowledge (Barbarian 3:
one more from the Barbarian list), the background (its two skills;
a background outside the SRD: two of any), species traits (Human Skillful, Elf Keen Senses),
College of Lore's Bonus Proficiencies, and each Skilled feat. Expertise grants come from class
levels (Rogue 1 and 6, Bard 2 and 9, Ranger 2 and 9, Wizard 2's Scholar).

The skills on a sheet are legal when each can be assigned to a grant that offers it without any
grant giving more than its count: a bipartite matching, solved exactly (the sets are tiny).
Feats, species and backgrounds outside the SRD grant nothing the engine can see, except the
custom-background rule above.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rules.classes import CLASSES
from rules.creation_data import (
    ALL_SKILLS,
    BACKGROUNDS,
    CLASS_CREATION,
    CUSTOM_BACKGROUND_SKILLS,
    SPECIES_SKILLS,
)
from rules.enums import ClassId, Skill
from rules.errors import RuleError
from rules.sheet import Sheet, slugify

_ANY = frozenset(ALL_SKILLS)


@dataclass(frozen=True)
class Grant:
    source: str  # "Rogue level 1", "Background: Criminal", "Skillful (Human)", "Skilled"
    count: int
    options: frozenset[Skill]
    # Skilled may give tools instead of skills: an unused pick there is not a missing choice.
    optional: bool = False

    @property
    def any_skill(self) -> bool:
        return self.options == _ANY

    def describe(self) -> str:
        if self.any_skill:
            return f"{self.source}: {self.count} of any skill"
        listed = ", ".join(sorted(s.value for s in self.options))
        return f"{self.source}: {self.count} of {listed}"


def background_slug(name: str) -> str:
    return slugify(name)


def _feat_count(sheet: Sheet, slug: str) -> int:
    return sum(1 for feat in sheet.all_feats() if feat == slug)


def skill_grants(sheet: Sheet) -> tuple[Grant, ...]:
    grants: list[Grant] = []
    for index, entry in enumerate(sheet.classes):
        creation = CLASS_CREATION[entry.class_id]
        name = CLASSES[entry.class_id].name
        if index == 0:
            grants.append(Grant(f"{name} level 1", creation.skills.count,
                                frozenset(creation.skills.options)))
        elif creation.multiclass_skills is not None:
            grants.append(Grant(f"{name} (multiclass)", creation.multiclass_skills.count,
                                frozenset(creation.multiclass_skills.options)))
        if entry.class_id is ClassId.BARBARIAN and entry.level >= 3:
            grants.append(Grant("Barbarian level 3: Primal Knowledge", 1,
                                frozenset(creation.skills.options)))
        if entry.subclass == "college-of-lore" and entry.level >= 3:
            grants.append(Grant("College of Lore: Bonus Proficiencies", 3, _ANY))
    background = BACKGROUNDS.get(background_slug(sheet.background.name))
    if background is not None:
        grants.append(Grant(f"Background: {background.name}", len(background.skills),
                            frozenset(background.skills)))
    else:
        grants.append(Grant(f"Background: {sheet.background.name}", CUSTOM_BACKGROUND_SKILLS,
                            _ANY))
    species = SPECIES_SKILLS.get(sheet.identity.species)
    if species is not None:
        trait, choice = species
        grants.append(Grant(f"{trait} ({sheet.identity.species.title()})", choice.count,
                            frozenset(choice.options)))
    for _ in range(_feat_count(sheet, "skilled")):
        grants.append(Grant("Skilled (skills or tools)", 3, _ANY, optional=True))
    return tuple(grants)


# (class, class level, count, the skills it may pick; None = any skill proficiency)
_EXPERTISE: tuple[tuple[ClassId, int, int, frozenset[Skill] | None, str], ...] = (
    (ClassId.ROGUE, 1, 2, None, "Expertise"),
    (ClassId.ROGUE, 6, 2, None, "Expertise"),
    (ClassId.BARD, 2, 2, None, "Expertise"),
    (ClassId.BARD, 9, 2, None, "Expertise"),
    (ClassId.RANGER, 2, 1, None, "Deft Explorer"),
    (ClassId.RANGER, 9, 2, None, "Expertise"),
    (ClassId.WIZARD, 2, 1, frozenset({Skill.ARCANA, Skill.HISTORY, Skill.INVESTIGATION,
                                      Skill.MEDICINE, Skill.NATURE, Skill.RELIGION}), "Scholar"),
)


def expertise_grants(sheet: Sheet) -> tuple[Grant, ...]:
    levels = sheet.levels_by_class
    return tuple(
        Grant(f"{CLASSES[class_id].name} level {level}: {feature}", count,
              _ANY if options is None else options)
        for class_id, level, count, options, feature in _EXPERTISE
        if levels.get(class_id, 0) >= level
    )


def unassigned(chosen: Iterable[Skill], grants: Sequence[Grant]) -> list[Skill]:
    """The chosen skills that cannot all be given a grant at once (empty when they fit).

    Augmenting-path matching of skills to grant slots; deterministic (sorted order).
    """
    slots = [grant for grant in grants for _ in range(grant.count)]
    owner: list[Skill | None] = [None] * len(slots)

    def place(skill: Skill, seen: set[int]) -> bool:
        for index, slot in enumerate(slots):
            if index in seen or skill not in slot.options:
                continue
            seen.add(index)
            holder = owner[index]
            if holder is None or place(holder, seen):
                owner[index] = skill
                return True
        return False

    return [skill for skill in sorted(set(chosen)) if not place(skill, set())]


def _fit_errors(chosen: frozenset[Skill], grants: tuple[Grant, ...], *, path: str, noun: str,
                code: str, too_many: str) -> list[RuleError]:
    granted = ", ".join(g.describe() for g in grants) or "nothing"
    offered = frozenset().union(*(g.options for g in grants)) if grants else frozenset()
    errors = [
        RuleError(f"{path}.{skill.value}", f"{code}_not_granted",
                  f"Nothing this character has offers {noun} in {skill.value} "
                  f"(grants: {granted}).")
        for skill in sorted(chosen - offered)
    ]
    if errors:
        return errors
    allowed = sum(g.count for g in grants)
    if len(chosen) > allowed:
        return [RuleError(path, too_many,
                          f"{len(chosen)} {noun} choices are listed but the character's grants "
                          f"allow {allowed} ({granted}).")]
    return [
        RuleError(f"{path}.{skill.value}", f"{code}_not_assignable",
                  f"{skill.value} cannot be fitted: every grant that offers it is already used "
                  f"by the other choices ({granted}).")
        for skill in unassigned(chosen, grants)
    ]


def skill_errors(sheet: Sheet) -> list[RuleError]:
    """Skill proficiencies the character's grants cannot account for."""
    return _fit_errors(frozenset(sheet.proficiencies.skills), skill_grants(sheet),
                       path="proficiencies.skills", noun="skill proficiency", code="skill",
                       too_many="too_many_skills")


def expertise_errors(sheet: Sheet) -> list[RuleError]:
    """Expertise the character's class levels do not grant (proficiency is checked elsewhere)."""
    return _fit_errors(frozenset(sheet.proficiencies.expertise), expertise_grants(sheet),
                       path="proficiencies.expertise", noun="Expertise", code="expertise",
                       too_many="too_much_expertise")
