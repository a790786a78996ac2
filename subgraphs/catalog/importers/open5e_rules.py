"""open5e SRD 5.2: the rules chapters (Playing the Game, Combat, Damage and Healing, ...).

Reads ``Rule.json`` (one section per record) and ``RuleSet.json`` (the chapters they belong to).
Upstream keys look like ``srd-2024_combat_cover``; the catalog's slug is ``rule/combat-cover``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from subgraphs.catalog.importers.documents import SRD_5_2, SRD_SOURCE
from subgraphs.catalog.importers.fields import EntryReader
from subgraphs.catalog.importers.open5e import DOCUMENT_KEY, KEY_PREFIX, check_document, fixtures
from subgraphs.catalog.importers.records import NAME_LENGTH, EntryRecord, Provenance, make_slug

DATASET = "open5e-srd-2024"
RULE_MODEL = "api_v2.rule"
CHAPTER_MODEL = "api_v2.ruleset"


def _slug(fields: EntryReader) -> str:
    name = fields.entry.removeprefix(KEY_PREFIX).replace("_", "-")
    slug = None if name == fields.entry else make_slug("rule", name)
    if slug is None:
        raise fields.fail_at("pk", f"expected a key like '{KEY_PREFIX}chapter_section'")
    return slug


def _rule(fields: EntryReader, chapters: dict[str, str]) -> dict[str, Any]:
    if fields.text("document") != DOCUMENT_KEY:
        raise fields.fail("document", f"expected {DOCUMENT_KEY!r}, got {fields.raw('document')!r}")
    chapter_key = fields.text("ruleset")
    if chapter_key not in chapters:
        raise fields.fail("ruleset", f"names {chapter_key!r}, which RuleSet.json does not contain")
    return {
        "chapter": chapters[chapter_key],
        "position": fields.integer("index", minimum=0),
        "description": fields.text("desc"),
    }


def read_rules(folder: Path, notices: list[str]) -> list[EntryRecord]:
    """Every rules section of the folder, with the name of its chapter."""
    check_document(folder / "Document.json")
    chapters = {
        fields.entry: fields.text("name", max_length=NAME_LENGTH)
        for fields in fixtures(folder / "RuleSet.json", CHAPTER_MODEL)
    }
    records: list[EntryRecord] = []
    seen: set[str] = set()
    for fields in fixtures(folder / "Rule.json", RULE_MODEL):
        slug = _slug(fields)
        if slug in seen:
            raise fields.fail_at("pk", f"a second entry has the slug {slug!r}")
        seen.add(slug)
        name = fields.text("name", max_length=NAME_LENGTH)
        columns = _rule(fields, chapters)
        provenance = Provenance(SRD_SOURCE, SRD_5_2, DATASET, fields.entry)
        records.append(EntryRecord("rule", slug, name, columns, provenance))
    return records
