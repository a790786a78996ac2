"""Importing third-party content published in either format the SRD comes in.

A third-party folder holds any subset of the files the SRD import reads, in the same layout as
the format's SRD folder (open5e fixtures, or 5e-database JSON lists). The same readers check
them; then ``namespaced`` gives every record its document and licence, the source
``"IMPORTED"``, a dataset of its own (``open5e/<key>`` or ``5e-database/<key>``) and a slug in
the document's namespace:

    spell/fireball  (SRD)         spell/<document-key>/fireball  (imported)

The import carries its dataset whole: re-importing a folder that dropped an entry, or a whole
file, retires those entries (as an SRD re-import does).

References between entries of the same import (a subclass's class, a class table's features)
follow their entry into the namespace; references to anything else (a spell's SRD classes) stay
as they are. Because slugs and datasets belong to one document, importing it again changes only
what changed, and an import never retires another document's entries.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from subgraphs.catalog.importers import (
    bundle,
    descriptors,
    fivee_database,
    open5e,
    open5e_creatures,
    open5e_rules,
)
from subgraphs.catalog.importers.documents import SRD_5_2
from subgraphs.catalog.importers.download import load_manifest, sha256_of
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.importers.records import (
    NAME_LENGTH,
    EntryRecord,
    ImportBundle,
    Provenance,
    SourceDocument,
)

OPEN5E = "open5e"
FIVEE = "5e-database"
FORMATS = (OPEN5E, FIVEE)


def namespaced_slug(slug: str, document_key: str) -> str:
    """``spell/fireball`` in document ``my-book`` -> ``spell/my-book/fireball``."""
    kind, _, name = slug.partition("/")
    return f"{kind}/{document_key}/{name}"


def _rewrite(value: Any, slugs: dict[str, str]) -> Any:
    """``value`` with every string that is one of ``slugs`` replaced, through lists and dicts."""
    if isinstance(value, str):
        return slugs.get(value, value)
    if isinstance(value, list | tuple):
        return type(value)(_rewrite(item, slugs) for item in value)
    if isinstance(value, dict):
        return {key: _rewrite(item, slugs) for key, item in value.items()}
    return value


def namespaced(srd_shaped: ImportBundle, document: SourceDocument, dataset: str) -> ImportBundle:
    """The records of ``srd_shaped`` as entries of ``document``, with namespaced slugs."""
    own = [s.slug for s in srd_shaped.spells] + [c.slug for c in srd_shaped.classes]
    own += [e.slug for records in srd_shaped.entries.values() for e in records]
    slugs = {slug: namespaced_slug(slug, document.key) for slug in own}
    for old, new in slugs.items():
        if len(new) > NAME_LENGTH:
            raise MalformedSource(
                dataset, old, None, f"the namespaced slug {new!r} is over {NAME_LENGTH} characters"
            )

    def provenance(old: Provenance) -> Provenance:
        return Provenance(descriptors.IMPORTED_SOURCE, document, dataset, old.source_key)

    result = ImportBundle(
        documents={document.key: document},
        files=list(srd_shaped.files),
        notices=list(srd_shaped.notices),
        complete_datasets={dataset},  # what the folder no longer holds is retired
    )
    result.spells = [
        dataclasses.replace(
            spell,
            slug=slugs[spell.slug],
            class_keys=_rewrite(spell.class_keys, slugs),
            provenance=provenance(spell.provenance),
        )
        for spell in srd_shaped.spells
    ]
    result.classes = [
        dataclasses.replace(
            record,
            slug=slugs[record.slug],
            subclasses=_rewrite(record.subclasses, slugs),
            levels=_rewrite(record.levels, slugs),
            provenance=provenance(record.provenance),
        )
        for record in srd_shaped.classes
    ]
    for kind, records in srd_shaped.entries.items():
        result.entries[kind] = [
            EntryRecord(
                kind,
                slugs[entry.slug],
                entry.name,
                _rewrite(dict(entry.columns), slugs),
                provenance(entry.provenance),
            )
            for entry in records
        ]
    return result


def _present(folder: Path, files: tuple[str, ...]) -> bool:
    return (folder / files[0]).is_file()


def _shown(folder: Path, files: tuple[str, ...]) -> list[str]:
    """The files of ``folder`` that were read, as the report lists them."""
    return [f"{folder.name}/{name}" for name in files if (folder / name).is_file()]


def _describe(folder: Path, srd_shaped: ImportBundle, format_name: str) -> None:
    """Fail when the folder held no file this format knows; note it when they hold no entry."""
    counts = len(srd_shaped.spells) + len(srd_shaped.classes)
    counts += sum(len(records) for records in srd_shaped.entries.values())
    if not srd_shaped.files:
        raise MalformedSource(
            str(folder), None, None, f"holds none of the files a {format_name} import reads"
        )
    if counts == 0:
        srd_shaped.notices.append(f"{folder.name}: the files hold no entries")


def read_open5e(folder: Path) -> ImportBundle:
    """An open5e dataset folder: its document from ``Document.json``, then every file present.

    Reads spells (``Spell.json``), creatures (``Creature.json`` and companions) and rules
    sections (``Rule.json`` with ``RuleSet.json``). The SRD's own folder imports as the SRD.
    """
    if not folder.is_dir():
        raise MalformedSource(str(folder), None, None, "is not a directory")
    document = descriptors.read_open5e_document(folder)
    is_srd = document.key == SRD_5_2.key
    key = open5e.DOCUMENT_KEY if is_srd else document.key
    read = ImportBundle(documents={document.key: document}, entries={"creature": [], "rule": []})
    if (folder / "Spell.json").is_file():
        read.spells = open5e.read_spells(folder, key)
        read.files += _shown(folder, ("Spell.json", "SpellCastingOption.json"))
    if (folder / "Creature.json").is_file():
        read.entries["creature"] = open5e_creatures.read_creatures(folder, read.notices, key)
        read.files += _shown(
            folder,
            (
                "Creature.json",
                "CreatureTrait.json",
                "CreatureAction.json",
                "CreatureActionAttack.json",
            ),
        )
    if (folder / "Rule.json").is_file():
        read.entries["rule"] = open5e_rules.read_rules(folder, read.notices, key)
        read.files += _shown(folder, ("Rule.json", "RuleSet.json"))
    _describe(folder, read, OPEN5E)
    read.notices.extend(
        f"{spell.slug} has no description in {folder.name}"
        for spell in read.spells
        if spell.description is None
    )
    if is_srd:
        return read
    return namespaced(read, document, f"{OPEN5E}/{document.key}")


def is_srd_fivee_folder(folder: Path) -> bool:
    """True when ``folder`` holds exactly the pinned 5e-database SRD files (by checksum)."""
    prefix = f"{fivee_database.FOLDER}/"
    pinned = [f for f in load_manifest().files if f.name.startswith(prefix)]
    return bool(pinned) and all(
        (folder / f.name.removeprefix(prefix)).is_file()
        and sha256_of(folder / f.name.removeprefix(prefix)) == f.sha256
        for f in pinned
    )


def read_fivee(folder: Path, document: SourceDocument | None) -> ImportBundle:
    """A 5e-database folder: every file present, as entries of ``document``.

    With no ``document``, the folder must be the SRD's own (checked against the pinned
    checksums); it then imports with the SRD 5.2 provenance and plain slugs.
    """
    if not folder.is_dir():
        raise MalformedSource(str(folder), None, None, "is not a directory")
    if document is None and not is_srd_fivee_folder(folder):
        raise MalformedSource(
            str(folder),
            None,
            None,
            "is not the SRD 5.2 5e-database folder: a third-party import needs "
            "--source-key, --document-name, --license and --attribution",
        )
    read = ImportBundle()
    read.entries = {k.kind: [] for k in bundle.ENTRY_KINDS if k.folder == fivee_database.FOLDER}
    if _present(folder, bundle.CLASS_FILES):
        read.classes = fivee_database.read_classes(folder)
        read.files += _shown(folder, bundle.CLASS_FILES)
    for kind in bundle.ENTRY_KINDS:
        if kind.folder == fivee_database.FOLDER and _present(folder, kind.files):
            read.entries[kind.kind] = kind.read(folder, read.notices)
            read.files += _shown(folder, kind.files)
    _describe(folder, read, FIVEE)
    if document is None:
        read.documents[SRD_5_2.key] = SRD_5_2
        return read
    return namespaced(read, document, f"{FIVEE}/{document.key}")
