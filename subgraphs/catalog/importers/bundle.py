"""Reading a whole SRD directory into one ``ImportBundle`` with every importer in turn.

``ENTRY_KINDS`` lists the kinds beyond spells and classes: which folder and files each comes
from and the function that reads it. The loader writes them in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from subgraphs.catalog.importers import (
    fivee_characters,
    fivee_database,
    fivee_items,
    fivee_rules,
    open5e,
    open5e_creatures,
    open5e_rules,
)
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.importers.records import EntryRecord, ImportBundle


@dataclass(frozen=True)
class EntryKind:
    """One kind the bundle reads: its slug prefix, where it comes from and how it is read."""

    kind: str
    folder: str
    files: tuple[str, ...]
    read: Callable[[Path, list[str]], list[EntryRecord]]  # (folder, notices) -> records


def _fivee(kind: str, file: str, read: Callable[[Path], list[EntryRecord]]) -> EntryKind:
    return EntryKind(kind, fivee_database.FOLDER, (file,), lambda folder, _notices: read(folder))


ENTRY_KINDS: tuple[EntryKind, ...] = (
    _fivee("subclass", fivee_characters.SUBCLASSES_FILE, fivee_characters.read_subclasses),
    _fivee("feature", fivee_characters.FEATURES_FILE, fivee_characters.read_features),
    _fivee("species", fivee_characters.SPECIES_FILE, fivee_characters.read_species),
    _fivee("lineage", fivee_characters.LINEAGES_FILE, fivee_characters.read_lineages),
    _fivee("trait", fivee_characters.TRAITS_FILE, fivee_characters.read_traits),
    _fivee("background", fivee_characters.BACKGROUNDS_FILE, fivee_characters.read_backgrounds),
    _fivee("feat", fivee_characters.FEATS_FILE, fivee_characters.read_feats),
    _fivee("equipment", fivee_items.EQUIPMENT_FILE, fivee_items.read_equipment),
    _fivee("magic-item", fivee_items.MAGIC_ITEMS_FILE, fivee_items.read_magic_items),
    _fivee("weapon-mastery", fivee_rules.MASTERIES_FILE, fivee_rules.read_masteries),
    _fivee("weapon-property", fivee_rules.PROPERTIES_FILE, fivee_rules.read_weapon_properties),
    _fivee("condition", fivee_rules.CONDITIONS_FILE, fivee_rules.read_conditions),
    _fivee("skill", fivee_rules.SKILLS_FILE, fivee_rules.read_skills),
    _fivee("language", fivee_rules.LANGUAGES_FILE, fivee_rules.read_languages),
    _fivee("proficiency", fivee_rules.PROFICIENCIES_FILE, fivee_rules.read_proficiencies),
    EntryKind(
        "creature",
        open5e.FOLDER,
        (
            "Creature.json",
            "CreatureTrait.json",
            "CreatureAction.json",
            "CreatureActionAttack.json",
        ),
        open5e_creatures.read_creatures,
    ),
    EntryKind("rule", open5e.FOLDER, ("Rule.json", "RuleSet.json"), open5e_rules.read_rules),
)

SPELL_FILES = ("Document.json", "Spell.json", "SpellCastingOption.json")
CLASS_FILES = (fivee_database.CLASSES_FILE, fivee_database.LEVELS_FILE)


def required_files() -> list[str]:
    """Every file an import reads, as ``folder/name`` paths within an SRD directory."""
    files = [f"{open5e.FOLDER}/{name}" for name in SPELL_FILES]
    files += [f"{fivee_database.FOLDER}/{name}" for name in CLASS_FILES]
    for kind in ENTRY_KINDS:
        files += [f"{kind.folder}/{name}" for name in kind.files]
    return list(dict.fromkeys(files))


def read_srd(srd_dir: Path) -> ImportBundle:
    """All supported content under ``srd_dir``; ``MalformedSource`` if any file is unusable."""
    if not srd_dir.is_dir():
        raise MalformedSource(str(srd_dir), None, None, "is not a directory")
    bundle = ImportBundle(files=required_files())
    bundle.spells = open5e.read_spells(srd_dir / open5e.FOLDER)
    bundle.classes = fivee_database.read_classes(srd_dir / fivee_database.FOLDER)
    bundle.notices.extend(
        f"{spell.slug} has no description in {spell.provenance.dataset}"
        for spell in bundle.spells
        if spell.description is None
    )
    for kind in ENTRY_KINDS:
        bundle.entries[kind.kind] = kind.read(srd_dir / kind.folder, bundle.notices)
    provenances = [s.provenance for s in bundle.spells] + [c.provenance for c in bundle.classes]
    provenances += [e.provenance for records in bundle.entries.values() for e in records]
    for provenance in provenances:
        bundle.documents[provenance.document.key] = provenance.document
    return bundle
