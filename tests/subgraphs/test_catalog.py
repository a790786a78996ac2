"""The catalog subgraph: importing SRD 5.2 data and serving it over HTTP, on SQLite and PostgreSQL.

Two groups of tests:
- import behaviour (counts, idempotent re-import, updates, retiring, all-or-nothing on bad data),
  on small hand-made source files and once on the real files, each on a fresh database;
- the GraphQL API over the real SRD data, on one catalog per database backend shared by the module
  (the start-up import runs once per backend, which keeps the module fast).
"""

from __future__ import annotations

import contextlib
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
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.models import Base, ClassRow, OutboxEvent, SpellClassRow, SpellRow
from subgraphs.catalog.services import ImportReport
from subgraphs.catalog.startup import import_srd
from subgraphs.kit.runtime import Runtime
from tests.catalog.srd_files import (
    FIVEE,
    OPEN5E,
    real_srd_dir,
    sample_classes,
    sample_spells,
    write_srd,
)
from tests.conftest import fresh_postgres_database
from tests.support import TokenFactory, asgi_client, gql

# --- import behaviour, each test on an emptied database ------------------------------------------

IMPORTS = pytest.mark.asyncio(loop_scope="module")


@contextlib.asynccontextmanager
async def _database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if kind == "postgres":
        async with fresh_postgres_database() as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('catalog') / 'catalog.db'}"


@pytest.fixture(scope="module")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def import_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """One database per backend for the import tests; each test starts by emptying it."""
    async with _database(request.param, tmp_path_factory) as url:
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
async def test_real_import_counts_match_the_raw_files_and_reimport_changes_nothing(
    runtime: Runtime,
) -> None:
    srd = real_srd_dir()
    raw_spells = json.loads((srd / OPEN5E / "Spell.json").read_text(encoding="utf-8"))
    expected_spells = sum(1 for entry in raw_spells if entry["model"] == "api_v2.spell")
    raw_classes = json.loads((srd / FIVEE / "5e-SRD-Classes.json").read_text(encoding="utf-8"))
    expected_links = sum(len(entry["fields"]["classes"]) for entry in raw_spells)

    first = await import_srd(runtime, srd)
    assert _counts(first, "spells") == (expected_spells, 0, 0, 0)
    assert _counts(first, "classes") == (len(raw_classes), 0, 0, 0)
    assert await _count(runtime, SpellRow) == expected_spells
    assert await _count(runtime, SpellClassRow) == expected_links

    second = await import_srd(runtime, srd)
    assert _counts(second, "spells") == (0, 0, expected_spells, 0)
    assert _counts(second, "classes") == (0, 0, len(raw_classes), 0)
    assert await _count(runtime, SpellRow, including_deleted=True) == expected_spells
    assert await _count(runtime, ClassRow, including_deleted=True) == len(raw_classes)
    assert await _count(runtime, SpellClassRow, including_deleted=True) == expected_links
    assert (await _spell(runtime, "spell/fireball")).version == 1  # untouched by the re-import
    assert await _count(runtime, OutboxEvent) == 1  # an import that changed nothing says nothing


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
async def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tokens: TokenFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """A catalog service that imported the real SRD data at start-up, reached over HTTP."""
    srd = real_srd_dir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SRD_DIR", str(srd))
        async with _database(request.param, tmp_path_factory) as url:
            patch.setenv("CATALOG_DATABASE_URL", url)
            async with asgi_client(build(Settings.from_env(), tokens.verifier)) as http:
                yield http


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
