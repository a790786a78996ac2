"""Reading a whole SRD directory into one ``ImportBundle`` with every importer in turn."""

from __future__ import annotations

from pathlib import Path

from subgraphs.catalog.importers import fivee_database, open5e
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.importers.records import ImportBundle


def read_srd(srd_dir: Path) -> ImportBundle:
    """All supported content under ``srd_dir``; ``MalformedSource`` if any file is unusable."""
    if not srd_dir.is_dir():
        raise MalformedSource(str(srd_dir), None, None, "is not a directory")
    bundle = ImportBundle()
    spells_folder = srd_dir / open5e.FOLDER
    bundle.spells = open5e.read_spells(spells_folder)
    bundle.files.append(f"{open5e.FOLDER}/Spell.json")
    bundle.classes = fivee_database.read_classes(srd_dir / fivee_database.FOLDER)
    bundle.files.append(f"{fivee_database.FOLDER}/{fivee_database.CLASSES_FILE}")
    bundle.notices.extend(
        f"{spell.slug} has no description in {spell.provenance.dataset}"
        for spell in bundle.spells
        if spell.description is None
    )
    provenances = [s.provenance for s in bundle.spells] + [c.provenance for c in bundle.classes]
    for provenance in provenances:
        bundle.documents[provenance.document.key] = provenance.document
    return bundle
