"""The search port's contract, run against every backend: SQLite FTS5 (always), PostgreSQL (the
``postgres_url`` fixture: skipped locally without a server, required in CI) and OpenSearch (only
when ``OPENSEARCH_URL`` is set, since opensearch-py is an optional dependency)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator

import pytest

from infra.search import Match, SearchDocument, SearchIndex, SearchQuery, create_search_index
from infra.search.highlight import parse_marked
from infra.search.opensearch import query_body
from infra.search.port import MARK_CLOSE, MARK_OPEN
from infra.search.postgres_fts import PostgresFtsIndex, tsquery_text
from infra.search.sqlite_fts import SqliteFtsIndex, match_expression
from infra.search.terms import stem, terms
from tests.conftest import fresh_postgres_database

DOCUMENTS = [
    SearchDocument(
        "spell",
        "spell/fireball",
        "Fireball",
        "A bright streak blossoms into an explosion of flame. Each creature takes 8d6 Fire damage.",
        ("level 3", "evocation", "fire"),
    ),
    SearchDocument(
        "spell",
        "spell/fire-bolt",
        "Fire Bolt",
        "You hurl a mote of fire at a creature or an object.",
        ("cantrip", "evocation", "fire"),
    ),
    SearchDocument(
        "spell",
        "spell/cure-wounds",
        "Cure Wounds",
        "A creature you touch regains Hit Points. This healing has no effect on constructs.",
        ("level 1", "abjuration"),
    ),
    SearchDocument(
        "class",
        "class/monk",
        "Monk",
        "Martial artists who channel focus through unarmed strikes, not fire or spells.",
        ("d8",),
    ),
    SearchDocument(
        "species",
        "species/dragonborn",
        "Dragonborn",
        "Descendants of dragons who breathe fire, cold or lightning.",
        ("draconic ancestry",),
    ),
]


@contextlib.asynccontextmanager
async def _backend(name: str) -> AsyncIterator[SearchIndex]:
    if name == "sqlite-fts5":
        yield SqliteFtsIndex()
    elif name == "postgresql":
        async with fresh_postgres_database() as url:  # skips locally without PostgreSQL
            yield PostgresFtsIndex(url, table="contract_search")
    else:
        server = os.environ.get("OPENSEARCH_URL")
        if not server:
            pytest.skip("OPENSEARCH_URL is not set")
        from infra.search.opensearch import OpenSearchIndex

        yield OpenSearchIndex(server, index=f"contract-{uuid.uuid4().hex[:8]}")


@pytest.fixture(params=["sqlite-fts5", "postgresql", "opensearch"])
async def index(request: pytest.FixtureRequest) -> AsyncIterator[SearchIndex]:
    async with _backend(request.param) as backend:
        await backend.open()
        await backend.upsert(DOCUMENTS)
        try:
            yield backend
        finally:
            await backend.close()


def query(*words: str, **options: object) -> SearchQuery:
    return SearchQuery(terms=words, **options)  # type: ignore[arg-type]


async def slugs(index: SearchIndex, q: SearchQuery) -> list[str]:
    return [hit.slug for hit in await index.search(q)]


async def test_a_name_match_ranks_first(index: SearchIndex) -> None:
    assert (await slugs(index, query("fireball")))[0] == "spell/fireball"
    found = await slugs(index, query("fire"))
    assert found[0] == "spell/fire-bolt"  # in its name; the others only in tags or text
    assert set(found) >= {"spell/fireball", "spell/fire-bolt", "class/monk", "species/dragonborn"}


async def test_every_word_must_match_unless_any_is_asked(index: SearchIndex) -> None:
    assert await slugs(index, query("fire", "unarmed")) == ["class/monk"]
    assert await slugs(index, query("fireball", "unarmed")) == []
    either = await slugs(index, query("fireball", "unarmed", match=Match.ANY))
    assert set(either) == {"spell/fireball", "class/monk"}


async def test_stemming_and_prefixes(index: SearchIndex) -> None:
    assert "species/dragonborn" in await slugs(index, query("dragon"))  # "dragons" in its text
    assert await slugs(index, query("firebal", prefix_last=True)) == ["spell/fireball"]
    assert await slugs(index, query("firebal")) == []


async def test_kinds_filter(index: SearchIndex) -> None:
    found = await slugs(index, query("fire", kinds=frozenset({"class", "species"})))
    assert set(found) == {"class/monk", "species/dragonborn"}


async def test_limit_and_offset_page_through_the_same_order(index: SearchIndex) -> None:
    everything = await slugs(index, query("fire", limit=10))
    first = await slugs(index, query("fire", limit=2))
    rest = await slugs(index, query("fire", limit=10, offset=2))
    assert first + rest == everything
    assert len(everything) == 4


async def test_best_few_per_kind(index: SearchIndex) -> None:
    hits = await index.search(query("fire", "creature", match=Match.ANY, per_kind=1))
    assert sorted(hit.kind for hit in hits) == ["class", "species", "spell"]


async def test_highlights_locate_the_matched_words(index: SearchIndex) -> None:
    [hit] = await index.search(query("healing", kinds=frozenset({"spell"})))
    assert hit.slug == "spell/cure-wounds"
    [text] = [h for h in hit.highlights if h.field == "text"]
    assert [text.text[start:end].lower() for start, end in text.spans] == ["healing"]
    [named] = await index.search(query("cure"))
    [name] = [h for h in named.highlights if h.field == "name"]
    assert (name.text, name.spans) == ("Cure Wounds", ((0, 4),))


async def test_without_highlights(index: SearchIndex) -> None:
    [hit] = await index.search(query("fireball", highlight=False))
    assert hit.highlights == ()


async def test_upsert_replaces_and_remove_deletes(index: SearchIndex) -> None:
    digests = await index.digests()
    assert digests == {d.slug: d.digest for d in DOCUMENTS}
    changed = SearchDocument("spell", "spell/fireball", "Fireball", "Now about frost.", ())
    await index.upsert([changed])
    assert await slugs(index, query("frost")) == ["spell/fireball"]
    assert "spell/fireball" not in await slugs(index, query("explosion"))
    assert (await index.digests())["spell/fireball"] == changed.digest
    await index.remove(["spell/fireball", "spell/never-indexed"])
    assert await slugs(index, query("fireball")) == []
    assert "spell/fireball" not in await index.digests()


async def test_query_syntax_in_input_is_just_text(index: SearchIndex) -> None:
    for hostile in ['fire"', "fire*", "NEAR", "AND", "fire:*", "(fire", "fire|monk", "'fire'"]:
        hits = await index.search(query(*terms(hostile)))  # terms() keeps letters and digits
        assert all(hit.slug for hit in hits)
    # Even a term that was not cleaned is quoted, never read as operators.
    assert await slugs(index, query('fire" OR "monk')) == []


async def test_no_terms_no_hits(index: SearchIndex) -> None:
    assert await index.search(query()) == []


# --- the pieces behind the backends --------------------------------------------------------------


def test_query_texts_quote_every_term() -> None:
    assert match_expression(query("fire", "bolt", prefix_last=True)) == '"fire" AND "bolt"*'
    assert match_expression(query('a"b', match=Match.ANY)) == '"a""b"'
    assert tsquery_text(query("fire", "bolt", prefix_last=True)) == "fire & bolt:*"
    assert tsquery_text(query("breath weapon", "x!y", match=Match.ANY)) == (
        "(breath <-> weapon) | (x <-> y)"
    )


def test_opensearch_query_shape() -> None:
    body = query_body(query("fire", kinds=frozenset({"spell"}), limit=5, offset=10))
    multi_match = body["query"]["bool"]["must"][0]["multi_match"]
    assert (multi_match["query"], multi_match["operator"]) == ("fire", "and")
    assert body["query"]["bool"]["filter"] == [{"terms": {"kind": ["spell"]}}]
    assert (body["size"], body["from"]) == (5, 10)
    grouped = query_body(query("fire", per_kind=3, match=Match.ANY))
    assert grouped["collapse"]["field"] == "kind"
    assert grouped["collapse"]["inner_hits"]["size"] == 3


def test_marked_fragments_become_spans() -> None:
    marked = f"a {MARK_OPEN}fire{MARK_CLOSE} and {MARK_OPEN}ice{MARK_CLOSE}"
    highlight = parse_marked("text", marked)
    assert highlight is not None
    assert highlight.text == "a fire and ice"
    assert highlight.spans == ((2, 6), (11, 14))
    assert parse_marked("text", "nothing matched") is None
    assert parse_marked("text", None) is None


def test_terms_and_stems() -> None:
    assert terms("The Dragon's  breath, and a FIRE-wielding Élan!") == [
        "dragon",
        "breath",
        "fire",
        "wielding",
        "elan",
    ]
    assert terms("the and of") == []
    assert {stem("dragons"), stem("dragon")} == {"dragon"}
    assert stem("raised") == stem("raise")
    assert stem("elves") == stem("elf")


def test_factory_reads_the_url() -> None:
    assert isinstance(create_search_index(None), SqliteFtsIndex)
    assert isinstance(create_search_index("memory://"), SqliteFtsIndex)
    assert create_search_index("sqlite:///tmp/x.db").backend == "sqlite-fts5"
    with pytest.raises(ValueError, match="unsupported search URL scheme 'ftp'"):
        create_search_index("ftp://example")
