"""The catalog subgraph: importing SRD 5.2 data and serving it over HTTP, on SQLite and PostgreSQL.

Two groups of tests:
- import behaviour (counts, idempotent re-import, updates, retiring, all-or-nothing on bad data),
  on small hand-made source files and once on the real files, each on a fresh database;
- the GraphQL API over the real SRD data, on one catalog per database backend shared by the module
  (the start-up import runs once per backend, which keeps the module fast).
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from infra.config import Settings
from infra.db.migrations import upgrade
from subgraphs.catalog.app import MIGRATIONS, NAME, build
from subgraphs.catalog.importers import __main__ as command
from subgraphs.catalog.importers.bundle import ENTRY_KINDS
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.kinds import all_documents
from subgraphs.catalog.models import (
    ENTRY_MODELS,
    Base,
    ClassRow,
    CreatureRow,
    OutboxEvent,
    SpellClassRow,
    SpellRow,
)
from subgraphs.catalog.services import ImportReport
from subgraphs.catalog.startup import import_srd
from subgraphs.kit.runtime import Runtime
from tests.catalog.srd_files import (
    FIVEE,
    OPEN5E,
    catalog_database,
    creature,
    raw_count,
    real_srd_dir,
    sample_classes,
    sample_equipment,
    sample_spells,
    served_real_srd,
    write_srd,
)
from tests.support import TokenFactory, asgi_client, gql

# --- import behaviour, each test on an emptied database ------------------------------------------

IMPORTS = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def import_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """One database per backend for the import tests; each test starts by emptying it."""
    async with catalog_database(request.param, tmp_path_factory, "catalog") as url:
        yield url


@pytest_asyncio.fixture(loop_scope="module")
async def runtime(import_database: str, tokens: TokenFactory) -> AsyncIterator[Runtime]:
    """The catalog's runtime on a migrated, empty database (no start-up import)."""
    runtime = Runtime.create(NAME, import_database, OutboxEvent, MIGRATIONS, tokens.verifier)
    await upgrade(runtime.engine, runtime.migrations)
    async with runtime.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):  # children before parents
            await connection.execute(table.delete())
    try:
        yield runtime
    finally:
        await runtime.engine.dispose()


async def _count(runtime: Runtime, model: Any, *, including_deleted: bool = False) -> int:
    statement = select(func.count()).select_from(model)
    if not including_deleted:
        statement = statement.where(model.is_deleted.is_(False))
    async with runtime.sessions() as session:
        return int((await session.execute(statement)).scalar_one())


async def _spell(runtime: Runtime, slug: str) -> SpellRow:
    async with runtime.sessions() as session:
        return (await session.execute(select(SpellRow).where(SpellRow.slug == slug))).scalar_one()


async def _class_slugs(runtime: Runtime, spell: SpellRow) -> set[str]:
    statement = select(SpellClassRow.class_slug).where(
        SpellClassRow.spell_id == spell.id, SpellClassRow.is_deleted.is_(False)
    )
    async with runtime.sessions() as session:
        return set((await session.execute(statement)).scalars())


def _counts(report: ImportReport, kind: str) -> tuple[int, int, int, int]:
    c = report.kinds[kind]
    return c.created, c.updated, c.unchanged, c.retired


@IMPORTS
async def test_reimport_updates_changed_entries_and_retires_removed_ones(
    runtime: Runtime, tmp_path: Path
) -> None:
    await import_srd(runtime, write_srd(tmp_path / "v1"))
    before = await _spell(runtime, "spell/fireball")
    alarm_before = await _spell(runtime, "spell/alarm")

    spells = sample_spells()
    spells[0]["fields"]["desc"] = "A corrected description with 8d6 fire."
    spells[1]["fields"]["classes"] = ["srd-2024_sorcerer"]  # Shield leaves the Wizard list
    del spells[2]  # Alarm disappears upstream
    classes = sample_classes()
    classes[1]["hit_die"] = 12
    report = await import_srd(runtime, write_srd(tmp_path / "v2", spells=spells, classes=classes))

    assert _counts(report, "spells") == (0, 2, 0, 1)
    assert _counts(report, "classes") == (0, 1, 1, 0)
    after = await _spell(runtime, "spell/fireball")
    assert after.id == before.id  # same entry, updated in place
    assert after.description == "A corrected description with 8d6 fire."
    assert after.version == before.version + 1
    shield = await _spell(runtime, "spell/shield")
    assert await _class_slugs(runtime, shield) == {"class/sorcerer"}
    assert shield.version == 2  # a changed class list is a new version of the spell
    assert (await _spell(runtime, "spell/alarm")).is_deleted is True
    assert await _count(runtime, SpellRow) == 2
    assert await _count(runtime, SpellRow, including_deleted=True) == 3  # nothing duplicated

    back = await import_srd(runtime, write_srd(tmp_path / "v3"))  # Alarm returns
    # Alarm restored, Fireball's text reverted, Shield back on the Wizard list.
    assert _counts(back, "spells") == (0, 3, 0, 0)
    restored = await _spell(runtime, "spell/alarm")
    assert (restored.is_deleted, restored.id) == (False, alarm_before.id)
    assert await _class_slugs(runtime, await _spell(runtime, "spell/shield")) == {"class/wizard"}
    assert await _count(runtime, SpellRow, including_deleted=True) == 3


@IMPORTS
async def test_a_malformed_file_imports_nothing_and_names_the_flaw(
    runtime: Runtime, tmp_path: Path
) -> None:
    classes = sample_classes()
    classes[1]["hit_die"] = "d10"  # the spells are fine; the class file is not
    broken = write_srd(tmp_path / "broken", classes=classes)
    with pytest.raises(MalformedSource) as caught:
        await import_srd(runtime, broken)
    assert (caught.value.file, caught.value.entry, caught.value.field) == (
        f"{FIVEE}/5e-SRD-Classes.json",
        "fighter",
        "hit_die",
    )
    assert await _count(runtime, SpellRow, including_deleted=True) == 0  # not even the spells
    assert await _count(runtime, ClassRow, including_deleted=True) == 0
    assert await _count(runtime, OutboxEvent) == 0

    await import_srd(runtime, write_srd(tmp_path / "good"))
    spells = sample_spells()
    spells[0]["fields"]["desc"] = "Changed"
    spells[2]["fields"]["level"] = "three"
    with pytest.raises(MalformedSource, match=r"Spell\.json: entry 'srd-2024_alarm': field"):
        await import_srd(runtime, write_srd(tmp_path / "half", spells=spells))
    assert (await _spell(runtime, "spell/fireball")).description != "Changed"  # all or nothing
    assert await _count(runtime, OutboxEvent) == 1  # the one good import's event

    broken_creature = [creature("goblin-warrior", "Goblin Warrior", armor_class="high")]
    changed_spells = sample_spells()
    changed_spells[0]["fields"]["desc"] = "Changed again"
    with pytest.raises(MalformedSource) as caught:
        await import_srd(
            runtime,
            write_srd(
                tmp_path / "bad-creature",
                spells=changed_spells,
                files={f"{OPEN5E}/Creature.json": broken_creature},
            ),
        )
    assert (caught.value.file, caught.value.entry, caught.value.field) == (
        f"{OPEN5E}/Creature.json",
        "srd-2024_goblin-warrior",
        "fields.armor_class",
    )
    assert (await _spell(runtime, "spell/fireball")).description != "Changed again"
    assert (await _creature(runtime, "creature/goblin-warrior")).armor_class == 15


@IMPORTS
async def test_reimport_updates_and_retires_entries_of_every_kind(
    runtime: Runtime, tmp_path: Path
) -> None:
    await import_srd(runtime, write_srd(tmp_path / "v1"))
    before = await _creature(runtime, "creature/goblin-warrior")
    creatures = [
        creature("goblin-warrior", "Goblin Warrior", armor_class=16),
        creature("goblin-boss", "Goblin Boss", challenge_rating="1.000"),
    ]
    report = await import_srd(
        runtime,
        write_srd(
            tmp_path / "v2",
            files={
                f"{OPEN5E}/Creature.json": creatures,
                f"{FIVEE}/5e-SRD-Equipment.json": sample_equipment()[:1],
            },
        ),
    )
    assert _counts(report, "creature") == (1, 1, 0, 0)
    assert _counts(report, "equipment") == (0, 0, 1, 1)
    assert _counts(report, "magic-item") == (0, 0, 1, 0)
    after = await _creature(runtime, "creature/goblin-warrior")
    assert (after.id, after.armor_class, after.version) == (before.id, 16, before.version + 1)
    assert await _count(runtime, ENTRY_MODELS["equipment"]) == 1
    assert await _count(runtime, ENTRY_MODELS["equipment"], including_deleted=True) == 2


async def _creature(runtime: Runtime, slug: str) -> CreatureRow:
    async with runtime.sessions() as session:
        statement = select(CreatureRow).where(CreatureRow.slug == slug)
        return (await session.execute(statement)).scalar_one()


async def test_start_up_imports_into_an_empty_catalog_only(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CATALOG_DATABASE_URL", database_url)
    monkeypatch.setenv("SRD_DIR", str(write_srd(tmp_path / "srd")))
    async with asgi_client(build(Settings.from_env())) as http:
        listed = await gql(http, "{ spells(first: 10) { nodes { slug } } }")
    assert [n["slug"] for n in listed["data"]["spells"]["nodes"]] == [
        "spell/alarm",
        "spell/fireball",
        "spell/shield",
    ]
    spells = sample_spells()
    spells[0]["fields"]["desc"] = "Changed on disk"
    write_srd(tmp_path / "srd", spells=spells)
    async with asgi_client(build(Settings.from_env())) as http:  # a restart: not empty, no import
        one = await gql(http, '{ spell(slug: "spell/fireball") { description } }')
    assert one["data"]["spell"]["description"] != "Changed on disk"


async def test_start_up_without_srd_data_leaves_the_catalog_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CATALOG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("SRD_DIR", str(tmp_path / "nowhere"))
    with caplog.at_level(logging.WARNING, logger="dndcreator.catalog"):
        async with asgi_client(build(Settings.from_env())) as http:
            listed = await gql(
                http, "{ spells(first: 5) { edges { cursor } } catalogSources { key } }"
            )
    assert listed["data"] == {"spells": {"edges": []}, "catalogSources": []}
    assert "no SRD data was found" in caplog.text


def test_the_import_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CATALOG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    srd = write_srd(tmp_path / "srd")
    assert command.main(["--srd-dir", str(srd)]) == 0
    assert "spells: 3 (3 new, 0 updated, 0 unchanged, 0 retired)" in capsys.readouterr().out
    assert command.main(["--srd-dir", str(srd)]) == 0
    assert "spells: 3 (0 new, 0 updated, 3 unchanged, 0 retired)" in capsys.readouterr().out

    spells = sample_spells()
    spells[1]["fields"]["school"] = "chronurgy"
    assert command.main(["--srd-dir", str(write_srd(tmp_path / "bad", spells=spells))]) == 1
    error = capsys.readouterr().err
    assert "open5e-srd-2024/Spell.json: entry 'srd-2024_shield': field 'fields.school'" in error
    assert command.main(["--srd-dir", str(tmp_path / "missing")]) == 2


# --- the GraphQL API over the real data, one catalog per backend for the whole module ----------

API = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def api_service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tokens: TokenFactory
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A catalog service that imported the real SRD data at start-up: its client and database."""
    async with served_real_srd(request.param, tmp_path_factory, "catalog", tokens) as served:
        yield served


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(api_service: tuple[httpx.AsyncClient, str]) -> httpx.AsyncClient:
    """The catalog service over HTTP (see ``api_service``)."""
    return api_service[0]


@API
async def test_start_up_import_matches_the_raw_files_and_reimport_changes_nothing(
    api_service: tuple[httpx.AsyncClient, str], tokens: TokenFactory
) -> None:
    srd = real_srd_dir()
    raw_spells = json.loads((srd / OPEN5E / "Spell.json").read_text(encoding="utf-8"))
    expected_spells = sum(1 for entry in raw_spells if entry["model"] == "api_v2.spell")
    raw_classes = json.loads((srd / FIVEE / "5e-SRD-Classes.json").read_text(encoding="utf-8"))
    expected_links = sum(len(entry["fields"]["classes"]) for entry in raw_spells)
    expected_kinds = {kind.kind: raw_count(srd, kind.folder, kind.files[0]) for kind in ENTRY_KINDS}
    runtime = Runtime.create(NAME, api_service[1], OutboxEvent, MIGRATIONS, tokens.verifier)
    try:
        for kind, expected in expected_kinds.items():  # what the start-up import wrote
            assert await _count(runtime, ENTRY_MODELS[kind]) == expected, kind
        assert await _count(runtime, SpellRow) == expected_spells
        assert await _count(runtime, ClassRow) == len(raw_classes)
        assert await _count(runtime, SpellClassRow) == expected_links
        indexed: dict[str, int] = {}
        async with runtime.sessions() as session:  # what the search indexer will read
            async for document in all_documents(session):
                assert document.slug.startswith(f"{document.kind}/") and document.name
                indexed[document.kind] = indexed.get(document.kind, 0) + 1
        assert indexed == {"spell": expected_spells, "class": len(raw_classes), **expected_kinds}

        again = await import_srd(runtime, srd)
        assert _counts(again, "spells") == (0, 0, expected_spells, 0)
        assert _counts(again, "classes") == (0, 0, len(raw_classes), 0)
        for kind, expected in expected_kinds.items():
            assert _counts(again, kind) == (0, 0, expected, 0), kind
            assert await _count(runtime, ENTRY_MODELS[kind], including_deleted=True) == expected
        assert await _count(runtime, SpellRow, including_deleted=True) == expected_spells
        assert await _count(runtime, SpellClassRow, including_deleted=True) == expected_links
        assert (await _spell(runtime, "spell/fireball")).version == 1  # untouched
        events = select(func.count()).where(OutboxEvent.type == "catalog.imported")
        async with runtime.sessions() as session:  # an import that changed nothing says nothing
            assert (await session.execute(events)).scalar_one() == 1
    finally:
        await runtime.engine.dispose()


@pytest.fixture(scope="module")
def raw_spells() -> list[dict[str, Any]]:
    path = real_srd_dir() / OPEN5E / "Spell.json"
    return [e["fields"] | {"pk": e["pk"]} for e in json.loads(path.read_text(encoding="utf-8"))]


SPELL_FIELDS = """
  id slug name level school ritual concentration duration description higherLevels
  castingTime { unit amount text } range { kind feet text }
  components { verbal somatic material materialText text }
  savingThrow attackRoll damageRoll damageTypes classSlugs classes { name hitDie }
  scaling { kind level damageRoll }
  provenance { source document license dataset sourceKey }
"""
SPELLS = """
query($first: Int!, $after: String, $level: Int, $school: MagicSchool, $className: String,
      $concentration: Boolean, $ritual: Boolean) {
  spells(first: $first, after: $after, level: $level, school: $school, className: $className,
         concentration: $concentration, ritual: $ritual) {
    edges { cursor node { slug level school concentration ritual } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _all_spells(http: httpx.AsyncClient, **filters: Any) -> list[dict[str, Any]]:
    """Every spell matching ``filters``, following the pages (100 at a time) to the end."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        result = await gql(http, SPELLS, {"first": 100, "after": after, **filters})
        page = result["data"]["spells"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


@API
async def test_fireball_is_served_with_its_mechanics(api: httpx.AsyncClient) -> None:
    by_slug = await gql(api, f'{{ spell(slug: "spell/fireball") {{ {SPELL_FIELDS} }} }}')
    fireball = by_slug["data"]["spell"]
    assert "errors" not in by_slug
    assert (fireball["name"], fireball["level"], fireball["school"]) == ("Fireball", 3, "EVOCATION")
    assert fireball["concentration"] is False and fireball["ritual"] is False
    assert "8d6" in fireball["description"]
    assert fireball["castingTime"] == {"unit": "ACTION", "amount": 1, "text": "Action"}
    assert fireball["range"] == {"kind": "DISTANCE", "feet": 150, "text": "150 feet"}
    assert fireball["components"]["text"].startswith("V, S, M (")
    assert (fireball["savingThrow"], fireball["damageTypes"]) == ("DEX", ["FIRE"])
    assert "class/wizard" in fireball["classSlugs"]
    assert {"name": "Wizard", "hitDie": 6} in fireball["classes"]
    assert fireball["scaling"][0] == {"kind": "SLOT_LEVEL", "level": 4, "damageRoll": "9d6"}
    assert fireball["provenance"] == {
        "source": "SRD",
        "document": "System Reference Document 5.2",
        "license": "CC-BY-4.0",
        "dataset": "open5e-srd-2024",
        "sourceKey": "srd-2024_fireball",
    }
    by_id = await gql(api, "query($id: ID!) { spell(id: $id) { slug } }", {"id": fireball["id"]})
    assert by_id["data"]["spell"] == {"slug": "spell/fireball"}
    missing = await gql(api, '{ spell(slug: "spell/no-such-spell") { id } }')
    assert missing["data"]["spell"] is None
    neither = await gql(api, "{ spell { id } }")
    assert neither["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@API
async def test_pages_cover_every_spell_once_in_slug_order(
    api: httpx.AsyncClient, raw_spells: list[dict[str, Any]]
) -> None:
    nodes = await _all_spells(api)
    slugs = [n["slug"] for n in nodes]
    assert len(slugs) == len(raw_spells)
    assert slugs == sorted(set(slugs))  # no duplicates, stable order
    first_page = await gql(api, SPELLS, {"first": 2})
    assert [e["node"]["slug"] for e in first_page["data"]["spells"]["edges"]] == slugs[:2]
    bad = await gql(api, SPELLS, {"first": 2, "after": "not-a-cursor"})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_many = await gql(api, SPELLS, {"first": 1000})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@API
async def test_filters_match_the_raw_data(
    api: httpx.AsyncClient, raw_spells: list[dict[str, Any]]
) -> None:
    def expected(keep: Any) -> int:
        return sum(1 for spell in raw_spells if keep(spell))

    third_evocation = await _all_spells(api, level=3, school="EVOCATION")
    assert len(third_evocation) == expected(
        lambda s: s["level"] == 3 and s["school"] == "evocation"
    )
    assert {(n["level"], n["school"]) for n in third_evocation} == {(3, "EVOCATION")}

    for name in ["Wizard", "class/paladin", "warlock"]:
        key = "srd-2024_" + name.removeprefix("class/").lower()
        found = await _all_spells(api, className=name)
        assert len(found) == expected(lambda s, key=key: key in s["classes"]), name

    rituals = await _all_spells(api, ritual=True)
    assert len(rituals) == expected(lambda s: s["ritual"]) and all(n["ritual"] for n in rituals)
    focused = await _all_spells(api, concentration=True, level=0)
    assert len(focused) == expected(lambda s: s["concentration"] and s["level"] == 0)
    assert await _all_spells(api, className="Astronomer") == []
    out_of_range = await gql(api, SPELLS, {"first": 5, "level": 10})
    assert out_of_range["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


CLASS_FIELDS = """
  id slug name hitDie savingThrows spellcastingAbility proficiencies proficiencyChoices
  primaryAbility { abilities anyOf text } description provenance { dataset license }
"""


@API
async def test_classes_are_served_with_their_traits(api: httpx.AsyncClient) -> None:
    raw = json.loads((real_srd_dir() / FIVEE / "5e-SRD-Classes.json").read_text(encoding="utf-8"))
    listed = await gql(api, "{ classes(first: 50) { nodes { slug hitDie } } }")
    nodes = listed["data"]["classes"]["nodes"]
    assert {n["slug"]: n["hitDie"] for n in nodes} == {
        f"class/{c['index']}": c["hit_die"] for c in raw
    }
    wizard = (await gql(api, f'{{ class(slug: "class/wizard") {{ {CLASS_FIELDS} }} }}'))["data"][
        "class"
    ]
    assert (wizard["hitDie"], wizard["savingThrows"], wizard["spellcastingAbility"]) == (
        6,
        ["INT", "WIS"],
        "INT",
    )
    assert wizard["primaryAbility"] == {
        "abilities": ["INT"],
        "anyOf": False,
        "text": "Intelligence",
    }
    assert "Simple Weapons" in wizard["proficiencies"]
    assert wizard["provenance"] == {"dataset": "5e-database-2024", "license": "CC-BY-4.0"}
    fighter = await gql(
        api,
        '{ class(slug: "class/fighter") '
        "{ primaryAbility { abilities anyOf } spellcastingAbility } }",
    )
    assert fighter["data"]["class"] == {
        "primaryAbility": {"abilities": ["STR", "DEX"], "anyOf": True},
        "spellcastingAbility": None,
    }
    ninth = await gql(
        api,
        '{ class(slug: "class/wizard") { spells(first: 100, level: 9) { nodes { slug level } } } }',
    )
    nines = ninth["data"]["class"]["spells"]["nodes"]
    assert nines and {n["level"] for n in nines} == {9}
    assert "spell/wish" in {n["slug"] for n in nines}


@API
async def test_catalog_sources_serve_the_srd_attribution(api: httpx.AsyncClient) -> None:
    sources = (await gql(api, "{ catalogSources { key name license attribution } }"))["data"][
        "catalogSources"
    ]
    assert [(s["key"], s["license"]) for s in sources] == [("srd-5.2", "CC-BY-4.0")]
    provenance = (real_srd_dir() / "PROVENANCE.md").read_text(encoding="utf-8")
    notice = re.search(r'for any use: "(.*)"\s*$', provenance, re.MULTILINE)
    assert notice is not None
    assert sources[0]["attribution"] == notice.group(1)


ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Spell { slug level }
    ... on CharacterClass { slug hitDie }
  }
}"""


@API
async def test_entities_resolve_by_id_and_by_slug(api: httpx.AsyncClient) -> None:
    fireball = (await gql(api, '{ spell(slug: "spell/fireball") { id } }'))["data"]["spell"]
    wizard = (await gql(api, '{ class(slug: "class/wizard") { id } }'))["data"]["class"]
    reps = [
        {"__typename": "Spell", "id": fireball["id"]},
        {"__typename": "Spell", "slug": "spell/wish"},
        {"__typename": "CharacterClass", "id": wizard["id"]},
        {"__typename": "CharacterClass", "slug": "class/bard"},
        {"__typename": "Spell", "id": "00000000-0000-0000-0000-000000000000"},
        {"__typename": "Spell", "id": "not-a-uuid"},
    ]
    result = await gql(api, ENTITIES, {"reps": reps})
    assert result["data"]["_entities"] == [
        {"slug": "spell/fireball", "level": 3},
        {"slug": "spell/wish", "level": 9},
        {"slug": "class/wizard", "hitDie": 6},
        {"slug": "class/bard", "hitDie": 8},
        None,
        None,
    ]
    sdl = (await gql(api, "{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert re.search(r'type Spell @key\(fields: "id"\) @key\(fields: "slug"\)', sdl)
    assert re.search(r'type CharacterClass @key\(fields: "id"\) @key\(fields: "slug"\)', sdl)
    assert "enum MagicSchool" in sdl and "enum Ability" in sdl


@API
async def test_the_catalog_is_public(api: httpx.AsyncClient, tokens: TokenFactory) -> None:
    query = '{ spell(slug: "spell/fireball") { name } classes(first: 1) { nodes { name } } }'
    anonymous = await gql(api, query)
    assert "errors" not in anonymous
    assert anonymous["data"]["spell"] == {"name": "Fireball"}
    signed_in = await gql(api, query, headers=tokens.headers())  # signing in changes nothing
    assert signed_in["data"] == anonymous["data"]


# --- the other kinds over HTTP ------------------------------------------------------------------


async def _all(
    http: httpx.AsyncClient, field: str, selection: str, arguments: str = ""
) -> list[dict[str, Any]]:
    """Every node of a root list field, 100 a page; ``arguments`` is GraphQL argument text."""
    query = (
        f"query($after: String) {{ {field}(first: 100, after: $after"
        f"{', ' + arguments if arguments else ''}) "
        f"{{ nodes {{ {selection} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )
    nodes: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        result = await gql(http, query, {"after": after})
        assert "errors" not in result, result
        page = result["data"][field]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


@pytest.fixture(scope="module")
def raw_creatures() -> list[dict[str, Any]]:
    path = real_srd_dir() / OPEN5E / "Creature.json"
    return [e["fields"] | {"pk": e["pk"]} for e in json.loads(path.read_text(encoding="utf-8"))]


@API
async def test_creatures_filter_by_cr_type_and_size_and_sort_by_cr(
    api: httpx.AsyncClient, raw_creatures: list[dict[str, Any]]
) -> None:
    def expected(keep: Any) -> set[str]:
        return {"creature/" + c["pk"].removeprefix("srd-2024_") for c in raw_creatures if keep(c)}

    everything = await _all(api, "creatures", "slug")
    assert len(everything) == len(raw_creatures)
    dragons = await _all(api, "creatures", "slug type", "type: DRAGON, minCr: 10, maxCr: 20")
    assert {n["slug"] for n in dragons} == expected(
        lambda c: c["type"] == "dragon" and 10 <= float(c["challenge_rating"]) <= 20
    )
    tiny = await _all(api, "creatures", "slug size", "size: TINY, maxCr: 0.25")
    assert {n["slug"] for n in tiny} == expected(
        lambda c: c["size"] == "tiny" and float(c["challenge_rating"]) <= 0.25
    )
    by_cr = await _all(
        api, "creatures", "slug challengeRating", "sort: CHALLENGE_RATING, descending: true"
    )
    ratings = [n["challengeRating"] for n in by_cr]
    assert ratings == sorted(ratings, reverse=True) and len(by_cr) == len(raw_creatures)
    assert len({n["slug"] for n in by_cr}) == len(by_cr)  # pages neither repeat nor skip
    upside_down = await gql(api, "{ creatures(first: 1, minCr: 5, maxCr: 1) { nodes { slug } } }")
    assert upside_down["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    by_name = await gql(api, "{ creatures(first: 1, sort: NAME) { pageInfo { endCursor } } }")
    cursor = by_name["data"]["creatures"]["pageInfo"]["endCursor"]
    page = "query($after: String) { creatures(first: 1, after: $after, sort: CHALLENGE_RATING) "
    page += "{ nodes { slug } } }"
    other_order = await gql(api, page, {"after": cursor})
    assert other_order["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    forged_raw = 'sorted:["challenge_rating", "high", "creature/aboleth"]'
    forged = base64.urlsafe_b64encode(forged_raw.encode()).decode()
    wrong_type = await gql(api, page, {"after": forged})
    assert wrong_type["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


CREATURE_FIELDS = """
  name size type alignment armorClass challengeText proficiencyBonus xp
  hitPoints { average formula } initiative { bonus score } passivePerception
  speeds { mode feet } senses { sense feet } languages
  abilityScores { ability score modifier } savingThrows { ability bonus proficient }
  skills { skill bonus expertise } damageImmunities
  traits { name } actions { name kind uses attacks { toHit damageDice damageType } }
  legendaryActions { name legendaryCost }
"""


@API
async def test_stat_blocks_are_served_with_derived_totals(
    api: httpx.AsyncClient, raw_creatures: list[dict[str, Any]]
) -> None:
    raw = {c["pk"]: c for c in raw_creatures}
    result = await gql(
        api, f'{{ creature(slug: "creature/adult-red-dragon") {{ {CREATURE_FIELDS} }} }}'
    )
    dragon = result["data"]["creature"]
    printed = raw["srd-2024_adult-red-dragon"]
    assert (dragon["size"], dragon["type"], dragon["challengeText"]) == ("HUGE", "DRAGON", "17")
    assert (dragon["proficiencyBonus"], dragon["xp"]) == (6, 18000)
    assert dragon["hitPoints"] == {"average": printed["hit_points"], "formula": "19d12 + 133"}
    assert dragon["initiative"]["bonus"] == printed["initiative_bonus"]
    assert dragon["passivePerception"] == printed["passive_perception"]
    saves = {s["ability"]: s["bonus"] for s in dragon["savingThrows"]}
    assert saves["DEX"] == printed["saving_throw_dexterity"]
    assert saves["WIS"] == printed["saving_throw_wisdom"]
    assert {"skill": "PERCEPTION", "bonus": 13, "expertise": True} in dragon["skills"]
    assert {"mode": "FLY", "feet": 80} in dragon["speeds"]
    assert dragon["damageImmunities"] == ["FIRE"]
    assert dragon["legendaryActions"] and dragon["legendaryActions"][0]["legendaryCost"] >= 1
    kinds = [a["kind"] for a in dragon["actions"]]
    assert kinds == sorted(
        kinds, key=["ACTION", "BONUS_ACTION", "REACTION", "LEGENDARY_ACTION"].index
    )
    assert any(a["uses"] == "Recharge 5-6" for a in dragon["actions"])
    goblin = (
        await gql(api, f'{{ creature(slug: "creature/goblin-warrior") {{ {CREATURE_FIELDS} }} }}')
    )["data"]["creature"]
    assert (goblin["challengeText"], goblin["xp"], goblin["hitPoints"]["average"]) == (
        "1/4",
        50,
        10,
    )
    assert goblin["skills"] == [{"skill": "STEALTH", "bonus": 6, "expertise": True}]
    assert goblin["actions"][0]["attacks"] == [
        {"toHit": 4, "damageDice": "1d6", "damageType": "SLASHING"}
    ]


@API
async def test_spells_filter_by_damage_type_and_save_and_sort_by_level(
    api: httpx.AsyncClient, raw_spells: list[dict[str, Any]]
) -> None:
    fire = await _all(api, "spells", "slug damageTypes", "damageType: FIRE")
    assert {n["slug"] for n in fire} == {
        "spell/" + s["pk"].removeprefix("srd-2024_")
        for s in raw_spells
        if "fire" in s["damage_types"]
    }
    wisdom = await _all(api, "spells", "slug savingThrow", 'savingThrow: WIS, className: "cleric"')
    assert wisdom and {n["savingThrow"] for n in wisdom} == {"WIS"}
    assert len(wisdom) == sum(
        1
        for s in raw_spells
        if s["saving_throw_ability"] == "wisdom" and "srd-2024_cleric" in s["classes"]
    )
    by_level = await _all(api, "spells", "slug level", "sort: LEVEL")
    levels = [n["level"] for n in by_level]
    assert levels == sorted(levels) and len(by_level) == len(raw_spells)
    fireball = (
        await gql(
            api, '{ spell(slug: "spell/fireball") { area { shape sizeFeet } materialCostGp } }'
        )
    )["data"]["spell"]
    assert fireball == {"area": {"shape": "SPHERE", "sizeFeet": 20}, "materialCostGp": None}
    revivify = (await gql(api, '{ spell(slug: "spell/revivify") { materialCostGp } }'))["data"]
    assert revivify["spell"]["materialCostGp"] == 300


@API
async def test_items_filter_by_category_rarity_and_attunement(api: httpx.AsyncClient) -> None:
    raw_items = json.loads(
        (real_srd_dir() / FIVEE / "5e-SRD-Magic-Items.json").read_text(encoding="utf-8")
    )
    rings = await _all(
        api,
        "magicItems",
        "slug rarity requiresAttunement",
        "category: RING, requiresAttunement: true",
    )
    assert len(rings) == sum(
        1 for i in raw_items if i["equipment_category"]["index"] == "rings" and i["attunement"]
    )
    assert all(n["requiresAttunement"] for n in rings)
    legendary = await _all(api, "magicItems", "slug rarity", "rarity: LEGENDARY")
    assert len(legendary) == sum(1 for i in raw_items if i["rarity"]["name"] == "Legendary")
    ring = (
        await gql(
            api,
            '{ magicItem(slug: "magic-item/ring-of-protection") '
            "{ rarity requiresAttunement effects { target bonus } } }",
        )
    )["data"]["magicItem"]
    assert ring == {
        "rarity": "RARE",
        "requiresAttunement": True,
        "effects": [{"target": "ARMOR_CLASS", "bonus": 1}, {"target": "SAVING_THROWS", "bonus": 1}],
    }
    martial_finesse = await _all(
        api,
        "equipment",
        "slug weapon { category properties }",
        "weaponCategory: MARTIAL, property: FINESSE",
    )
    assert {n["slug"] for n in martial_finesse} >= {"equipment/rapier", "equipment/scimitar"}
    assert all("FINESSE" in n["weapon"]["properties"] for n in martial_finesse)
    heavy = await _all(
        api, "equipment", "slug armor { baseAc strengthMinimum }", "armorCategory: HEAVY"
    )
    assert {n["slug"]: n["armor"]["baseAc"] for n in heavy}["equipment/plate-armor"] == 18
    longsword = (
        await gql(
            api,
            '{ equipmentItem(slug: "equipment/longsword") { costText weightLb '
            "weapon { damageDice damageType versatileDice mastery range { normal } } } }",
        )
    )["data"]["equipmentItem"]
    assert longsword == {
        "costText": "15 GP",
        "weightLb": 3.0,
        "weapon": {
            "damageDice": "1d8",
            "damageType": "SLASHING",
            "versatileDice": "1d10",
            "mastery": "SAP",
            "range": None,
        },
    }


@API
async def test_character_options_are_served_and_linked(api: httpx.AsyncClient) -> None:
    result = await gql(
        api,
        """{
          class(slug: "class/barbarian") {
            casterKind levels { level proficiencyBonus features { name } numbers { key value } }
            features(maxLevel: 2) { slug level }
            subclassEntries { slug characterClass { slug } features { level name } }
          }
          druid: class(slug: "class/druid") {
            casterKind levels { level spellcasting { cantrips } }
          }
          species(slug: "species/elf") {
            sizes speed traits { slug } lineages { slug species { slug } }
          }
          background(slug: "background/acolyte") { abilities skills feat { slug category } }
          feats(first: 50, category: EPIC_BOON) { nodes { slug prerequisite { minimumLevel } } }
          subclasses(first: 50, className: "Wizard") { nodes { slug } }
          conditions(first: 50) { nodes { condition } }
          skills(first: 50, ability: DEX) { nodes { skill } }
          ruleSections(first: 50, chapter: "Combat", sort: NAME) { nodes { slug chapter } }
        }""",
    )
    assert "errors" not in result, result
    data = result["data"]
    barbarian = data["class"]
    assert barbarian["casterKind"] == "NONE" and len(barbarian["levels"]) == 20
    first = barbarian["levels"][0]
    assert first["proficiencyBonus"] == 2 and "Rage" in {f["name"] for f in first["features"]}
    assert {"key": "rage_count", "value": 2.0} in first["numbers"]
    assert {f["level"] for f in barbarian["features"]} <= {1, 2}
    assert barbarian["subclassEntries"][0]["characterClass"]["slug"] == "class/barbarian"
    druid_levels = {lv["level"]: lv["spellcasting"]["cantrips"] for lv in data["druid"]["levels"]}
    assert (druid_levels[7], druid_levels[16]) == (3, 4)  # the rules engine's table, not upstream's
    elf = data["species"]
    assert elf["sizes"] == ["MEDIUM"] and elf["speed"] == 30
    assert {lin["species"]["slug"] for lin in elf["lineages"]} == {"species/elf"}
    assert len(elf["lineages"]) == 3
    assert data["background"] == {
        "abilities": ["INT", "WIS", "CHA"],
        "skills": ["INSIGHT", "RELIGION"],
        "feat": {"slug": "feat/magic-initiate", "category": "ORIGIN"},
    }
    boons = data["feats"]["nodes"]
    assert boons and {b["prerequisite"]["minimumLevel"] for b in boons} == {19}
    assert data["subclasses"]["nodes"] == [{"slug": "subclass/evoker"}]
    assert len(data["conditions"]["nodes"]) == 15
    combat = data["ruleSections"]["nodes"]
    assert "rule/combat-cover" in {n["slug"] for n in combat}
    assert {n["chapter"] for n in combat} == {"Combat"}
    assert {n["skill"] for n in data["skills"]["nodes"]} == {
        "ACROBATICS",
        "SLEIGHT_OF_HAND",
        "STEALTH",
    }


KIND_ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Creature { slug }
    ... on MagicItem { slug }
    ... on Equipment { slug }
    ... on Feat { slug }
    ... on Species { slug }
    ... on ConditionDefinition { slug }
  }
}"""


@API
async def test_every_kind_is_an_entity_by_id_and_slug(api: httpx.AsyncClient) -> None:
    goblin = (await gql(api, '{ creature(slug: "creature/goblin-warrior") { id } }'))["data"]
    reps = [
        {"__typename": "Creature", "id": goblin["creature"]["id"]},
        {"__typename": "MagicItem", "slug": "magic-item/bag-of-holding"},
        {"__typename": "Equipment", "slug": "equipment/longsword"},
        {"__typename": "Feat", "slug": "feat/alert"},
        {"__typename": "Species", "slug": "species/dwarf"},
        {"__typename": "ConditionDefinition", "slug": "condition/prone"},
        {"__typename": "Creature", "slug": "creature/no-such-thing"},
    ]
    result = await gql(api, KIND_ENTITIES, {"reps": reps})
    assert [e and e["slug"] for e in result["data"]["_entities"]] == [
        "creature/goblin-warrior",
        "magic-item/bag-of-holding",
        "equipment/longsword",
        "feat/alert",
        "species/dwarf",
        "condition/prone",
        None,
    ]
    sdl = (await gql(api, "{ _service { sdl } }"))["data"]["_service"]["sdl"]
    for name in ["Creature", "MagicItem", "Equipment", "Subclass", "Background", "Language"]:
        assert re.search(rf'type {name} @key\(fields: "id"\) @key\(fields: "slug"\)', sdl), name
