"""Catalog search through GraphQL: ranking, highlights, filters, concept search, bad input, and
the index following re-imports. Runs on SQLite with the embedded FTS5 index, and on PostgreSQL
with the PostgreSQL full-text index (skipped locally without a server, required in CI)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from joserfc.jwk import KeySet

from auth.tokens import StaticKeyVerifier
from infra.config import Settings
from subgraphs.catalog import kinds
from subgraphs.catalog.app import MIGRATIONS, NAME, build
from subgraphs.catalog.models import OutboxEvent
from subgraphs.catalog.startup import import_srd
from subgraphs.kit.runtime import Runtime
from tests.catalog.srd_files import sample_spells, spell, write_srd
from tests.conftest import fresh_postgres_database
from tests.support import asgi_client, gql

SEARCH = """
query ($text: String!, $kinds: [String!], $first: Int! = 10, $after: String) {
  search(text: $text, kinds: $kinds, first: $first, after: $after) {
    matchedAllWords
    pageInfo { hasNextPage endCursor }
    edges { cursor node { kind slug name score highlights { field text markdown
      matches { start end } } } }
  }
}"""

pytestmark = pytest.mark.asyncio(loop_scope="module")

CONCEPT = """
query ($concept: String!, $kinds: [String!], $first: Int! = 5) {
  conceptSearch(concept: $concept, kinds: $kinds, first: $first) {
    concept ranking kinds { kind options { kind slug name score reasons } }
  }
}"""


@dataclass
class Catalog:
    http: httpx.AsyncClient
    database_url: str
    srd: Path

    async def search(self, text: str, **variables: Any) -> dict[str, Any]:
        return await gql(self.http, SEARCH, {"text": text, **variables})

    async def slugs(self, text: str, **variables: Any) -> list[str]:
        body = await self.search(text, **variables)
        assert "errors" not in body, body
        return [edge["node"]["slug"] for edge in body["data"]["search"]["edges"]]

    async def concept(self, concept: str, **variables: Any) -> dict[str, Any]:
        return await gql(self.http, CONCEPT, {"concept": concept, **variables})

    async def reimport(self, spells: list[dict[str, Any]]) -> None:
        """Import changed files from another runtime, as the import command would."""
        runtime = Runtime.create(
            NAME, self.database_url, OutboxEvent, MIGRATIONS, StaticKeyVerifier(KeySet([]))
        )
        try:
            await import_srd(runtime, write_srd(self.srd, spells=spells))
        finally:
            await runtime.engine.dispose()


@contextlib.asynccontextmanager
async def _database(kind: str, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    """(catalog database URL, search URL) for one backend pairing."""
    if kind == "postgres":
        async with fresh_postgres_database() as url:
            yield url, url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'catalog.db'}", ""


@contextlib.asynccontextmanager
async def _catalog(kind: str, folder: Path) -> AsyncIterator[Catalog]:
    with pytest.MonkeyPatch.context() as patch:
        async with _database(kind, folder) as (database_url, search_url):
            srd = write_srd(folder / "srd")
            patch.setenv("CATALOG_DATABASE_URL", database_url)
            patch.setenv("SRD_DIR", str(srd))
            patch.setenv("SEARCH_URL", search_url)
            patch.setenv("SEARCH_FRESHNESS_SECONDS", "0")  # see changes at once
            patch.delenv("SEARCH_EMBEDDINGS", raising=False)
            async with asgi_client(build(Settings.from_env())) as http:
                yield Catalog(http, database_url, srd)


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def catalog(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalog]:
    """One catalog per backend for the read-only tests of the module (start-up costs once)."""
    async with _catalog(request.param, tmp_path_factory.mktemp("search")) as catalog:
        yield catalog


@pytest_asyncio.fixture(loop_scope="module", params=["sqlite", "postgres"])
async def fresh_catalog(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Catalog]:
    """A catalog of its own, for a test that changes it."""
    async with _catalog(request.param, tmp_path) as catalog:
        yield catalog


def error_of(body: dict[str, Any]) -> tuple[str, str, str]:
    [error] = body["errors"]
    extensions = error["extensions"]
    return extensions["code"], extensions.get("argument", ""), error["message"]


# --- full-text search ----------------------------------------------------------------------------


async def test_the_named_entry_ranks_first_with_its_name_highlighted(catalog: Catalog) -> None:
    body = await catalog.search("fireball")
    result = body["data"]["search"]
    first = result["edges"][0]["node"]
    assert (first["kind"], first["slug"], first["name"]) == ("spell", "spell/fireball", "Fireball")
    assert result["matchedAllWords"] is True
    [name] = [h for h in first["highlights"] if h["field"] == "name"]
    assert name["markdown"] == "**Fireball**"
    assert name["matches"] == [{"start": 0, "end": 8}]


async def test_text_matches_are_highlighted_in_a_fragment(catalog: Catalog) -> None:
    body = await catalog.search("magical")
    hits = {edge["node"]["slug"]: edge["node"] for edge in body["data"]["search"]["edges"]}
    [text] = [h for h in hits["spell/shield"]["highlights"] if h["field"] == "text"]
    assert [text["text"][m["start"] : m["end"]] for m in text["matches"]] == ["magical"]
    assert "**magical**" in text["markdown"]


async def test_prefix_of_the_last_word_matches(catalog: Catalog) -> None:
    assert (await catalog.slugs("firebal"))[0] == "spell/fireball"


async def test_kinds_filter(catalog: Catalog) -> None:
    everything = await catalog.search("magical")
    kinds = {e["node"]["kind"] for e in everything["data"]["search"]["edges"]}
    assert "spell" in kinds
    only_spells = await catalog.search("magical", kinds=["spell", "class"])
    assert {e["node"]["kind"] for e in only_spells["data"]["search"]["edges"]} == {"spell"}
    assert await catalog.slugs("wizard", kinds=["class"]) == ["class/wizard"]
    # Spells are tagged with the classes that can cast them: the sample's spells are all on the
    # wizard's list, none on the fighter's.
    assert await catalog.slugs("fighter", kinds=["spell"]) == []
    on_wizard_list = await catalog.search("wizard", kinds=["spell"])
    assert {e["node"]["kind"] for e in on_wizard_list["data"]["search"]["edges"]} == {"spell"}


async def test_pages_follow_each_other_without_repeats(catalog: Catalog) -> None:
    everything = await catalog.slugs("magical", first=50)
    assert len(everything) >= 3
    seen: list[str] = []
    after = None
    while True:
        body = await catalog.search("magical", first=2, after=after)
        page = body["data"]["search"]
        seen += [edge["node"]["slug"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everything


async def test_no_entry_with_every_word_falls_back_to_any_word(catalog: Catalog) -> None:
    body = await catalog.search("fireball xylophone")
    result = body["data"]["search"]
    assert result["matchedAllWords"] is False
    assert result["edges"][0]["node"]["slug"] == "spell/fireball"


@pytest.mark.parametrize(
    ("variables", "argument", "message"),
    [
        ({"text": ""}, "text", "at least one word"),
        ({"text": "   "}, "text", "at least one word"),
        ({"text": "the of and"}, "text", "at least one word"),
        ({"text": "!!!"}, "text", "at least one word"),
        ({"text": "x" * 201}, "text", "too long"),
        ({"text": "fire", "first": 0}, "first", "between 1 and 50"),
        ({"text": "fire", "first": 51}, "first", "between 1 and 50"),
        ({"text": "fire", "first": -1}, "first", "between 1 and 50"),
        ({"text": "fire", "kinds": []}, "kinds", "at least one kind"),
        ({"text": "fire", "kinds": ["spels"]}, "kinds", "unknown kind(s) spels"),
        ({"text": "fire", "after": "bm9wZQ=="}, "after", "not a cursor"),
        ({"text": "fire", "after": "%%%"}, "after", "not a cursor"),
    ],
)
async def test_bad_search_input_is_a_clear_error(
    catalog: Catalog, variables: dict[str, Any], argument: str, message: str
) -> None:
    body = await gql(catalog.http, SEARCH, variables)
    assert body["data"] is None
    code, named, text = error_of(body)
    assert (code, named) == ("BAD_USER_INPUT", argument)
    assert message in text


# --- concept search ------------------------------------------------------------------------------


async def test_concept_search_offers_options_per_kind_with_reasons(catalog: Catalog) -> None:
    body = await catalog.concept("a flame-hurling wizard who blasts foes with fire")
    result = body["data"]["conceptSearch"]
    assert result["ranking"] == "expansion"
    by_kind = {group["kind"]: group["options"] for group in result["kinds"]}
    assert [group["kind"] for group in result["kinds"]][:2] == ["class", "spell"]
    assert by_kind["class"][0]["slug"] == "class/wizard"
    assert any('"wizard" in its name' in reason for reason in by_kind["class"][0]["reasons"])
    top_spell = by_kind["spell"][0]
    assert top_spell["slug"] == "spell/fireball"
    assert any('"fire"' in reason or '"flame"' in reason for reason in top_spell["reasons"])
    for options in by_kind.values():
        assert all(option["reasons"] for option in options)
        scores = [option["score"] for option in options]
        assert scores == sorted(scores, reverse=True)


async def test_concept_search_relates_words_the_catalog_does_not_use(catalog: Catalog) -> None:
    body = await catalog.concept("a pyromancer", kinds=["spell"])
    [group] = body["data"]["conceptSearch"]["kinds"]
    assert group["kind"] == "spell"
    top = group["options"][0]
    assert top["slug"] == "spell/fireball"
    assert any('~ "' in reason and "(fire)" in reason for reason in top["reasons"])


async def test_concept_search_kinds_and_first(catalog: Catalog) -> None:
    body = await catalog.concept("a magic spell caster", kinds=["spell"], first=1)
    groups = body["data"]["conceptSearch"]["kinds"]
    assert [group["kind"] for group in groups] == ["spell"]
    assert len(groups[0]["options"]) == 1


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"concept": ""}, "concept"),
        ({"concept": "a the of"}, "concept"),
        ({"concept": "x" * 501}, "concept"),
        ({"concept": "fire", "first": 0}, "first"),
        ({"concept": "fire", "first": 21}, "first"),
        ({"concept": "fire", "kinds": ["wizard"]}, "kinds"),
    ],
)
async def test_bad_concept_input_is_a_clear_error(
    catalog: Catalog, variables: dict[str, Any], argument: str
) -> None:
    body = await gql(catalog.http, CONCEPT, variables)
    assert body["data"] is None
    assert error_of(body)[:2] == ("BAD_USER_INPUT", argument)


# --- keeping in step with the catalog -------------------------------------------------------------


async def test_the_index_follows_a_reimport_updates_and_soft_deletes(
    fresh_catalog: Catalog,
) -> None:
    catalog = fresh_catalog
    assert await catalog.slugs("frost") == []
    assert await catalog.slugs("alarm") == ["spell/alarm"]
    spells = [s for s in sample_spells() if s["pk"] != "srd-2024_alarm"]  # alarm retired
    spells[0]["fields"]["desc"] = "A freezing burst of frost."  # fireball rewritten
    spells.append(spell("ice-knife", "Ice Knife", desc="A shard of ice."))  # a new one
    await catalog.reimport(spells)

    assert await catalog.slugs("frost") == ["spell/fireball"]
    assert await catalog.slugs("explosion") == []  # the old text is gone from the index
    assert await catalog.slugs("alarm") == []
    assert await catalog.slugs("ice knife") == ["spell/ice-knife"]
    body = await catalog.concept("an alarm ward", kinds=["spell"])
    offered = [o["slug"] for o in body["data"]["conceptSearch"]["kinds"][0]["options"]]
    assert "spell/alarm" not in offered

    await catalog.reimport(sample_spells())  # alarm comes back, ice knife goes
    assert await catalog.slugs("alarm") == ["spell/alarm"]
    assert await catalog.slugs("ice knife") == []


async def test_spell_documents_tag_their_classes_and_healing(fresh_catalog: Catalog) -> None:
    catalog = fresh_catalog
    cure = spell(
        "cure-wounds",
        "Cure Wounds",
        classes=["srd-2024_cleric", "srd-2024_druid"],
        damage_roll="2d8",
        desc="A creature you touch regains a number of Hit Points equal to 2d8.",
    )
    await catalog.reimport([*sample_spells(), cure])
    runtime = Runtime.create(
        NAME, catalog.database_url, OutboxEvent, MIGRATIONS, StaticKeyVerifier(KeySet([]))
    )
    try:
        async with runtime.sessions() as session:
            tags = {d.slug: d.tags async for d in kinds.spell_documents(session)}
    finally:
        await runtime.engine.dispose()
    assert {"cleric", "druid", "healing"} <= set(tags["spell/cure-wounds"])
    assert {"sorcerer", "wizard"} <= set(tags["spell/fireball"])
    assert not {"healing", "cleric"} & set(tags["spell/fireball"])  # damage is not healing
    # A concept naming only the class finds that class's spell through the tag.
    body = await catalog.concept("a druid", kinds=["spell"])
    offered = [o["slug"] for o in body["data"]["conceptSearch"]["kinds"][0]["options"]]
    assert offered[0] == "spell/cure-wounds"
