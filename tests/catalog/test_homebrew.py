"""Homebrew content in the catalog, over HTTP, on SQLite and PostgreSQL.

One catalog per backend for the whole module (the SRD import at start-up is what balance checks
compare with, and importing it per test would be slow); every test signs in as fresh users, so
tests do not see each other's entries.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rules.balance import optional_roll
from subgraphs.catalog.app import MIGRATIONS, NAME
from subgraphs.catalog.homebrew.repository import HomebrewRepository
from subgraphs.catalog.homebrew.services import (
    SLUG_ATTEMPTS,
    NewEntry,
    _InsertConflict,
    _retrying_slug_races,
    create_entry,
)
from subgraphs.catalog.models import HomebrewEntryRow, OutboxEvent
from subgraphs.kit.foreign_ids import Caller, ForeignIds
from subgraphs.kit.outcomes import Rejected
from subgraphs.kit.runtime import Runtime
from tests.catalog.srd_files import served_real_srd
from tests.graph import BackgroundGraph
from tests.support import TokenFactory, gql

API = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def tokens(graph: BackgroundGraph) -> TokenFactory:
    return graph.tokens


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    tokens: TokenFactory,
    graph: BackgroundGraph,
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A catalog service that imported the real SRD at start-up: its client and database URL.
    It asks the background graph about campaigns and generations."""
    async with served_real_srd(
        request.param, tmp_path_factory, "homebrew", tokens, graph.router_url
    ) as served:
        yield served


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(service: tuple[httpx.AsyncClient, str]) -> httpx.AsyncClient:
    return service[0]


# --- sample content of every kind ------------------------------------------------------------

VALID: dict[str, dict[str, Any]] = {
    "SPELL": {
        "level": 1,
        "school": "evocation",
        "range_kind": "distance",
        "range_feet": 60,
        "duration": "Instantaneous",
        "saving_throw": "dex",
        "damage_roll": "3d6",
        "damage_types": ["fire"],
    },
    "FEAT": {"category": "general", "minimum_level": 4, "ability_increases": ["str", "con"]},
    "MAGIC_ITEM": {
        "category": "ring",
        "rarity": "rare",
        "requires_attunement": True,
        "effects": [{"target": "armor-class", "bonus": 1}],
    },
    "EQUIPMENT": {
        "category": "weapon",
        "cost_cp": 1500,
        "weight_lb": 3,
        "weapon": {
            "category": "martial",
            "reach": "melee",
            "damage_dice": "1d8",
            "damage_type": "slashing",
            "properties": ["finesse"],
            "mastery": "vex",
        },
    },
    "SPECIES": {
        "sizes": ["medium"],
        "speed": 30,
        "darkvision_feet": 60,
        "traits": [{"name": "Ember Blood", "description": "You have Resistance to Fire damage."}],
    },
    "BACKGROUND": {
        "abilities": ["str", "dex", "con"],
        "feat_slug": "feat/alert",
        "skills": ["athletics", "survival"],
        "tool": "Smith's Tools",
        "equipment_options": ["(A) Smith's Tools, 10 GP; or (B) 50 GP"],
    },
    "SUBCLASS": {
        "class_slug": "class/fighter",
        "summary": "A warrior of the forge.",
        "features": [
            {"level": 3, "name": "Hot Iron", "description": "Your weapon attacks deal fire."},
            {"level": 7, "name": "Anvil Skin", "description": "You gain 1 AC."},
        ],
    },
    "CREATURE": {
        "size": "medium",
        "creature_type": "construct",
        "armor_class": 15,
        "hit_dice_count": 6,
        "hit_die": 8,
        "hit_points_bonus": 12,
        "speeds": {"walk": 30},
        "ability_scores": {"str": 16, "dex": 10, "con": 14, "int": 3, "wis": 10, "cha": 1},
        "challenge_rating": 2,
        "actions": [
            {
                "name": "Slam",
                "description": "Melee Attack Roll: +5, reach 5 ft. Hit: 7 (1d8 + 3) Bludgeoning.",
                "attack_bonus": 5,
                "damage_roll": "1d8+3",
                "damage_type": "bludgeoning",
            }
        ],
    },
}

ENTRY = """
  id slug kind name description themeTags mechanics version visibility sharedCampaignIds
  rootSlug flagged
  balanceWarnings { path code message score srdMedian srdMaximum }
  provenance {
    origin authorId source license model generationId theme adaptedFrom
    root { slug name origin document license attribution authorId }
  }
"""
PAYLOAD = f"entry {{ {ENTRY} }} userErrors {{ path code message }} warnings {{ path code }}"

CREATE = f"""mutation($input: CreateHomebrewInput!) {{
  createHomebrew(input: $input) {{ {PAYLOAD} }} }}"""
UPDATE = f"""mutation($input: UpdateHomebrewInput!) {{
  updateHomebrew(input: $input) {{ {PAYLOAD} }} }}"""
ADAPT = f"""mutation($input: AdaptEntryInput!) {{ adaptEntry(input: $input) {{ {PAYLOAD} }} }}"""
PUBLISH = f"""mutation($input: HomebrewVersionInput!) {{
  publishHomebrew(input: $input) {{ {PAYLOAD} }} }}"""
SHARE = f"""mutation($input: ShareHomebrewInput!) {{
  shareHomebrew(input: $input) {{ {PAYLOAD} }} }}"""
DELETE = f"""mutation($input: HomebrewVersionInput!) {{
  deleteHomebrew(input: $input) {{ {PAYLOAD} }} }}"""
BY_ID = f"query($id: ID!) {{ homebrewEntry(id: $id) {{ {ENTRY} }} }}"
BY_SLUG = f"query($slug: String!) {{ homebrewEntry(slug: $slug) {{ {ENTRY} }} }}"
MINE = "query($kind: HomebrewKind) { myHomebrew(kind: $kind, first: 100) { nodes { id name } } }"
PUBLISHED = "{ publishedHomebrew(first: 100) { nodes { id } } }"


class Player:
    """A signed-in user talking to the catalog."""

    def __init__(self, api: httpx.AsyncClient, tokens: TokenFactory) -> None:
        self.api = api
        self.id = uuid.uuid4()
        self.headers = tokens.headers(self.id)

    async def call(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await gql(self.api, query, variables, self.headers)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return next(iter(data.values()))

    async def create(self, kind: str, name: str, mechanics: Any = None, **extra: Any) -> Any:
        mechanics = copy.deepcopy(VALID[kind]) if mechanics is None else mechanics
        return await self.call(
            CREATE, {"input": {"kind": kind, "name": name, "mechanics": mechanics, **extra}}
        )

    async def created(self, kind: str, name: str, mechanics: Any = None, **extra: Any) -> Any:
        payload = await self.create(kind, name, mechanics, **extra)
        assert payload["userErrors"] == [], payload
        return payload["entry"]

    async def mine(self) -> list[str]:
        return [node["id"] for node in (await self.call(MINE))["nodes"]]


def _contains(stored: Any, given: Any) -> bool:
    """Whether every field of ``given`` is in ``stored`` with the same value (recursively)."""
    if isinstance(given, dict):
        return all(_contains(stored.get(key), value) for key, value in given.items())
    return bool(stored == given)


@pytest.fixture
def alice(api: httpx.AsyncClient, tokens: TokenFactory) -> Player:
    return Player(api, tokens)


@pytest.fixture
def bob(api: httpx.AsyncClient, tokens: TokenFactory) -> Player:
    return Player(api, tokens)


# --- create, per kind ----------------------------------------------------------------------------


@API
@pytest.mark.parametrize("kind", list(VALID))
async def test_create_each_kind(alice: Player, kind: str) -> None:
    entry = await alice.created(kind, f"Forge {kind.title()}", themeTags=["Forge", "forge", "fire"])
    assert entry["kind"] == kind
    kind_slug = kind.lower().replace("_", "-")
    assert entry["slug"] == f"homebrew/{alice.id.hex[:8]}/{kind_slug}/forge-{kind_slug}"
    assert entry["version"] == 1 and entry["visibility"] == "PRIVATE"
    assert entry["themeTags"] == ["forge", "fire"]  # cleaned: lowercase, no repeats
    assert entry["provenance"]["origin"] == "HOMEBREW"
    assert entry["provenance"]["authorId"] == str(alice.id)
    assert _contains(entry["mechanics"], VALID[kind])  # as given, plus defaults
    assert await alice.mine() == [entry["id"]]


@API
async def test_spell_defaults_are_filled_in_and_slugs_are_numbered(alice: Player) -> None:
    first = await alice.created("SPELL", "Ember")
    second = await alice.created("SPELL", "Ember")
    assert second["slug"] == first["slug"] + "-2"
    assert first["mechanics"]["casting_time_unit"] == "action"
    assert first["mechanics"]["verbal"] is True and first["mechanics"]["ritual"] is False


# --- invalid structure ---------------------------------------------------------------------------


def _errors(payload: dict[str, Any]) -> dict[tuple[str, ...], str]:
    assert payload["entry"] is None
    return {tuple(e["path"]): e["code"] for e in payload["userErrors"]}


@API
async def test_invalid_spell_gives_every_problem_with_its_path(alice: Player) -> None:
    bad = {
        **VALID["SPELL"],
        "level": 12,
        "school": "pyromancy",
        "damage_roll": "8x10",
        "lvl": 1,
    }
    del bad["duration"]
    payload = await alice.create("SPELL", "  ", bad)
    errors = _errors(payload)
    assert errors == {
        ("input", "name"): "NAME_REQUIRED",
        ("input", "mechanics", "level"): "OUT_OF_RANGE",
        ("input", "mechanics", "school"): "UNKNOWN_VALUE",
        ("input", "mechanics", "duration"): "REQUIRED",
        ("input", "mechanics", "damage_roll"): "INVALID_DICE",
        ("input", "mechanics", "lvl"): "UNKNOWN_FIELD",
    }
    assert all(e["message"] for e in payload["userErrors"])
    assert await alice.mine() == []  # nothing was created


@API
@pytest.mark.parametrize(
    ("kind", "change", "path", "code"),
    [
        ("SPELL", {"level": 0, "ritual": True}, ("ritual",), "CANTRIP_RITUAL"),
        ("SPELL", {"damage_types": []}, ("damage_types",), "REQUIRED"),
        ("FEAT", {"minimum_level": 1}, ("minimum_level",), "LEVEL_TOO_LOW"),
        ("MAGIC_ITEM", {"effects": [{"target": "luck", "bonus": 1}]},
         ("effects", "0", "target"), "UNKNOWN_VALUE"),
        ("EQUIPMENT", {"weapon": {**VALID["EQUIPMENT"]["weapon"], "damage_dice": "d"}},
         ("weapon", "damage_dice"), "INVALID_DICE"),
        ("EQUIPMENT", {"weapon": None}, ("weapon",), "REQUIRED"),
        ("SPECIES", {"speed": 500}, ("speed",), "OUT_OF_RANGE"),
        ("BACKGROUND", {"abilities": ["str", "dex"]}, ("abilities",), "WRONG_COUNT"),
        ("BACKGROUND", {"skills": ["athletics", "juggling"]}, ("skills",), "UNKNOWN_VALUE"),
        ("SUBCLASS", {"class_slug": "class/gunslinger"}, ("class_slug",), "UNKNOWN_CLASS"),
        ("CREATURE", {"challenge_rating": 7.5}, ("challenge_rating",), "UNKNOWN_CR"),
        ("CREATURE", {"ability_scores": {"str": 40}}, ("ability_scores", "str"), "OUT_OF_RANGE"),
    ],
)  # fmt: skip
async def test_invalid_structure_per_kind(
    alice: Player, kind: str, change: dict[str, Any], path: tuple[str, ...], code: str
) -> None:
    payload = await alice.create(kind, "Broken", {**VALID[kind], **change})
    assert _errors(payload).get(("input", "mechanics", *path)) == code, payload["userErrors"]


@API
async def test_hidden_characters_are_refused_in_every_text_field(alice: Player) -> None:
    spell = {**VALID["SPELL"], "duration": "1 minute\x00", "higher_levels": "More.\n\tEven more."}
    species = {
        **VALID["SPECIES"],
        "traits": [{"name": "Ember\u202eBlood", "description": "Line one.\nLine two."}],
    }
    payload = await alice.create(
        "SPELL", "Fire\u202ebolt", spell, description="Burns\u2066", themeTags=["fire", "ice\x07"]
    )
    assert _errors(payload) == {
        ("input", "name"): "INVALID_CHARACTERS",
        ("input", "description"): "INVALID_CHARACTERS",
        ("input", "themeTags", "1"): "INVALID_CHARACTERS",
        ("input", "mechanics", "duration"): "INVALID_CHARACTERS",
    }
    payload = await alice.create("SPECIES", "Emberkin", species)
    assert _errors(payload) == {("input", "mechanics", "traits", "0", "name"): "INVALID_CHARACTERS"}
    payload = await alice.create(
        "FEAT", "Borrowed", origin="IMPORTED", source="Zine\x1b[31m", license="CC-BY-4.0"
    )
    assert _errors(payload) == {("input", "source"): "INVALID_CHARACTERS"}
    adapted = await alice.call(
        ADAPT,
        {"input": {"sourceSlug": "spell/fireball", "name": "Steam Burst", "theme": "steam\u202e"}},
    )
    assert _errors(adapted) == {("input", "theme"): "INVALID_CHARACTERS"}
    assert await alice.mine() == []  # nothing was created
    # Multi-line text keeps its line breaks and tabs.
    fine = await alice.created("SPELL", "Firebolt", {**spell, "duration": "1 minute"})
    assert fine["mechanics"]["higher_levels"] == "More.\n\tEven more."
    renamed = await alice.call(
        UPDATE,
        {"input": {"id": fine["id"], "expectedVersion": fine["version"], "name": "Bolt\x00"}},
    )
    assert _errors(renamed) == {("input", "name"): "INVALID_CHARACTERS"}


@API
async def test_provenance_details_are_required_and_kept(
    alice: Player, bob: Player, graph: BackgroundGraph
) -> None:
    payload = await alice.create("FEAT", "Borrowed", origin="IMPORTED", source="Zine #3")
    assert _errors(payload) == {("input", "license"): "REQUIRED"}
    payload = await alice.create("FEAT", "Borrowed", origin="ADAPTED")
    assert _errors(payload) == {("input", "origin"): "UNKNOWN_ORIGIN"}
    imported = await alice.created(
        "FEAT", "Borrowed", origin="IMPORTED", source="Zine #3", license="CC-BY-4.0"
    )
    assert imported["provenance"] | {"authorId": None} == {
        "origin": "IMPORTED", "authorId": None, "source": "Zine #3", "license": "CC-BY-4.0",
        "model": None, "generationId": None, "theme": None, "adaptedFrom": None, "root": None,
    }  # fmt: skip
    made = await graph.ask(
        "mutation($i: GenerateInput!) { generate(input: $i) { generation { id } } }",
        {"i": {"prompt": "a dream spell"}},
        as_user=alice.id,
    )
    generation = made["generate"]["generation"]["id"]
    # A generation is named by its ID, and only its owner may claim it.
    payload = await alice.create("SPELL", "Dreamt", origin="GENERATED", model="m", generationId="g")
    assert _errors(payload) == {("input", "generationId"): "INVALID_ID"}
    for who, claimed in ((bob, generation), (alice, str(uuid.uuid4()))):
        payload = await who.create(
            "SPELL", "Dreamt", origin="GENERATED", model="offline-1", generationId=claimed
        )
        assert _errors(payload) == {("input", "generationId"): "NOT_FOUND"}
    generated = await alice.created(
        "SPELL", "Dreamt", origin="GENERATED", model="offline-1", generationId=generation
    )
    assert generated["provenance"]["origin"] == "GENERATED"
    assert (generated["provenance"]["model"], generated["provenance"]["generationId"]) == (
        "offline-1",
        generation,
    )


# --- balance ------------------------------------------------------------------------------------


@API
async def test_first_level_spell_dealing_8d10_is_flagged_with_the_reason(
    alice: Player, api: httpx.AsyncClient
) -> None:
    # The SRD yardstick, read over the API: every damaging level-1 spell's expected damage.
    spells = await gql(api, "{ spells(level: 1, first: 100) { nodes { damageRoll } } }")
    scores = [optional_roll(s["damageRoll"]) for s in spells["data"]["spells"]["nodes"]]
    scores = [s for s in scores if s > 0]
    strongest = max(scores)

    payload = await alice.create(
        "SPELL", "Meteor Pebble", {**VALID["SPELL"], "damage_roll": "8d10"}
    )
    assert payload["userErrors"] == []
    entry = payload["entry"]
    assert entry["flagged"] is True
    warnings = {w["code"]: w for w in entry["balanceWarnings"]}
    assert set(warnings) == {"ABOVE_SRD_MAXIMUM", "ABOVE_TWICE_SRD_MEDIAN"}
    top = warnings["ABOVE_SRD_MAXIMUM"]
    assert top["path"] == ["input", "mechanics", "damage_roll"]
    assert top["score"] == 44.0 and top["srdMaximum"] == strongest
    assert "44" in top["message"] and "level 1 spells" in top["message"]
    assert sorted(w["code"] for w in payload["warnings"]) == sorted(warnings)

    ordinary = await alice.created("SPELL", "Spark")  # 3d6: within the SRD's range
    assert ordinary["flagged"] is False and ordinary["balanceWarnings"] == []


@API
async def test_balance_covers_items_weapons_and_creatures(alice: Player) -> None:
    item = {
        **VALID["MAGIC_ITEM"],
        "rarity": "uncommon",
        "effects": [{"target": "armor-class", "bonus": 5}],
    }
    flagged = await alice.created("MAGIC_ITEM", "Ring of Walls", item)
    assert {w["path"][-1] for w in flagged["balanceWarnings"]} == {"effects"}
    weapon = copy.deepcopy(VALID["EQUIPMENT"])
    weapon["weapon"]["damage_dice"] = "4d12"
    heavy = await alice.created("EQUIPMENT", "Doom Blade", weapon)
    assert "ABOVE_SRD_MAXIMUM" in {w["code"] for w in heavy["balanceWarnings"]}
    tank = {**VALID["CREATURE"], "hit_dice_count": 40, "hit_die": 12}
    brute = await alice.created("CREATURE", "Iron Mountain", tank)
    assert ["input", "mechanics", "hit_dice_count"] in [w["path"] for w in brute["balanceWarnings"]]
    assert (await alice.created("CREATURE", "Iron Golemling"))["flagged"] is False


@API
async def test_updating_mechanics_rechecks_balance(alice: Player) -> None:
    entry = await alice.created("SPELL", "Grows Up")
    payload = await alice.call(
        UPDATE,
        {
            "input": {
                "id": entry["id"],
                "expectedVersion": 1,
                "mechanics": {**VALID["SPELL"], "damage_roll": "10d10"},
            }
        },
    )
    assert payload["userErrors"] == [] and payload["entry"]["flagged"] is True
    assert payload["entry"]["version"] == 2
    bad = await alice.call(
        UPDATE, {"input": {"id": entry["id"], "expectedVersion": 2, "mechanics": {"level": 1}}}
    )
    assert ("input", "mechanics", "school") in _errors(bad)


# --- adaptation (reskin) ------------------------------------------------------------------------


@API
async def test_reskin_keeps_mechanics_and_links_the_srd_root(
    alice: Player, api: httpx.AsyncClient
) -> None:
    adapted = await alice.call(
        ADAPT,
        {"input": {"sourceSlug": "spell/fireball", "name": "Boiler Burst", "theme": "steampunk",
                   "description": "A gout of scalding steam.", "themeTags": ["Steampunk"]}},
    )  # fmt: skip
    assert adapted["userErrors"] == []
    entry = adapted["entry"]
    fireball = await gql(api, '{ spell(slug: "spell/fireball") { level damageRoll school } }')
    srd = fireball["data"]["spell"]
    assert entry["kind"] == "SPELL" and entry["name"] == "Boiler Burst"
    assert entry["mechanics"]["level"] == srd["level"] == 3
    assert entry["mechanics"]["damage_roll"] == srd["damageRoll"] == "8d6"
    assert entry["mechanics"]["school"] == srd["school"].lower()
    assert entry["rootSlug"] == "spell/fireball"
    provenance = entry["provenance"]
    assert provenance["origin"] == "ADAPTED" and provenance["theme"] == "steampunk"
    assert provenance["root"]["slug"] == "spell/fireball"
    assert provenance["root"]["origin"] == "SRD" and provenance["root"]["license"] == "CC-BY-4.0"
    assert "System Reference Document 5.2" in provenance["root"]["attribution"]

    locked = await alice.call(
        UPDATE,
        {"input": {"id": entry["id"], "expectedVersion": 1, "mechanics": VALID["SPELL"]}},
    )
    assert _errors(locked) == {("input", "mechanics"): "MECHANICS_LOCKED"}
    renamed = await alice.call(
        UPDATE, {"input": {"id": entry["id"], "expectedVersion": 1, "name": "Boiler Blast"}}
    )
    assert renamed["entry"]["name"] == "Boiler Blast"
    assert renamed["entry"]["mechanics"] == entry["mechanics"]
    assert renamed["entry"]["slug"] == entry["slug"]  # the slug is stable across renames


SRD_ROOTS = {
    "SPELL": "spell/fireball",
    "FEAT": "feat/alert",
    "MAGIC_ITEM": "magic-item/bag-of-holding",
    "EQUIPMENT": "equipment/longsword",
    "SPECIES": "species/elf",
    "BACKGROUND": "background/acolyte",
    "SUBCLASS": "subclass/champion",
    "CREATURE": "creature/goblin-warrior",
}


@API
@pytest.mark.parametrize(("kind", "root"), list(SRD_ROOTS.items()))
async def test_every_kind_can_be_reskinned(alice: Player, kind: str, root: str) -> None:
    payload = await alice.call(
        ADAPT, {"input": {"sourceSlug": root, "name": "Reskinned", "theme": "noir"}}
    )
    assert payload["userErrors"] == []
    entry = payload["entry"]
    assert (entry["kind"], entry["rootSlug"]) == (kind, root)
    assert entry["provenance"]["root"]["origin"] == "SRD"
    assert entry["mechanics"] and entry["flagged"] is False


@API
async def test_adapting_an_adaptation_reroots_to_the_original(alice: Player, bob: Player) -> None:
    first = (
        await alice.call(
            ADAPT,
            {
                "input": {
                    "sourceSlug": "creature/goblin-warrior",
                    "name": "Cog Gremlin",
                    "theme": "steampunk",
                }
            },
        )
    )["entry"]
    second = await alice.call(
        ADAPT, {"input": {"sourceSlug": first["slug"], "name": "Frost Imp", "theme": "winter"}}
    )
    entry = second["entry"]
    assert entry["rootSlug"] == "creature/goblin-warrior"  # not the first adaptation
    assert entry["provenance"]["adaptedFrom"] == first["slug"]
    assert entry["mechanics"] == first["mechanics"]

    # The same holds for homebrew roots.
    original = await alice.created("SPELL", "Cinder Lance")
    reskin = (
        await alice.call(
            ADAPT,
            {"input": {"sourceSlug": original["slug"], "name": "Ice Lance", "theme": "winter"}},
        )
    )["entry"]
    again = (
        await alice.call(
            ADAPT,
            {"input": {"sourceSlug": reskin["slug"], "name": "Sand Lance", "theme": "desert"}},
        )
    )["entry"]
    assert reskin["rootSlug"] == again["rootSlug"] == original["slug"]
    assert again["provenance"]["root"]["origin"] == "HOMEBREW"
    assert again["mechanics"] == original["mechanics"]

    # Someone else's private entry cannot be adapted (nor found).
    refused = await bob.call(
        ADAPT, {"input": {"sourceSlug": original["slug"], "name": "Copy", "theme": "x"}}
    )
    assert _errors(refused) == {("input", "sourceSlug"): "SOURCE_NOT_FOUND"}
    unknown_kind = await bob.call(
        ADAPT, {"input": {"sourceSlug": "rule/combat", "name": "Copy", "theme": "x"}}
    )
    assert _errors(unknown_kind) == {("input", "sourceSlug"): "KIND_NOT_ADAPTABLE"}


# --- visibility ---------------------------------------------------------------------------------


ENTITIES = """query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on HomebrewEntry { slug } } }"""


@API
async def test_private_until_published(
    alice: Player, bob: Player, api: httpx.AsyncClient, tokens: TokenFactory, graph: BackgroundGraph
) -> None:
    entry = await alice.created("MAGIC_ITEM", "Secret Ring")
    variables = {"id": entry["id"]}
    assert (await alice.call(BY_ID, variables))["slug"] == entry["slug"]
    assert await bob.call(BY_ID, variables) is None
    assert await bob.call(BY_SLUG, {"slug": entry["slug"]}) is None
    anonymous = await gql(api, BY_ID, variables)
    assert anonymous["data"]["homebrewEntry"] is None
    reps = {"reps": [{"__typename": "HomebrewEntry", "id": entry["id"]}]}
    assert (await gql(api, ENTITIES, reps))["data"]["_entities"] == [None]
    assert entry["id"] not in [n["id"] for n in (await bob.call(PUBLISHED))["nodes"]]

    # Bob cannot change it either: to him it does not exist.
    stolen = await bob.call(
        UPDATE, {"input": {"id": entry["id"], "expectedVersion": 1, "name": "Mine"}}
    )
    assert _errors(stolen) == {("input", "id"): "NOT_FOUND"}

    # Shared with a campaign: still hidden from other players; a service caller may read it.
    campaign = await _campaign_of(graph, alice)
    bad = await alice.call(
        SHARE, {"input": {"id": entry["id"], "expectedVersion": 1, "campaignIds": ["nope"]}}
    )
    assert _errors(bad) == {("input", "campaignIds", "0"): "INVALID_ID"}
    shared = await alice.call(
        SHARE, {"input": {"id": entry["id"], "expectedVersion": 1, "campaignIds": [campaign]}}
    )
    assert shared["entry"]["sharedCampaignIds"] == [campaign]
    assert await bob.call(BY_ID, variables) is None
    router = tokens.headers("router", kind="service")
    as_service = await gql(api, BY_ID, variables, router)
    assert as_service["data"]["homebrewEntry"]["slug"] == entry["slug"]

    published = await alice.call(PUBLISH, {"input": {"id": entry["id"], "expectedVersion": 2}})
    assert published["entry"]["visibility"] == "PUBLISHED"
    anonymous = await gql(api, BY_ID, variables)
    assert anonymous["data"]["homebrewEntry"]["slug"] == entry["slug"]
    assert (await gql(api, ENTITIES, reps))["data"]["_entities"] == [{"slug": entry["slug"]}]
    listed = await gql(api, PUBLISHED)
    assert entry["id"] in [n["id"] for n in listed["data"]["publishedHomebrew"]["nodes"]]


async def _campaign_of(graph: BackgroundGraph, game_master: Player) -> str:
    """A new campaign at the campaign service, run by ``game_master``; its ID."""
    created = await graph.ask(
        """mutation($i: CreateCampaignInput!) {
          createCampaign(input: $i) { campaign { id } } }""",
        {"i": {"name": "Shared Table", "type": "TRADITIONAL"}},
        as_user=game_master.id,
    )
    return str(created["createCampaign"]["campaign"]["id"])


@API
async def test_an_entry_is_shared_only_with_campaigns_its_author_takes_part_in(
    alice: Player, bob: Player, graph: BackgroundGraph
) -> None:
    """Issue 9's audit: any campaign ID was accepted."""
    entry = await alice.created("FEAT", "Guild Secret")
    hers, his = await _campaign_of(graph, alice), await _campaign_of(graph, bob)
    refused = await alice.call(
        SHARE,
        {"input": {"id": entry["id"], "expectedVersion": 1, "campaignIds": [hers, his]}},
    )
    assert _errors(refused) == {("input", "campaignIds", "1"): "NOT_FOUND"}
    nowhere = str(uuid.uuid4())
    unknown = await alice.call(
        SHARE, {"input": {"id": entry["id"], "expectedVersion": 1, "campaignIds": [nowhere]}}
    )
    assert _errors(unknown) == {("input", "campaignIds", "0"): "NOT_FOUND"}
    assert unknown["userErrors"][0]["message"] == refused["userErrors"][0]["message"].replace(
        his, nowhere
    )
    shared = await alice.call(
        SHARE, {"input": {"id": entry["id"], "expectedVersion": 1, "campaignIds": [hers]}}
    )
    assert shared["entry"]["sharedCampaignIds"] == [hers]


@API
async def test_a_backgrounds_feat_must_be_an_origin_feat_that_exists(alice: Player) -> None:
    """Issue 9's audit: the feat was checked for its prefix only."""
    for slug in ("feat/no-such-feat", "feat/grappler"):  # unknown; a General feat
        payload = await alice.create(
            "BACKGROUND", "Wrestler", {**VALID["BACKGROUND"], "feat_slug": slug}
        )
        assert _errors(payload) == {("input", "mechanics", "feat_slug"): "NOT_FOUND"}, slug
    background = await alice.created("BACKGROUND", "Wrestler", VALID["BACKGROUND"])
    changed = await alice.call(
        UPDATE,
        {
            "input": {
                "id": background["id"],
                "expectedVersion": 1,
                "mechanics": {**VALID["BACKGROUND"], "feat_slug": "feat/grappler"},
            }
        },
    )
    assert _errors(changed) == {("input", "mechanics", "feat_slug"): "NOT_FOUND"}


@API
async def test_mutations_and_my_list_need_a_signed_in_user(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    create = {"input": {"kind": "FEAT", "name": "Nope", "mechanics": VALID["FEAT"]}}
    anonymous = await gql(api, CREATE, create)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await gql(api, MINE))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    service = await gql(api, CREATE, create, tokens.headers("router", kind="service"))
    assert service["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- versions, idempotency, soft delete, events -------------------------------------------------


@API
async def test_stale_version_is_a_conflict_and_changes_nothing(alice: Player) -> None:
    entry = await alice.created("SPECIES", "Cinderfolk")
    await alice.call(UPDATE, {"input": {"id": entry["id"], "expectedVersion": 1, "name": "Ashen"}})
    stale = await alice.call(
        UPDATE, {"input": {"id": entry["id"], "expectedVersion": 1, "name": "Sooty"}}
    )
    assert _errors(stale) == {("input", "expectedVersion"): "VERSION_CONFLICT"}
    stale_delete = await alice.call(DELETE, {"input": {"id": entry["id"], "expectedVersion": 1}})
    assert _errors(stale_delete) == {("input", "expectedVersion"): "VERSION_CONFLICT"}
    now = await alice.call(BY_ID, {"id": entry["id"]})
    assert (now["name"], now["version"]) == ("Ashen", 2)


@API
async def test_idempotency_key_returns_the_same_entry(alice: Player) -> None:
    first = await alice.created("FEAT", "Once", idempotencyKey="k-1")
    again = await alice.created("FEAT", "Once", idempotencyKey="k-1")
    assert again["id"] == first["id"]
    assert await alice.mine() == [first["id"]]


@API
async def test_soft_delete_hides_the_entry_and_writes_events(
    alice: Player, service: tuple[httpx.AsyncClient, str], tokens: TokenFactory
) -> None:
    entry = await alice.created("BACKGROUND", "Smith")
    await alice.call(PUBLISH, {"input": {"id": entry["id"], "expectedVersion": 1}})
    deleted = await alice.call(DELETE, {"input": {"id": entry["id"], "expectedVersion": 2}})
    assert deleted["userErrors"] == []
    assert await alice.call(BY_ID, {"id": entry["id"]}) is None
    assert await alice.mine() == []
    again = await alice.call(DELETE, {"input": {"id": entry["id"], "expectedVersion": 3}})
    assert _errors(again) == {("input", "id"): "NOT_FOUND"}

    runtime = Runtime.create(NAME, service[1], OutboxEvent, MIGRATIONS, tokens.verifier)
    try:
        statement = (
            select(OutboxEvent.type, OutboxEvent.payload)
            .where(OutboxEvent.aggregate_id == uuid.UUID(entry["id"]))
            .order_by(OutboxEvent.created_at)
        )
        async with runtime.sessions() as session:
            events = list((await session.execute(statement)).all())
        assert [event.type for event in events] == [
            "homebrew.created",
            "homebrew.published",
            "homebrew.deleted",
        ]
        assert events[0].payload["slug"] == entry["slug"]
    finally:
        await runtime.engine.dispose()


# --- two creates of the same name at once --------------------------------------------------------


@API
async def test_a_create_that_loses_the_race_for_its_slug_takes_the_next_number(
    alice: Player,
    service: tuple[httpx.AsyncClient, str],
    tokens: TokenFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = Runtime.create(NAME, service[1], OutboxEvent, MIGRATIONS, tokens.verifier)
    check_slugs = HomebrewRepository.slugs_starting
    rivals: list[HomebrewEntryRow] = []
    raced = False

    async def check_then_lose_the_race(self: HomebrewRepository, prefix: str) -> set[str]:
        nonlocal raced
        taken = await check_slugs(self, prefix)
        if not raced:
            raced = True  # once: the rival's own check (and any retry) looks up normally
            # Between this availability check and the insert, another request creates an entry
            # of the same name and commits first: the slug found free is no longer free.
            new = NewEntry("feat", "Twin", copy.deepcopy(VALID["FEAT"]))
            ids = ForeignIds("http://127.0.0.1:9/unused")  # a homebrew feat asks nobody
            rivals.append(await create_entry(runtime.uow(), ids, Caller(alice.id), new))
        return taken

    monkeypatch.setattr(HomebrewRepository, "slugs_starting", check_then_lose_the_race)
    try:
        payload = await alice.create("FEAT", "Twin")
    finally:
        await runtime.engine.dispose()
    assert payload["userErrors"] == [], payload
    (rival,) = rivals
    assert rival.slug == f"homebrew/{alice.id.hex[:8]}/feat/twin"
    assert payload["entry"]["slug"] == rival.slug + "-2"
    assert sorted(await alice.mine()) == sorted([str(rival.id), payload["entry"]["id"]])


def _conflict(slug: str) -> _InsertConflict:
    return _InsertConflict(slug, IntegrityError("INSERT", {}, Exception("UNIQUE constraint")))


async def test_a_conflict_on_a_slug_that_was_free_is_not_retried() -> None:
    attempts: list[str] = []

    async def attempt() -> HomebrewEntryRow:
        attempts.append("x")
        raise _conflict("homebrew/0/feat/same")  # the same slug again: some other constraint

    with pytest.raises(IntegrityError):
        await _retrying_slug_races(attempt)
    assert len(attempts) == 2


async def test_a_name_that_keeps_losing_races_is_rejected_clearly() -> None:
    attempts: list[str] = []

    async def attempt() -> HomebrewEntryRow:
        attempts.append(f"homebrew/0/feat/busy-{len(attempts) + 2}")
        raise _conflict(attempts[-1])  # a new slug each time, taken each time

    with pytest.raises(Rejected) as rejected:
        await _retrying_slug_races(attempt)
    assert [p.code for p in rejected.value.problems] == ["NAME_BUSY"]
    assert len(attempts) == SLUG_ATTEMPTS
