"""Third-party content in either SRD format, imported next to the SRD (SQLite and PostgreSQL).

Small hand-made datasets: an open5e folder describing its own document ("Tome of Things",
OGL-1.0a) and a 5e-database folder whose document is given on the command line. Each test
starts from an emptied database holding the hand-made SRD (``srd_files.write_srd``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from infra.db.migrations import upgrade
from subgraphs.catalog.app import MIGRATIONS, NAME
from subgraphs.catalog.importers import __main__ as command
from subgraphs.catalog.importers import third_party
from subgraphs.catalog.importers.descriptors import document_from_options
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.importers.records import SourceDocument
from subgraphs.catalog.models import (
    Base,
    CatalogEntryMixin,
    CreatureRow,
    EquipmentRow,
    OutboxEvent,
    SpellClassRow,
    SpellRow,
)
from subgraphs.catalog.repository import SourceRepository
from subgraphs.catalog.services import ImportReport
from subgraphs.catalog.startup import import_srd, import_with
from subgraphs.kit.runtime import Runtime
from tests.catalog.srd_files import (
    catalog_database,
    creature,
    creature_action,
    sample_equipment,
    sample_magic_items,
    spell,
    write_srd,
)
from tests.support import TokenFactory

IMPORTS = pytest.mark.asyncio(loop_scope="module")
TOME = "tome-2025"


# --- the datasets -----------------------------------------------------------------------------


def _rekeyed(record: dict[str, Any], document: str) -> dict[str, Any]:
    """An SRD sample record moved into ``document``: its key prefix and document field."""
    moved = copy.deepcopy(record)
    moved["pk"] = f"{document}_" + str(moved["pk"]).removeprefix("srd-2024_")
    fields = moved["fields"]
    if "document" in fields:
        fields["document"] = document
    if "parent" in fields:
        fields["parent"] = f"{document}_" + fields["parent"].removeprefix("srd-2024_")
    return moved


def _write(folder: Path, files: dict[str, list[dict[str, Any]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content), encoding="utf-8")
    return folder


def write_open5e(
    folder: Path, document: str = TOME, spells: list[dict[str, Any]] | None = None
) -> Path:
    """An open5e third-party folder: one document, two spells, one creature with an action."""
    if spells is None:
        spells = [
            spell("fireball", "Fireball", level=3, desc="A tome's fireball, hotter."),
            spell("frost-lance", "Frost Lance", damage_roll="2d8", damage_types=["cold"]),
        ]
    descriptor = {
        "model": "api_v2.document",
        "pk": document,
        "fields": {
            "name": "Tome of Things",
            "licenses": ["ogl-10a"],
            "author": "A. Writer",
            "publisher": "small-press",
            "permalink": "https://example.org/tome",
        },
    }
    return _write(
        folder,
        {
            "Document.json": [descriptor],
            "Spell.json": [_rekeyed(s, document) for s in spells],
            "Creature.json": [_rekeyed(creature("goblin-warrior", "Goblin Warrior"), document)],
            "CreatureAction.json": [
                _rekeyed(creature_action("goblin-warrior", "scimitar", "Scimitar"), document)
            ],
        },
    )


ARMOURY = document_from_options(
    source_key="armoury",
    name="The Armoury",
    license="CC-BY-4.0",
    attribution="The Armoury by B. Smith, CC-BY-4.0.",
    license_url="https://creativecommons.org/licenses/by/4.0/legalcode",
)


def write_fivee(folder: Path, equipment: list[dict[str, Any]] | None = None) -> Path:
    """A 5e-database third-party folder with equipment and magic items only."""
    return _write(
        folder,
        {
            "5e-SRD-Equipment.json": sample_equipment() if equipment is None else equipment,
            "5e-SRD-Magic-Items.json": sample_magic_items(),
        },
    )


# --- the database -----------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def import_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    async with catalog_database(request.param, tmp_path_factory, "third-party") as url:
        yield url


@pytest_asyncio.fixture(loop_scope="module")
async def runtime(import_database: str, tmp_path: Path) -> AsyncIterator[Runtime]:
    """A migrated database holding only the hand-made SRD."""
    runtime = Runtime.create(
        NAME, import_database, OutboxEvent, MIGRATIONS, TokenFactory().verifier
    )
    await upgrade(runtime.engine, runtime.migrations)
    async with runtime.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
    await import_srd(runtime, write_srd(tmp_path / "srd"))
    try:
        yield runtime
    finally:
        await runtime.engine.dispose()


async def _row(runtime: Runtime, model: Any, slug: str) -> Any:
    async with runtime.sessions() as session:
        return (await session.execute(select(model).where(model.slug == slug))).scalar_one()


async def _count(runtime: Runtime, model: Any, **where: Any) -> int:
    query = select(func.count()).select_from(model).filter_by(**where)
    async with runtime.sessions() as session:
        return int((await session.execute(query)).scalar_one())


async def _import_open5e(runtime: Runtime, folder: Path) -> ImportReport:
    return await import_with(runtime, lambda: third_party.read_open5e(folder))


async def _import_fivee(
    runtime: Runtime, folder: Path, document: SourceDocument = ARMOURY
) -> ImportReport:
    return await import_with(runtime, lambda: third_party.read_fivee(folder, document))


def _provenance(row: CatalogEntryMixin) -> tuple[str, str, str, str, str]:
    return (row.source, row.document, row.license, row.dataset, row.source_key)


# --- the tests --------------------------------------------------------------------------------


@IMPORTS
async def test_open5e_content_gets_its_document_and_namespaced_slugs(
    runtime: Runtime, tmp_path: Path
) -> None:
    srd_fireball = await _row(runtime, SpellRow, "spell/fireball")
    report = await _import_open5e(runtime, write_open5e(tmp_path / "tome"))
    assert report.kinds["spells"].created == 2
    assert report.kinds["creature"].created == 1

    tome_fireball = await _row(runtime, SpellRow, f"spell/{TOME}/fireball")
    assert _provenance(tome_fireball) == (
        "IMPORTED",
        "Tome of Things",
        "OGL-1.0a",
        f"open5e/{TOME}",
        f"{TOME}_fireball",
    )
    assert tome_fireball.description == "A tome's fireball, hotter."
    goblin = await _row(runtime, CreatureRow, f"creature/{TOME}/goblin-warrior")
    assert goblin.source == "IMPORTED" and goblin.dataset == f"open5e/{TOME}"
    async with runtime.sessions() as session:
        classes = await session.execute(
            select(SpellClassRow.class_slug).where(SpellClassRow.spell_id == tome_fireball.id)
        )
    assert set(classes.scalars()) == {"class/wizard"}  # still the SRD's class

    after = await _row(runtime, SpellRow, "spell/fireball")  # the SRD's own, untouched
    assert (after.id, after.version, after.description, _provenance(after)) == (
        srd_fireball.id,
        srd_fireball.version,
        srd_fireball.description,
        _provenance(srd_fireball),
    )
    assert after.source == "SRD"


@IMPORTS
async def test_reimporting_a_document_changes_nothing_and_keeps_the_srd(
    runtime: Runtime, tmp_path: Path
) -> None:
    tome = write_open5e(tmp_path / "tome")
    armoury = write_fivee(tmp_path / "armoury")
    await _import_open5e(runtime, tome)
    await _import_fivee(runtime, armoury)
    events = await _count(runtime, OutboxEvent)

    again = await _import_open5e(runtime, tome)
    assert all(not counts.changed for counts in again.kinds.values())
    assert again.kinds["spells"].unchanged == 2
    again = await _import_fivee(runtime, armoury)
    assert again.kinds["equipment"].unchanged == 2
    assert all(not counts.changed for counts in again.kinds.values())
    assert await _count(runtime, OutboxEvent) == events  # nothing changed, nothing announced

    # Re-importing the SRD retires none of the imported entries, and the reverse.
    srd_again = await import_srd(runtime, write_srd(tmp_path / "srd-again"))
    assert srd_again.kinds["spells"].retired == 0
    assert await _count(runtime, SpellRow, source="IMPORTED", is_deleted=False) == 2
    assert await _count(runtime, SpellRow, source="SRD", is_deleted=False) == 3

    # A dataset that drops an entry retires that entry only, in its own document.
    shorter = write_open5e(tmp_path / "tome-v2", spells=[spell("frost-lance", "Frost Lance")])
    report = await _import_open5e(runtime, shorter)
    assert report.kinds["spells"].retired == 1
    assert (await _row(runtime, SpellRow, f"spell/{TOME}/fireball")).is_deleted
    assert not (await _row(runtime, SpellRow, "spell/fireball")).is_deleted
    assert report.kinds["creature"].unchanged == 1

    # So does one that dropped a whole file; the SRD's creature stays.
    (shorter / "Creature.json").unlink()
    (shorter / "CreatureAction.json").unlink()
    report = await _import_open5e(runtime, shorter)
    assert report.kinds["creature"].retired == 1
    assert (await _row(runtime, CreatureRow, f"creature/{TOME}/goblin-warrior")).is_deleted
    assert not (await _row(runtime, CreatureRow, "creature/goblin-warrior")).is_deleted


@IMPORTS
async def test_another_document_with_a_same_named_entry_gets_its_own_slug(
    runtime: Runtime, tmp_path: Path
) -> None:
    await _import_open5e(runtime, write_open5e(tmp_path / "tome"))
    await _import_open5e(runtime, write_open5e(tmp_path / "other", document="other-book"))
    slugs = {
        (await _row(runtime, SpellRow, slug)).dataset
        for slug in ("spell/fireball", f"spell/{TOME}/fireball", "spell/other-book/fireball")
    }
    assert slugs == {"open5e-srd-2024", f"open5e/{TOME}", "open5e/other-book"}


@IMPORTS
async def test_5e_database_content_takes_its_document_from_the_options(
    runtime: Runtime, tmp_path: Path
) -> None:
    srd_longsword = await _row(runtime, EquipmentRow, "equipment/longsword")
    report = await _import_fivee(runtime, write_fivee(tmp_path / "armoury"))
    assert report.kinds["equipment"].created == 2
    assert report.kinds["magic-item"].created == 1
    longsword = await _row(runtime, EquipmentRow, "equipment/armoury/longsword")
    assert _provenance(longsword) == (
        "IMPORTED",
        "The Armoury",
        "CC-BY-4.0",
        "5e-database/armoury",
        "longsword",
    )
    assert (await _row(runtime, EquipmentRow, "equipment/longsword")).version == (
        srd_longsword.version
    )


@IMPORTS
async def test_catalog_sources_list_every_imported_document(
    runtime: Runtime, tmp_path: Path
) -> None:
    await _import_open5e(runtime, write_open5e(tmp_path / "tome"))
    await _import_fivee(runtime, write_fivee(tmp_path / "armoury"))
    async with runtime.sessions() as session:
        rows = await SourceRepository(session).listed()
    by_key = {row.key: row for row in rows}
    assert set(by_key) == {"armoury", "srd-5.2", TOME}
    assert (by_key[TOME].license, by_key[TOME].url) == ("OGL-1.0a", "https://example.org/tome")
    assert "Tome of Things" in by_key[TOME].attribution
    assert "A. Writer" in by_key[TOME].attribution
    assert by_key["armoury"].attribution == "The Armoury by B. Smith, CC-BY-4.0."
    assert by_key["srd-5.2"].license == "CC-BY-4.0"


@IMPORTS
async def test_a_malformed_third_party_file_imports_nothing_and_names_the_flaw(
    runtime: Runtime, tmp_path: Path
) -> None:
    spells = [spell("frost-lance", "Frost Lance"), spell("gloom", "Gloom", level="three")]
    with pytest.raises(MalformedSource) as caught:
        await _import_open5e(runtime, write_open5e(tmp_path / "tome", spells=spells))
    assert (caught.value.file, caught.value.entry, caught.value.field) == (
        "tome/Spell.json",
        f"{TOME}_gloom",
        "fields.level",
    )
    equipment = sample_equipment()
    equipment[0]["weight"] = "heavy"
    with pytest.raises(MalformedSource) as caught:
        await _import_fivee(runtime, write_fivee(tmp_path / "armoury", equipment=equipment))
    assert (caught.value.file, caught.value.entry, caught.value.field) == (
        "armoury/5e-SRD-Equipment.json",
        "longsword",
        "weight",
    )
    assert await _count(runtime, SpellRow, source="IMPORTED") == 0
    assert await _count(runtime, CreatureRow, source="IMPORTED") == 0  # not even the good file
    assert await _count(runtime, EquipmentRow, source="IMPORTED") == 0


def test_a_record_of_another_document_is_refused(tmp_path: Path) -> None:
    folder = write_open5e(tmp_path / "tome")
    spells = json.loads((folder / "Spell.json").read_text(encoding="utf-8"))
    spells[1]["fields"]["document"] = "srd-2024"
    (folder / "Spell.json").write_text(json.dumps(spells), encoding="utf-8")
    with pytest.raises(MalformedSource, match=r"entry 'tome-2025_frost-lance': field 'fields.doc"):
        third_party.read_open5e(folder)


def test_a_5e_database_folder_needs_its_document_unless_it_is_the_srd(tmp_path: Path) -> None:
    folder = write_fivee(tmp_path / "armoury")
    with pytest.raises(MalformedSource, match="needs --source-key, --document-name"):
        third_party.read_fivee(folder, None)
    with pytest.raises(MalformedSource, match="needs --license, --attribution"):
        document_from_options(source_key="x", name="X", license=None, attribution="")
    with pytest.raises(MalformedSource, match="reserved for the SRD"):
        document_from_options(source_key="srd-5.2", name="X", license="MIT", attribution="X")
    with pytest.raises(MalformedSource, match="must be a lowercase slug"):
        document_from_options(source_key="My Book", name="X", license="MIT", attribution="X")


def test_the_import_command_imports_third_party_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CATALOG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    tome = write_open5e(tmp_path / "tome")
    assert command.main(["--format", "open5e", "--dir", str(tome)]) == 0
    assert "spells: 2 (2 new, 0 updated, 0 unchanged, 0 retired)" in capsys.readouterr().out
    armoury = write_fivee(tmp_path / "armoury")
    options = ["--source-key", "armoury", "--document-name", "The Armoury"]
    options += ["--license", "CC-BY-4.0", "--attribution", "The Armoury, CC-BY-4.0."]
    assert command.main(["--format", "5e-database", "--dir", str(armoury), *options]) == 0
    assert "equipment: 2 (2 new" in capsys.readouterr().out
    assert command.main(["--format", "5e-database", "--dir", str(armoury), *options]) == 0
    assert "equipment: 2 (0 new, 0 updated, 2 unchanged" in capsys.readouterr().out

    assert command.main(["--format", "5e-database", "--dir", str(armoury)]) == 2
    assert "needs --source-key" in capsys.readouterr().err
    bad = write_fivee(
        tmp_path / "bad", equipment=[{"index": "club", "name": "Club", "weight": "x"}]
    )
    assert command.main(["--format", "5e-database", "--dir", str(bad), *options]) == 1
    assert "bad/5e-SRD-Equipment.json: entry 'club'" in capsys.readouterr().err
    assert command.main(["--format", "5e-database", "--dir", str(armoury), "--license", "X"]) == 2
    assert "needs --source-key, --document-name, --attribution" in capsys.readouterr().err


def test_the_srd_folder_itself_imports_as_the_srd(tmp_path: Path) -> None:
    srd = write_srd(tmp_path / "srd")
    read = third_party.read_open5e(srd / "open5e-srd-2024")
    assert sorted(s.slug for s in read.spells) == ["spell/alarm", "spell/fireball", "spell/shield"]
    assert {s.provenance.source for s in read.spells} == {"SRD"}
    assert list(read.documents) == ["srd-5.2"]
    assert not read.complete_datasets  # a partial SRD folder retires nothing


def test_an_open5e_document_may_not_pose_as_the_srd(tmp_path: Path) -> None:
    folder = write_open5e(tmp_path / "tome", document="srd-5.2")
    with pytest.raises(MalformedSource, match=r"Document\.json: entry 'srd-5.2'.*reserved"):
        third_party.read_open5e(folder)
