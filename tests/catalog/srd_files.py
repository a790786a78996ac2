"""Small, hand-made SRD directories for importer tests, in the two upstream formats.

They let tests change one field of one entry and see exactly what the importer does, without
depending on the real data files.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.config import Settings
from subgraphs.catalog.app import build
from subgraphs.catalog.importers.bundle import read_srd, required_files
from subgraphs.catalog.importers.fields import MalformedSource
from subgraphs.catalog.importers.location import resolve_srd_dir
from tests.conftest import IN_CI, fresh_postgres_database
from tests.support import TokenFactory, asgi_client

OPEN5E = "open5e-srd-2024"
FIVEE = "5e-database-2024"


def real_srd_dir() -> Path:
    """The shared SRD data; skips the test locally when it is missing, fails it in CI."""
    found = resolve_srd_dir()
    if found is not None and (found / OPEN5E / "Spell.json").is_file():
        return found
    reason = f"SRD data not found (SRD_DIR={os.environ.get('SRD_DIR')!r}, ../shared/srd)"
    if IN_CI:
        pytest.fail(f"{reason}, and CI=true requires it")
    pytest.skip(reason)


def raw_count(srd: Path, folder: str, file: str) -> int:
    """Entries of a raw file: one per list item (5e-database) or fixture record (open5e)."""
    return len(json.loads((srd / folder / file).read_text(encoding="utf-8")))


def spell(key: str, name: str, **fields: Any) -> dict[str, Any]:
    """An open5e spell fixture record with sensible values; ``fields`` override any of them."""
    values: dict[str, Any] = {
        "attack_roll": False,
        "casting_time": "action",
        "classes": ["srd-2024_wizard"],
        "concentration": False,
        "damage_roll": "",
        "damage_types": [],
        "desc": f"{name} does something magical.",
        "document": "srd-2024",
        "duration": "instantaneous",
        "higher_level": "",
        "level": 1,
        "material": False,
        "material_consumed": False,
        "material_cost": None,
        "material_specified": "",
        "name": name,
        "range": 60,
        "range_text": "60 feet",
        "range_unit": "feet",
        "reaction_condition": None,
        "ritual": False,
        "saving_throw_ability": "",
        "school": "evocation",
        "shape_size": None,
        "shape_size_unit": None,
        "shape_type": None,
        "somatic": True,
        "target_count": 1,
        "target_type": "creature",
        "verbal": True,
    }
    values.update(fields)
    return {"model": "api_v2.spell", "pk": f"srd-2024_{key}", "fields": values}


def character_class(index: str, name: str, hit_die: int, saves: tuple[str, str]) -> dict[str, Any]:
    """A 5e-database class record with the parts the importer reads."""
    return {
        "index": index,
        "name": name,
        "hit_die": hit_die,
        "primary_ability": {"desc": "Intelligence", "ability_scores": [{"index": "int"}]},
        "saving_throws": [{"index": saves[0]}, {"index": saves[1]}],
        "proficiencies": [
            {"index": "simple-weapons", "name": "Simple Weapons"},
            {"index": f"saving-throw-{saves[0]}", "name": f"Saving Throw: {saves[0].upper()}"},
        ],
        "proficiency_choices": [{"desc": "Choose 2: Arcana or History"}],
        "subclasses": [],
    }


def sample_spells() -> list[dict[str, Any]]:
    return [
        spell(
            "fireball",
            "Fireball",
            level=3,
            classes=["srd-2024_sorcerer", "srd-2024_wizard"],
            damage_roll="8d6",
            damage_types=["fire"],
            saving_throw_ability="dexterity",
            material=True,
            material_specified="a ball of bat guano and sulfur",
            range=150,
            range_text="150 feet",
        ),
        spell(
            "shield",
            "Shield",
            casting_time="reaction",
            range=0,
            range_text="Self",
            range_unit=None,
            reaction_condition="which you take when you are hit",
        ),
        spell("alarm", "Alarm", ritual=True, casting_time="1minute", duration="8 hours"),
    ]


def sample_classes() -> list[dict[str, Any]]:
    wizard = character_class("wizard", "Wizard", 6, ("int", "wis"))
    wizard["spellcasting"] = {"spellcasting_ability": {"index": "int"}}
    return [wizard, character_class("fighter", "Fighter", 10, ("str", "con"))]


def sample_scaling() -> list[dict[str, Any]]:
    return [
        {
            "model": "api_v2.spellcastingoption",
            "pk": 1,
            "fields": {"parent": "srd-2024_fireball", "type": "slot_level_4", "damage_roll": "9d6"},
        }
    ]


def creature(key: str, name: str, **fields: Any) -> dict[str, Any]:
    """An open5e creature record (a CR 1/4 goblin-like skirmisher); ``fields`` override."""
    values: dict[str, Any] = {
        "document": "srd-2024",
        "name": name,
        "size": "small",
        "type": "fey",
        "subcategory": None,
        "alignment": "chaotic neutral",
        "armor_class": 15,
        "armor_detail": "leather armor",
        "hit_dice": "3d6",
        "hit_points": 10,
        "challenge_rating": "0.250",
        "walk": 30,
        "fly": None,
        "swim": None,
        "climb": None,
        "burrow": None,
        "hover": False,
        "darkvision_range": 60,
        "blindsight_range": None,
        "tremorsense_range": None,
        "truesight_range": None,
        "telepathy_range": None,
        "languages": ["common", "goblin"],
        "languages_desc": "Common, Goblin",
        "initiative_bonus": 2,
        "passive_perception": 9,
        "damage_vulnerabilities": [],
        "damage_resistances": [],
        "damage_immunities": [],
        "condition_immunities": [],
        **{
            f"ability_score_{a}": s
            for a, s in zip(ABILITY_WORDS, (8, 15, 10, 10, 8, 8), strict=True)
        },
        **{
            f"saving_throw_{a}": b
            for a, b in zip(ABILITY_WORDS, (-1, 2, 0, 0, -1, -1), strict=True)
        },
        "skill_bonus_stealth": 6,
    }
    values.update(fields)
    return {"model": "api_v2.creature", "pk": f"srd-2024_{key}", "fields": values}


ABILITY_WORDS = ("strength", "dexterity", "constitution", "intelligence", "wisdom", "charisma")


def creature_action(parent: str, key: str, name: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "action_type": "ACTION",
        "desc": f"{name}: Melee Attack Roll: +4, reach 5 ft. 5 (1d6 + 2) Slashing damage.",
        "name": name,
        "parent": f"srd-2024_{parent}",
        "uses_param": None,
        "uses_type": None,
        "order_in_statblock": 0,
        "legendary_action_cost": None,
    }
    values.update(fields)
    return {"model": "api_v2.creatureaction", "pk": f"srd-2024_{parent}_{key}", "fields": values}


def sample_creatures() -> list[dict[str, Any]]:
    return [creature("goblin-warrior", "Goblin Warrior")]


def sample_actions() -> list[dict[str, Any]]:
    return [creature_action("goblin-warrior", "scimitar", "Scimitar")]


def sample_equipment() -> list[dict[str, Any]]:
    weapon_categories = ["martial-melee-weapons", "martial-weapons", "melee-weapons", "weapons"]
    return [
        {
            "index": "longsword",
            "name": "Longsword",
            "equipment_categories": [{"index": c} for c in weapon_categories],
            "cost": {"quantity": 15, "unit": "gp"},
            "damage": {"damage_dice": "1d8", "damage_type": {"index": "slashing"}},
            "two_handed_damage": {"damage_dice": "1d10", "damage_type": {"index": "slashing"}},
            "range": {"normal": 5},
            "weight": 3,
            "properties": [{"index": "versatile"}],
            "mastery": {"index": "sap"},
        },
        {
            "index": "chain-mail",
            "name": "Chain Mail",
            "equipment_categories": [{"index": "armor"}, {"index": "heavy-armor"}],
            "armor_class": {"base": 16, "dex_bonus": False, "max_bonus": 0},
            "cost": {"quantity": 75, "unit": "gp"},
            "stealth_disadvantage": True,
            "str_minimum": 13,
            "weight": 55,
        },
    ]


def sample_magic_items() -> list[dict[str, Any]]:
    return [
        {
            "index": "ring-of-protection",
            "name": "Ring of Protection",
            "equipment_category": {"index": "rings"},
            "variants": [],
            "variant": False,
            "attunement": True,
            "rarity": {"name": "Rare"},
            "desc": "Ring\n You gain a +1 bonus to Armor Class and saving throws while wearing it.",
        }
    ]


def write_srd(
    root: Path,
    spells: list[dict[str, Any]] | None = None,
    classes: list[dict[str, Any]] | None = None,
    scaling: list[dict[str, Any]] | None = None,
    *,
    files: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """Write an SRD directory under ``root`` (defaults: the samples above); returns ``root``.

    Every other file an import reads is written too: the samples above for creatures,
    equipment and magic items, an empty list for the rest. ``files`` replaces any file by its
    ``folder/name`` path.
    """
    document = {
        "model": "api_v2.document",
        "pk": "srd-2024",
        "fields": {"name": "System Reference Document 5.2", "licenses": ["cc-by-40"]},
    }
    contents: dict[str, list[dict[str, Any]]] = {
        f"{OPEN5E}/Document.json": [document],
        f"{OPEN5E}/Spell.json": sample_spells() if spells is None else spells,
        f"{OPEN5E}/SpellCastingOption.json": sample_scaling() if scaling is None else scaling,
        f"{FIVEE}/5e-SRD-Classes.json": sample_classes() if classes is None else classes,
        f"{OPEN5E}/Creature.json": sample_creatures(),
        f"{OPEN5E}/CreatureAction.json": sample_actions(),
        f"{FIVEE}/5e-SRD-Equipment.json": sample_equipment(),
        f"{FIVEE}/5e-SRD-Magic-Items.json": sample_magic_items(),
    }
    for name in required_files():
        files_by_name = files or {}
        if name in files_by_name:
            contents[name] = files_by_name[name]
        elif name not in contents:
            contents[name] = []
    files_written = contents
    for name, content in files_written.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(copy.deepcopy(content)), encoding="utf-8")
    return root


# --- databases and a served catalog, for tests that run once per backend ----------------------


@contextlib.asynccontextmanager
async def catalog_database(
    kind: str, tmp_path_factory: pytest.TempPathFactory, folder: str
) -> AsyncIterator[str]:
    """The URL of an empty database: a fresh PostgreSQL one for ``"postgres"``, else a SQLite file
    in a new temporary folder named after ``folder``."""
    if kind == "postgres":
        async with fresh_postgres_database() as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp(folder) / 'catalog.db'}"


@contextlib.asynccontextmanager
async def served_real_srd(
    kind: str,
    tmp_path_factory: pytest.TempPathFactory,
    folder: str,
    tokens: TokenFactory,
    router_url: str | None = None,
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A catalog service that imported the real SRD at start-up: its client and database URL.
    ``router_url``: the graph it asks about other services' entities (campaigns, generations)."""
    srd = real_srd_dir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SRD_DIR", str(srd))
        if router_url is not None:
            patch.setenv("ROUTER_URL", router_url)
        async with catalog_database(kind, tmp_path_factory, folder) as url:
            patch.setenv("CATALOG_DATABASE_URL", url)
            async with asgi_client(build(Settings.from_env(), tokens.verifier)) as http:
                yield http, url


# --- malformed data ---------------------------------------------------------------------------

# How a test breaks an SRD directory, and what the importer must then report: the breaker, the
# file, the entry and the field named, and words the message contains.
MalformedCase = tuple[Callable[[Path], None], str, str | None, str | None, str]


def assert_malformed(srd_dir: Path, case: MalformedCase) -> MalformedSource:
    """Break ``srd_dir`` as ``case`` says, read it, and check the error names what ``case`` names;
    the error, for further checks."""
    breaker, file, entry, field, words = case
    breaker(srd_dir)
    with pytest.raises(MalformedSource) as caught:
        read_srd(srd_dir)
    error = caught.value
    assert (error.file, error.entry, error.field) == (file, entry, field)
    assert words in str(error)
    return error
