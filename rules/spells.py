"""Spells on a sheet (``spells``: name, class, prepared, source) against the class spell lists.

Class lists reach validation in two ways: the SRD 5.2 lists are embedded (``spell_lists.py``),
and a caller that knows more spells (the catalog: homebrew, third-party) passes a
``SpellIndex`` (spell slug -> level and classes) that is consulted first. A spell in neither is
``unknown_spell``.

A spell tied to a class (``class``) must be on that class's list (a Bard of level 10 may use the
Cleric, Druid and Wizard lists too: Magical Secrets; a Warlock with Pact of the Tome may take
cantrips from any list), of a level the class can cast (its own slot table as if single-classed;
a Warlock's pact slot level, and levels 6-9 through Mystic Arcanum, ``source: "Mystic
Arcanum"``), and the class's cantrips and prepared spells may not exceed its table. A spell with
another ``source`` (a feat such as Magic Initiate, a species lineage, a subclass's always-prepared
list) counts against no table; only its existence is checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rules.classes import CasterType
from rules.enums import ClassId
from rules.errors import RuleError
from rules.sheet import Sheet, SpellEntry, slugify
from rules.spell_lists import SRD_SPELL_LISTS
from rules.spellcasting import (
    CasterLevels,
    cantrips_known,
    caster_type,
    pact_slots,
    prepared_spells,
    single_class_caster_level,
    slots_for_caster_level,
)


@dataclass(frozen=True)
class SpellFacts:
    level: int  # 0 for a cantrip
    classes: frozenset[ClassId]


SpellIndex = Mapping[str, SpellFacts]

SRD_SPELLS: dict[str, SpellFacts] = {
    slug: SpellFacts(level, frozenset(ClassId(c) for c in classes.split()))
    for level, spells in SRD_SPELL_LISTS.items()
    for slug, classes in spells.items()
}

MAGICAL_SECRETS_LEVEL = 10
_MAGICAL_SECRETS = frozenset({ClassId.BARD, ClassId.CLERIC, ClassId.DRUID, ClassId.WIZARD})
# Mystic Arcanum: the spell level each Warlock level unlocks.
MYSTIC_ARCANUM = {6: 11, 7: 13, 8: 15, 9: 17}
MYSTIC_ARCANUM_SOURCE = "mystic-arcanum"


def spell_facts(name: str, index: SpellIndex | None = None) -> SpellFacts | None:
    slug = slugify(name)
    if index is not None and slug in index:
        return index[slug]
    return SRD_SPELLS.get(slug)


def highest_spell_level(entry: CasterLevels) -> int:
    """The highest spell level a class can prepare, as if single-classed (0: cantrips only)."""
    if entry.class_id is ClassId.WARLOCK:
        return pact_slots(entry.level).slot_level
    slots = slots_for_caster_level(single_class_caster_level(entry))
    return max((level for level, count in enumerate(slots, start=1) if count), default=0)


def class_spell_lists(sheet: Sheet, class_id: ClassId) -> frozenset[ClassId]:
    """The lists a class's spells may come from (Magical Secrets widens the Bard's)."""
    if class_id is ClassId.BARD and sheet.class_level(ClassId.BARD) >= MAGICAL_SECRETS_LEVEL:
        return _MAGICAL_SECRETS
    return frozenset({class_id})


def _on_list(sheet: Sheet, spell: SpellEntry, facts: SpellFacts) -> bool:
    assert spell.class_id is not None
    if facts.classes & class_spell_lists(sheet, spell.class_id):
        return True
    # Pact of the Tome: three cantrips from any class's list.
    tome = any(e.class_id is ClassId.WARLOCK and "pact-of-the-tome" in
               e.choices.get("invocations", ()) for e in sheet.classes)
    return spell.class_id is ClassId.WARLOCK and tome and facts.level == 0


def spell_errors(sheet: Sheet, index: SpellIndex | None = None,
                 tables: Mapping[ClassId, tuple[int, int]] | None = None) -> Iterator[RuleError]:
    """Every way the sheet's spells break the class lists and tables. ``tables`` gives each
    class's (cantrips, prepared) when features change them (the derived sheet's numbers);
    otherwise the class tables apply."""
    entries = {e.class_id: CasterLevels(e.class_id, e.level, e.subclass) for e in sheet.classes}
    cantrips: Counter[ClassId] = Counter()
    prepared: Counter[ClassId] = Counter()
    seen: set[tuple[str, ClassId | None]] = set()
    for position, spell in enumerate(sheet.spells):
        path = f"spells[{position}]"
        facts = spell_facts(spell.name, index)
        if facts is None:
            yield RuleError(f"{path}.name", "unknown_spell",
                            f"'{spell.name}' is not an SRD spell, nor one the caller's spell "
                            "index knows.")
            continue
        key = (slugify(spell.name), spell.class_id)
        if key in seen:
            yield RuleError(f"{path}.name", "spell_repeated", f"{spell.name} is listed twice.")
        seen.add(key)
        if spell.class_id is None:
            continue
        caster = entries.get(spell.class_id)
        if caster is None or caster_type(caster) is CasterType.NONE:
            yield RuleError(f"{path}.class", "spell_class_not_taken",
                            f"The character has no spellcasting {spell.class_id.value} levels.")
            continue
        if not _on_list(sheet, spell, facts):
            yield RuleError(f"{path}.name", "spell_not_on_class_list",
                            f"{spell.name} is not on the {spell.class_id.value} spell list.")
        yield from _level_errors(path, spell, facts, caster)
        if spell.source:
            continue
        if facts.level == 0:
            cantrips[spell.class_id] += 1
        elif spell.prepared:
            prepared[spell.class_id] += 1
    for class_id, caster in entries.items():
        known, ready = (tables or {}).get(
            class_id, (cantrips_known(caster), prepared_spells(caster)))
        allowed = known
        if cantrips[class_id] > allowed:
            yield RuleError("spells", "too_many_cantrips",
                            f"{class_id.value.title()} level {caster.level} knows {allowed} "
                            f"cantrips; {cantrips[class_id]} are listed.")
        allowed = ready
        if prepared[class_id] > allowed:
            yield RuleError("spells", "too_many_prepared",
                            f"{class_id.value.title()} level {caster.level} prepares {allowed} "
                            f"spells; {prepared[class_id]} are prepared.")


def _level_errors(path: str, spell: SpellEntry, facts: SpellFacts,
                  caster: CasterLevels) -> Iterator[RuleError]:
    if facts.level == 0:
        return
    if caster.class_id is ClassId.WARLOCK and facts.level in MYSTIC_ARCANUM:
        needed = MYSTIC_ARCANUM[facts.level]
        if slugify(spell.source) != MYSTIC_ARCANUM_SOURCE:
            yield RuleError(f"{path}.source", "spell_needs_mystic_arcanum",
                            f"A level {facts.level} Warlock spell comes from Mystic Arcanum "
                            "(source \"Mystic Arcanum\").")
        elif caster.level < needed:
            yield RuleError(f"{path}.name", "spell_level_too_high",
                            f"A level {facts.level} Mystic Arcanum needs Warlock level {needed}.")
        return
    highest = highest_spell_level(caster)
    if facts.level > highest:
        yield RuleError(f"{path}.name", "spell_level_too_high",
                        f"{spell.name} is a level {facts.level} spell; a "
                        f"{caster.class_id.value} of level {caster.level} casts spells up to "
                        f"level {highest}.")
