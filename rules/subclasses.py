"""The SRD 5.2 subclasses (one per class) and the features they grant by class level.

Subclasses outside the SRD are accepted by slug; they simply add no named features here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.enums import ClassId


@dataclass(frozen=True)
class SubclassInfo:
    slug: str
    name: str
    class_id: ClassId
    features: dict[int, tuple[str, ...]]


SUBCLASSES: dict[str, SubclassInfo] = {
    info.slug: info
    for info in (
        SubclassInfo("path-of-the-berserker", "Path of the Berserker", ClassId.BARBARIAN, {
            3: ("Frenzy",), 6: ("Mindless Rage",), 10: ("Retaliation",),
            14: ("Intimidating Presence",),
        }),
        SubclassInfo("college-of-lore", "College of Lore", ClassId.BARD, {
            3: ("Bonus Proficiencies", "Cutting Words"), 6: ("Magical Discoveries",),
            14: ("Peerless Skill",),
        }),
        SubclassInfo("life-domain", "Life Domain", ClassId.CLERIC, {
            3: ("Disciple of Life", "Life Domain Spells", "Preserve Life"),
            6: ("Blessed Healer",), 17: ("Supreme Healing",),
        }),
        SubclassInfo("circle-of-the-land", "Circle of the Land", ClassId.DRUID, {
            3: ("Circle of the Land Spells", "Land's Aid"), 6: ("Natural Recovery",),
            10: ("Nature's Ward",), 14: ("Nature's Sanctuary",),
        }),
        SubclassInfo("champion", "Champion", ClassId.FIGHTER, {
            3: ("Improved Critical", "Remarkable Athlete"), 7: ("Additional Fighting Style",),
            10: ("Heroic Warrior",), 15: ("Superior Critical",), 18: ("Survivor",),
        }),
        SubclassInfo("warrior-of-the-open-hand", "Warrior of the Open Hand", ClassId.MONK, {
            3: ("Open Hand Technique",), 6: ("Wholeness of Body",), 11: ("Fleet Step",),
            17: ("Quivering Palm",),
        }),
        SubclassInfo("oath-of-devotion", "Oath of Devotion", ClassId.PALADIN, {
            3: ("Oath of Devotion Spells", "Sacred Weapon"), 7: ("Aura of Devotion",),
            15: ("Smite of Protection",), 20: ("Holy Nimbus",),
        }),
        SubclassInfo("hunter", "Hunter", ClassId.RANGER, {
            3: ("Hunter's Lore", "Hunter's Prey"), 7: ("Defensive Tactics",),
            11: ("Superior Hunter's Prey",), 15: ("Superior Hunter's Defense",),
        }),
        SubclassInfo("thief", "Thief", ClassId.ROGUE, {
            3: ("Fast Hands", "Second-Story Work"), 9: ("Supreme Sneak",),
            13: ("Use Magic Device",), 17: ("Thief's Reflexes",),
        }),
        SubclassInfo("draconic-sorcery", "Draconic Sorcery", ClassId.SORCERER, {
            3: ("Draconic Resilience", "Draconic Spells"), 6: ("Elemental Affinity",),
            14: ("Dragon Wings",), 18: ("Dragon Companion",),
        }),
        SubclassInfo("fiend-patron", "Fiend Patron", ClassId.WARLOCK, {
            3: ("Dark One's Blessing", "Fiend Spells"), 6: ("Dark One's Own Luck",),
            10: ("Fiendish Resilience",), 14: ("Hurl Through Hell",),
        }),
        SubclassInfo("evoker", "Evoker", ClassId.WIZARD, {
            3: ("Evocation Savant", "Potent Cantrip"), 6: ("Sculpt Spells",),
            10: ("Empowered Evocation",), 14: ("Overchannel",),
        }),
    )
}  # fmt: skip


def subclass_info(slug: str | None) -> SubclassInfo | None:
    return SUBCLASSES.get(slug) if slug else None


def subclass_features_up_to(slug: str | None, level: int) -> list[tuple[int, str]]:
    """(level, feature name) pairs a known subclass grants from its first level to ``level``."""
    info = subclass_info(slug)
    if info is None:
        return []
    return [(lvl, name) for lvl, names in sorted(info.features.items()) if lvl <= level
            for name in names]
