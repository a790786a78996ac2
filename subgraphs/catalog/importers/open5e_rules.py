"""open5e SRD 5.2: the rules chapters (Playing the Game, Combat, Damage and Healing, ...).

Reads ``Rule.json`` (one section per record) and ``RuleSet.json`` (the chapters they belong to).
Upstream keys look like ``srd-2024_combat_cover``; the catalog's slug is ``rule/combat-cover``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from subgraphs.catalog.importers.documents import SRD_5_2, SRD_SOURCE
from subgraphs.catalog.importers.fields import EntryReader
from subgraphs.catalog.importers.open5e import (
    DOCUMENT_KEY,
    check_document,
    check_document_field,
    fixtures,
)
from subgraphs.catalog.importers.records import NAME_LENGTH, EntryRecord, Provenance, make_slug

DATASET = "open5e-srd-2024"
RULE_MODEL = "api_v2.rule"
CHAPTER_MODEL = "api_v2.ruleset"


def _slug(fields: EntryReader, document_key: str) -> str:
    prefix = f"{document_key}_"
    name = fields.entry.removeprefix(prefix).replace("_", "-")
    slug = None if name == fields.entry else make_slug("rule", name)
    if slug is None:
        raise fields.fail_at("pk", f"expected a key like '{prefix}chapter_section'")
    return slug


def _rule(fields: EntryReader, chapters: dict[str, str], document_key: str) -> dict[str, Any]:
    check_document_field(fields, document_key)
    chapter_key = fields.text("ruleset")
    if chapter_key not in chapters:
        raise fields.fail("ruleset", f"names {chapter_key!r}, which RuleSet.json does not contain")
    return {
        "chapter": chapters[chapter_key],
        "position": fields.integer("index", minimum=0),
        "description": fields.text("desc"),
    }


def read_rules(
    folder: Path, notices: list[str], document_key: str = DOCUMENT_KEY
) -> list[EntryRecord]:
    """Every rules section of the folder, with the name of its chapter."""
    if document_key == DOCUMENT_KEY:
        check_document(folder / "Document.json")
    chapters = {
        fields.entry: fields.text("name", max_length=NAME_LENGTH)
        for fields in fixtures(folder / "RuleSet.json", CHAPTER_MODEL)
    }
    records: list[EntryRecord] = []
    seen: set[str] = set()
    for fields in fixtures(folder / "Rule.json", RULE_MODEL):
        slug = _slug(fields, document_key)
        if slug in seen:
            raise fields.fail_at("pk", f"a second entry has the slug {slug!r}")
        seen.add(slug)
        name = fields.text("name", max_length=NAME_LENGTH)
        columns = _rule(fields, chapters, document_key)
        provenance = Provenance(SRD_SOURCE, SRD_5_2, DATASET, fields.entry)
        records.append(EntryRecord("rule", slug, name, columns, provenance))
    return records
