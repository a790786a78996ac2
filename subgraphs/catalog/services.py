"""Use cases of the catalog service: writing an import into the database.

``apply_import`` upserts a checked ``ImportBundle`` by slug inside one transaction: new entries are
added, changed ones updated (their ``version`` moves on), identical ones left alone, and entries
of an imported dataset that the dataset no longer contains are soft-deleted ("retired"). Running
it twice with the same files changes nothing the second time. No GraphQL here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from infra.db.model import EntityMixin, utcnow
from infra.db.unit_of_work import UnitOfWork
from subgraphs.catalog.importers.records import (
    ClassRecord,
    EntryRecord,
    ImportBundle,
    Provenance,
    SourceDocument,
    SpellRecord,
)
from subgraphs.catalog.models import (
    ENTRY_MODELS,
    CatalogEntryMixin,
    CatalogSourceRow,
    ClassRow,
    SpellClassRow,
    SpellRow,
)
from subgraphs.catalog.repository import (
    ClassRepository,
    SourceRepository,
    SpellClassRepository,
    SpellRepository,
    repository_for,
)

Row = TypeVar("Row", bound=EntityMixin)
Entry = TypeVar("Entry", bound=CatalogEntryMixin)


@dataclass
class KindCounts:
    """What one import did to one kind of entry."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    @property
    def total(self) -> int:
        """Entries of this kind in the import."""
        return self.created + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return self.created + self.updated + self.retired > 0


@dataclass
class ImportReport:
    kinds: dict[str, KindCounts] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # gaps in the data, imported as they are
    seconds: float = 0.0  # filled in by whoever timed the run

    def summary(self) -> str:
        parts = [
            f"{kind}: {c.total} ({c.created} new, {c.updated} updated, {c.unchanged} unchanged, "
            f"{c.retired} retired)"
            for kind, c in self.kinds.items()
        ]
        return "; ".join(parts)

    def as_payload(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "kinds": {
                kind: {
                    "created": c.created,
                    "updated": c.updated,
                    "unchanged": c.unchanged,
                    "retired": c.retired,
                }
                for kind, c in self.kinds.items()
            },
        }


def _provenance_columns(provenance: Provenance) -> dict[str, Any]:
    return {
        "source": provenance.source,
        "document": provenance.document.name,
        "license": provenance.document.license,
        "dataset": provenance.dataset,
        "source_key": provenance.source_key,
    }


def spell_columns(record: SpellRecord) -> dict[str, Any]:
    return {
        "slug": record.slug,
        "name": record.name,
        "level": record.level,
        "school": record.school.value,
        "casting_time_unit": record.casting_time_unit.value,
        "casting_time_amount": record.casting_time_amount,
        "reaction_trigger": record.reaction_trigger,
        "ritual": record.ritual,
        "range_kind": record.range_kind.value,
        "range_feet": record.range_feet,
        "range_text": record.range_text,
        "verbal": record.verbal,
        "somatic": record.somatic,
        "material": record.material,
        "material_text": record.material_text,
        "material_consumed": record.material_consumed,
        "duration": record.duration,
        "concentration": record.concentration,
        "saving_throw": None if record.saving_throw is None else record.saving_throw.value,
        "attack_roll": record.attack_roll,
        "damage_roll": record.damage_roll,
        "healing_roll": record.healing_roll,
        "damage_types": [d.value for d in record.damage_types],
        "description": record.description,
        "higher_levels": record.higher_levels,
        "scaling": [step.to_json() for step in record.scaling],
        "area_shape": None if record.area_shape is None else record.area_shape.value,
        "area_size_feet": record.area_size_feet,
        "material_cost_gp": record.material_cost_gp,
        **_provenance_columns(record.provenance),
    }


def class_columns(record: ClassRecord) -> dict[str, Any]:
    return {
        "slug": record.slug,
        "name": record.name,
        "hit_die": record.hit_die,
        "primary_abilities": [a.value for a in record.primary_abilities],
        "primary_ability_any": record.primary_ability_any,
        "primary_ability_text": record.primary_ability_text,
        "saving_throws": [a.value for a in record.saving_throws],
        "spellcasting_ability": (
            None if record.spellcasting_ability is None else record.spellcasting_ability.value
        ),
        "proficiencies": list(record.proficiencies),
        "proficiency_choices": list(record.proficiency_choices),
        "subclasses": list(record.subclasses),
        "description": record.description,
        "caster_kind": record.caster_kind.value,
        "levels": [dict(level) for level in record.levels],
        **_provenance_columns(record.provenance),
    }


def entry_columns(record: EntryRecord) -> dict[str, Any]:
    return {
        "slug": record.slug,
        "name": record.name,
        **record.columns,
        **_provenance_columns(record.provenance),
    }


def source_columns(document: SourceDocument) -> dict[str, Any]:
    return {
        "key": document.key,
        "name": document.name,
        "license": document.license,
        "license_url": document.license_url,
        "url": document.url,
        "attribution": document.attribution,
    }


def _restore(row: EntityMixin) -> None:
    row.is_deleted = False
    row.deleted_at = None


def _retire(row: EntityMixin) -> None:
    row.is_deleted = True
    row.deleted_at = utcnow()


def _apply(row: EntityMixin, columns: Mapping[str, Any]) -> bool:
    """Copy ``columns`` onto ``row``; True if anything (including deletion) changed."""
    changed = row.is_deleted
    if row.is_deleted:
        _restore(row)
    for name, value in columns.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


class PendingInserts:
    """New rows gathered while an import compares, written as multi-row INSERTs per table.

    Adding a thousand ORM objects one by one is what made imports slow; new rows need no
    change tracking, so they are collected as plain column dicts (ids made up front, so links
    can point at them at once) and written table by table in the order they were first added.
    """

    CHUNK = 500

    def __init__(self) -> None:
        self.rows: dict[Any, list[dict[str, Any]]] = {}

    def add(self, model: Any, columns: Mapping[str, Any]) -> uuid.UUID:
        ident = uuid.uuid4()
        now = utcnow()
        row = {"id": ident, "created_at": now, "updated_at": now, "is_deleted": False}
        self.rows.setdefault(model, []).append({**row, "version": 1, **columns})
        return ident

    async def write(self, session: AsyncSession) -> None:
        for model, rows in self.rows.items():
            for start in range(0, len(rows), self.CHUNK):
                await session.execute(insert(model.__table__), rows[start : start + self.CHUNK])


def _upsert(
    pending: PendingInserts,
    existing: Mapping[str, Row],
    wanted: dict[str, dict[str, Any]],
    model: Any,
    counts: KindCounts,
) -> tuple[dict[str, uuid.UUID], set[str]]:
    """Bring ``existing`` (keyed by slug) in line with ``wanted``.

    Returns the ids of the entries of ``wanted`` and the keys of those that needed no change.
    """
    ids: dict[str, uuid.UUID] = {}
    unchanged: set[str] = set()
    for key, columns in wanted.items():
        row = existing.get(key)
        if row is None:
            ids[key] = pending.add(model, columns)
            counts.created += 1
            continue
        if _apply(row, columns):
            counts.updated += 1
        else:
            counts.unchanged += 1
            unchanged.add(key)
        ids[key] = row.id
    return ids, unchanged


def _retire_missing(
    existing: Mapping[str, Entry], kept: Iterable[str], datasets: set[str], counts: KindCounts
) -> None:
    """Soft-delete entries of the imported datasets that the datasets no longer contain."""
    keep = set(kept)
    for slug, row in existing.items():
        if slug not in keep and row.dataset in datasets and not row.is_deleted:
            _retire(row)
            counts.retired += 1


def _sync_spell_classes(
    pending: PendingInserts,
    links: Mapping[tuple[uuid.UUID, str], SpellClassRow],
    spell_ids: Mapping[str, uuid.UUID],
    records: Iterable[SpellRecord],
) -> set[str]:
    """Make the spell-list rows match the records; returns slugs of spells whose lists changed."""
    wanted = {(spell_ids[r.slug], key): r.slug for r in records for key in r.class_keys}
    imported = {ident: slug for slug, ident in spell_ids.items()}
    touched: set[str] = set()
    for pair, slug in wanted.items():
        link = links.get(pair)
        if link is None:
            pending.add(SpellClassRow, {"spell_id": pair[0], "class_slug": pair[1]})
            touched.add(slug)
        elif link.is_deleted:
            _restore(link)
            touched.add(slug)
    for pair, link in links.items():
        owner = imported.get(pair[0])
        if owner is not None and pair not in wanted and not link.is_deleted:
            _retire(link)
            touched.add(owner)
    return touched


def _datasets(
    records: Iterable[SpellRecord | ClassRecord | EntryRecord], bundle: ImportBundle
) -> set[str]:
    """The datasets whose entries of one kind an import replaces: those of its records, plus
    the ones it carries whole (``ImportBundle.complete_datasets``)."""
    return {r.provenance.dataset for r in records} | bundle.complete_datasets


def _sync_kind(
    pending: PendingInserts,
    kind: str,
    records: list[EntryRecord],
    existing: dict[str, Any],
    report: ImportReport,
    bundle: ImportBundle,
) -> None:
    """Upsert one kind's entries and retire those its datasets no longer have."""
    counts = report.kinds.setdefault(kind, KindCounts())
    wanted = {record.slug: entry_columns(record) for record in records}
    _upsert(pending, existing, wanted, ENTRY_MODELS[kind], counts)
    _retire_missing(existing, wanted, _datasets(records, bundle), counts)


async def apply_import(uow: UnitOfWork, bundle: ImportBundle) -> ImportReport:
    """Write ``bundle`` in one transaction: all of it or, on any failure, none of it.

    Everything already stored is read first; then entries are compared in memory, changed rows
    updated in place and new rows written in bulk, in one transaction.
    """
    report = ImportReport(files=list(bundle.files), notices=list(bundle.notices))
    pending = PendingInserts()
    async with uow:
        session = uow.session
        source_rows = await SourceRepository(session).all_by_key()
        spell_rows = await SpellRepository(session).all_by_slug()
        links = await SpellClassRepository(session).all_by_pair()
        class_rows = await ClassRepository(session).all_by_slug()
        entry_rows = {
            kind: await repository_for(ENTRY_MODELS[kind])(session).all_by_slug()
            for kind in bundle.entries
        }

        source_ids, _ = _upsert(
            pending,
            source_rows,
            {key: source_columns(doc) for key, doc in bundle.documents.items()},
            CatalogSourceRow,
            report.kinds.setdefault("sources", KindCounts()),
        )

        spell_counts = report.kinds.setdefault("spells", KindCounts())
        wanted_spells = {r.slug: spell_columns(r) for r in bundle.spells}
        spell_ids, same = _upsert(pending, spell_rows, wanted_spells, SpellRow, spell_counts)
        _retire_missing(spell_rows, wanted_spells, _datasets(bundle.spells, bundle), spell_counts)
        for slug in _sync_spell_classes(pending, links, spell_ids, bundle.spells):
            if slug in same:
                spell_rows[slug].updated_at = utcnow()  # its class list changed: a new version
                spell_counts.unchanged -= 1
                spell_counts.updated += 1

        class_counts = report.kinds.setdefault("classes", KindCounts())
        wanted_classes = {r.slug: class_columns(r) for r in bundle.classes}
        _upsert(pending, class_rows, wanted_classes, ClassRow, class_counts)
        _retire_missing(class_rows, wanted_classes, _datasets(bundle.classes, bundle), class_counts)

        for kind, records in bundle.entries.items():
            _sync_kind(pending, kind, records, entry_rows[kind], report, bundle)

        await pending.write(session)
        if any(counts.changed for counts in report.kinds.values()):
            anchor = next(iter(source_ids.values())) if source_ids else uuid.uuid4()
            uow.emit("catalog.imported", anchor, report.as_payload())
        await uow.commit()
    return report


async def catalog_is_empty(sessions: async_sessionmaker[AsyncSession]) -> bool:
    async with sessions() as session:
        return (
            await SpellRepository(session).count() == 0
            and await ClassRepository(session).count() == 0
        )
