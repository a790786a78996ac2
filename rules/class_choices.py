"""Named options a class feature makes the player pick, recorded per class on the sheet as
``classes[i].choices`` (``{"divine-order": ["thaumaturge"], "metamagic": [...]}``).

Each ``ChoiceSpec`` says which class and level unlock it, how many options the class level
allows, and which options exist (with their own level and invocation prerequisites, from the
SRD 5.2 class descriptions). ``rules.validation`` checks the sheet against these; ``rules.derive``
reads the choices that change numbers (Thaumaturge, Magician, Protector, Warden, Armor of
Shadows, Devil's Sight, Eldritch Mind, Gift of the Depths, Witch Sight, Thirsting Blade, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rules.enums import ClassId, DamageType


@dataclass(frozen=True)
class ChoiceOption:
    slug: str
    name: str
    min_level: int = 1  # class level needed
    requires: str | None = None  # another option of the same choice that must be taken
    repeatable: bool = False


@dataclass(frozen=True)
class ChoiceSpec:
    id: str
    name: str
    class_id: ClassId
    level: int  # class level at which the choice first appears
    count: Callable[[int], int]  # class level -> how many options may be chosen
    options: tuple[ChoiceOption, ...]
    subclass: str | None = None  # a subclass's choice (Circle of the Land's land type)

    def option(self, slug: str) -> ChoiceOption | None:
        return next((o for o in self.options if o.slug == slug), None)


def _one(level: int) -> int:
    return 1


def _metamagic_count(level: int) -> int:
    return 2 if level < 10 else 4 if level < 17 else 6


# Eldritch Invocations known by Warlock level (Warlock Features table).
INVOCATIONS_KNOWN = (1, 3, 3, 3, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10)


def _invocation_count(level: int) -> int:
    return INVOCATIONS_KNOWN[max(1, min(level, 20)) - 1]


def _options(*rows: tuple[str, int, str | None, bool]) -> tuple[ChoiceOption, ...]:
    return tuple(
        ChoiceOption(name.lower().replace("'", "").replace(" ", "-"), name, level, requires,
                     repeatable)
        for name, level, requires, repeatable in rows
    )


_BLADE = "pact-of-the-blade"
_CHAIN = "pact-of-the-chain"
_TOME = "pact-of-the-tome"

CHOICES: dict[str, ChoiceSpec] = {
    spec.id: spec
    for spec in (
        ChoiceSpec("divine-order", "Divine Order", ClassId.CLERIC, 1, _one, _options(
            ("Protector", 1, None, False), ("Thaumaturge", 1, None, False))),
        ChoiceSpec("primal-order", "Primal Order", ClassId.DRUID, 1, _one, _options(
            ("Magician", 1, None, False), ("Warden", 1, None, False))),
        ChoiceSpec("blessed-strikes", "Blessed Strikes", ClassId.CLERIC, 7, _one, _options(
            ("Divine Strike", 7, None, False), ("Potent Spellcasting", 7, None, False))),
        ChoiceSpec("elemental-fury", "Elemental Fury", ClassId.DRUID, 7, _one, _options(
            ("Potent Spellcasting", 7, None, False), ("Primal Strike", 7, None, False))),
        ChoiceSpec("land", "Circle of the Land: land type", ClassId.DRUID, 3, _one, _options(
            ("Arid", 3, None, False), ("Polar", 3, None, False), ("Temperate", 3, None, False),
            ("Tropical", 3, None, False)), subclass="circle-of-the-land"),
        ChoiceSpec("hunters-prey", "Hunter's Prey", ClassId.RANGER, 3, _one, _options(
            ("Colossus Slayer", 3, None, False), ("Horde Breaker", 3, None, False)),
            subclass="hunter"),
        ChoiceSpec("defensive-tactics", "Defensive Tactics", ClassId.RANGER, 7, _one, _options(
            ("Escape the Horde", 7, None, False), ("Multiattack Defense", 7, None, False)),
            subclass="hunter"),
        ChoiceSpec("elemental-affinity", "Elemental Affinity", ClassId.SORCERER, 6, _one,
                   _options(("Acid", 6, None, False), ("Cold", 6, None, False),
                            ("Fire", 6, None, False), ("Lightning", 6, None, False),
                            ("Poison", 6, None, False)), subclass="draconic-sorcery"),
        ChoiceSpec("fiendish-resilience", "Fiendish Resilience", ClassId.WARLOCK, 10, _one,
                   _options(*((t.value.title(), 10, None, False) for t in DamageType
                              if t is not DamageType.FORCE)), subclass="fiend-patron"),
        ChoiceSpec("metamagic", "Metamagic", ClassId.SORCERER, 2, _metamagic_count, _options(
            ("Careful Spell", 2, None, False), ("Distant Spell", 2, None, False),
            ("Empowered Spell", 2, None, False), ("Extended Spell", 2, None, False),
            ("Heightened Spell", 2, None, False), ("Quickened Spell", 2, None, False),
            ("Seeking Spell", 2, None, False), ("Subtle Spell", 2, None, False),
            ("Transmuted Spell", 2, None, False), ("Twinned Spell", 2, None, False))),
        ChoiceSpec("invocations", "Eldritch Invocations", ClassId.WARLOCK, 1, _invocation_count,
                   _options(
            ("Agonizing Blast", 2, None, True), ("Armor of Shadows", 1, None, False),
            ("Ascendant Step", 5, None, False), ("Devil's Sight", 2, None, False),
            ("Devouring Blade", 12, "thirsting-blade", False), ("Eldritch Mind", 1, None, False),
            ("Eldritch Smite", 5, _BLADE, False), ("Eldritch Spear", 2, None, True),
            ("Fiendish Vigor", 2, None, False), ("Gaze of Two Minds", 5, None, False),
            ("Gift of the Depths", 5, None, False), ("Gift of the Protectors", 9, _TOME, False),
            ("Investment of the Chain Master", 5, _CHAIN, False),
            ("Lessons of the First Ones", 2, None, True), ("Lifedrinker", 9, _BLADE, False),
            ("Mask of Many Faces", 2, None, False), ("Master of Myriad Forms", 5, None, False),
            ("Misty Visions", 2, None, False), ("One with Shadows", 5, None, False),
            ("Otherworldly Leap", 2, None, False), ("Pact of the Blade", 1, None, False),
            ("Pact of the Chain", 1, None, False), ("Pact of the Tome", 1, None, False),
            ("Repelling Blast", 2, None, True), ("Thirsting Blade", 5, _BLADE, False),
            ("Visions of Distant Realms", 9, None, False),
            ("Whispers of the Grave", 7, None, False),
            ("Witch Sight", 15, None, False))),
    )
}  # fmt: skip


def specs_for(class_id: ClassId) -> tuple[ChoiceSpec, ...]:
    return tuple(spec for spec in CHOICES.values() if spec.class_id is class_id)
