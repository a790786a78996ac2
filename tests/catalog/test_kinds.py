"""Every kind beyond spells and classes, read from the real SRD files and from broken ones.

No database here: these check what the importers make of the files (counts derived from the raw
files, known facts of each kind) and that a flaw anywhere names its file, entry and field.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from subgraphs.catalog.importers.bundle import ENTRY_KINDS, read_srd
from subgraphs.catalog.importers.fivee_items import bonus_effects
from subgraphs.catalog.importers.open5e import material_cost_gp
from subgraphs.catalog.importers.records import EntryRecord, ImportBundle
from subgraphs.catalog.kinds import KINDS
from subgraphs.catalog.models import ENTRY_MODELS
from tests.catalog.srd_files import (
    FIVEE,
    OPEN5E,
    MalformedCase,
    assert_malformed,
    creature,
    raw_count,
    real_srd_dir,
    sample_creatures,
    sample_equipment,
    sample_magic_items,
    write_srd,
)


@pytest.fixture(scope="module")
def bundle() -> ImportBundle:
    return read_srd(real_srd_dir())


def _by_slug(bundle: ImportBundle, kind: str) -> dict[str, EntryRecord]:
    return {record.slug: record for record in bundle.entries[kind]}


def test_every_kind_imports_every_raw_entry(bundle: ImportBundle) -> None:
    srd = real_srd_dir()
    counts = {kind.kind: len(bundle.entries[kind.kind]) for kind in ENTRY_KINDS}
    expected = {kind.kind: raw_count(srd, kind.folder, kind.files[0]) for kind in ENTRY_KINDS}
    print("entries per kind:", counts)
    assert counts == expected
    assert all(count > 0 for count in counts.values())
    assert counts["creature"] == 331
    for kind in ENTRY_KINDS:  # slugs are "<kind>/<name>" and unique
        slugs = [record.slug for record in bundle.entries[kind.kind]]
        assert all(slug.startswith(f"{kind.kind}/") for slug in slugs)
        assert len(set(slugs)) == len(slugs)


def test_every_kind_is_listed_for_indexing() -> None:
    assert set(KINDS) == {"spell", "class", *ENTRY_MODELS}
    assert {kind.kind for kind in ENTRY_KINDS} == set(ENTRY_MODELS)
    for name, kind in KINDS.items():
        assert {"slug", "name"} <= set(kind.model.__table__.columns.keys()), name


def test_spells_gain_areas_and_material_costs(bundle: ImportBundle) -> None:
    spells = {spell.slug: spell for spell in bundle.spells}
    fireball = spells["spell/fireball"]
    assert (fireball.area_shape, fireball.area_size_feet) == ("sphere", 20)
    assert spells["spell/revivify"].material_cost_gp == 300
    assert spells["spell/magic-missile"].material_cost_gp is None
    assert material_cost_gp("a diamond worth 1,000+ GP and a vessel worth 2,000+ GP") == 3000
    cure = spells["spell/cure-wounds"]  # healing dice are healing, not damage
    assert (cure.healing_roll, cure.damage_roll) == ("2d8", None)
    assert [(s.level, s.healing_roll, s.damage_roll) for s in cure.scaling][:2] == [
        (2, "4d8", None),
        (3, "6d8", None),
    ]
    assert fireball.healing_roll is None and fireball.damage_roll == "8d6"
    healers = {slug for slug, spell in spells.items() if spell.healing_roll}
    assert {"spell/healing-word", "spell/prayer-of-healing"} <= healers
    assert "spell/bless" not in healers  # dice, no damage type, but no healing either


def test_classes_have_tables_and_caster_kinds(bundle: ImportBundle) -> None:
    classes = {c.slug: c for c in bundle.classes}
    kinds = {slug: c.caster_kind.value for slug, c in classes.items()}
    assert kinds["class/wizard"] == "full"
    assert kinds["class/paladin"] == "half"
    assert kinds["class/warlock"] == "pact"
    assert kinds["class/fighter"] == "none"
    barbarian = classes["class/barbarian"]
    assert [level["level"] for level in barbarian.levels] == list(range(1, 21))
    assert "feature/barbarian-rage" in barbarian.levels[0]["features"]
    assert barbarian.levels[0]["numbers"]["rage_count"] == 2


def test_character_options_spot_checks(bundle: ImportBundle) -> None:
    berserker = _by_slug(bundle, "subclass")["subclass/path-of-the-berserker"]
    assert berserker["class_slug"] == "class/barbarian"
    assert berserker["features"][0]["name"] == "Frenzy"
    rage = _by_slug(bundle, "feature")["feature/barbarian-rage"]
    assert (rage["class_slug"], rage["level"], rage["subclass_slug"]) == (
        "class/barbarian",
        1,
        None,
    )
    tiefling = _by_slug(bundle, "species")["species/tiefling"]
    assert tiefling["sizes"] == ["small", "medium"] and tiefling["speed"] == 30
    dwarf = _by_slug(bundle, "species")["species/dwarf"]
    assert "trait/dwarven-toughness" in dwarf["trait_slugs"]
    black = _by_slug(bundle, "lineage")["lineage/draconic-ancestor-black"]
    assert (black["species_slug"], black["damage_type"]) == ("species/dragonborn", "acid")
    acolyte = _by_slug(bundle, "background")["background/acolyte"]
    assert acolyte["abilities"] == ["int", "wis", "cha"]
    assert (acolyte["feat_slug"], acolyte["feat_note"]) == ("feat/magic-initiate", "Cleric")
    assert acolyte["skills"] == ["insight", "religion"]
    assert acolyte["tool"] == "Calligrapher's Supplies"
    feats = _by_slug(bundle, "feat")
    assert feats["feat/grappler"]["minimum_level"] == 4
    assert {m["ability"] for m in feats["feat/grappler"]["ability_minimums"]} == {"str", "dex"}
    assert feats["feat/ability-score-improvement"]["repeatable"] is True
    assert feats["feat/alert"]["category"] == "origin"
    assert feats["feat/archery"]["required_feature"] == "Fighting Style"


def test_equipment_spot_checks(bundle: ImportBundle) -> None:
    items = _by_slug(bundle, "equipment")
    longsword = items["equipment/longsword"]
    assert longsword["category"] == "weapon" and longsword["cost_cp"] == 1500
    weapon = longsword["weapon"]
    assert (weapon["category"], weapon["damage_dice"], weapon["damage_type"]) == (
        "martial",
        "1d8",
        "slashing",
    )
    assert (weapon["versatile_dice"], weapon["mastery"]) == ("1d10", "sap")
    longbow = items["equipment/longbow"]["weapon"]
    assert (longbow["reach"], longbow["range_normal"], longbow["range_long"]) == (
        "ranged",
        150,
        600,
    )
    assert items["equipment/dagger"]["weapon"]["thrown_normal"] == 20
    chain = items["equipment/chain-mail"]["armor"]
    assert (chain["category"], chain["base_ac"], chain["strength_minimum"]) == ("heavy", 16, 13)
    assert chain["stealth_disadvantage"] is True and chain["dex_bonus"] is False
    half_plate = items["equipment/half-plate-armor"]["armor"]
    assert (half_plate["dex_bonus"], half_plate["dex_cap"]) == (True, 2)
    leather = items["equipment/leather-armor"]["armor"]
    assert (leather["dex_bonus"], leather["dex_cap"]) == (True, None)
    assert items["equipment/shield"]["armor"]["category"] == "shield"
    assert items["equipment/thieves-tools"]["category"] == "tool"


def test_magic_item_spot_checks(bundle: ImportBundle) -> None:
    items = _by_slug(bundle, "magic-item")
    ring = items["magic-item/ring-of-protection"]
    assert (ring["category"], ring["rarity"], ring["requires_attunement"]) == ("ring", "rare", True)
    assert ring["effects"] == [
        {"target": "armor-class", "bonus": 1},
        {"target": "saving-throws", "bonus": 1},
    ]
    assert items["magic-item/bag-of-holding"]["requires_attunement"] is False
    assert items["magic-item/weapon-1"]["effects"] == [
        {"target": "attack-rolls", "bonus": 1},
        {"target": "damage-rolls", "bonus": 1},
    ]
    assert "magic-item/armor-2" in items["magic-item/armor"]["variant_slugs"]
    assert items["magic-item/stone-of-good-luck-luckstone"].name.startswith("Stone of Good")
    restricted = [i for i in items.values() if i["attunement_requirement"]]
    assert restricted and all(i["requires_attunement"] for i in restricted)
    assert bonus_effects("a +2 bonus to Armor Class against ranged attack rolls") == []


def test_glossary_spot_checks(bundle: ImportBundle) -> None:
    assert "Can't See" in _by_slug(bundle, "condition")["condition/blinded"]["description"]
    assert _by_slug(bundle, "skill")["skill/stealth"]["ability"] == "dex"
    assert _by_slug(bundle, "language")["language/abyssal"]["is_rare"] is True
    assert _by_slug(bundle, "language")["language/common"]["is_rare"] is False
    light = _by_slug(bundle, "proficiency")["proficiency/light-armor"]
    assert light["category"] == "Armor" and "class/fighter" in light["class_slugs"]
    assert "Cleave" in {r.name for r in bundle.entries["weapon-mastery"]}
    assert "Finesse" in {r.name for r in bundle.entries["weapon-property"]}
    cover = _by_slug(bundle, "rule")["rule/combat-cover"]
    assert (cover.name, cover["chapter"]) == ("Cover", "Combat")
    assert "Three-Quarters Cover" in cover["description"]


def test_creature_spot_checks(bundle: ImportBundle) -> None:
    creatures = _by_slug(bundle, "creature")
    goblin = creatures["creature/goblin-warrior"]
    assert (goblin["size"], goblin["creature_type"], goblin["challenge_text"]) == (
        "small",
        "fey",
        "1/4",
    )
    assert goblin["skill_proficiencies"] == {"stealth": 2}  # +6 at Dex +2, PB +2: expertise
    assert goblin["save_proficiencies"] == {}
    assert (goblin["hit_dice_count"], goblin["hit_die"], goblin["hit_points_bonus"]) == (3, 6, 0)
    assert [a["name"] for a in goblin["actions"]] == ["Scimitar", "Shortbow", "Nimble Escape"]
    scimitar = goblin["actions"][0]["attacks"][0]
    assert (scimitar["to_hit"], scimitar["damage_dice"], scimitar["damage_type"]) == (
        4,
        "1d6",
        "slashing",
    )
    dragon = creatures["creature/adult-red-dragon"]
    assert dragon["challenge_rating"] == 17 and dragon["damage_immunities"] == ["fire"]
    assert dragon["speeds"] == {"walk": 40, "climb": 40, "fly": 80}
    assert dragon["senses"] == {"blindsight": 60, "darkvision": 120}
    assert dragon["initiative_proficiency"] == 2
    legendary = [a for a in dragon["actions"] if a["kind"] == "legendary-action"]
    assert legendary and all(a["legendary_cost"] >= 1 for a in legendary)
    assert dragon["traits"][0]["name"].startswith("Legendary Resistance")
    octopus = creatures["creature/octopus"]  # a known upstream error, corrected and reported
    assert octopus["ability_scores"]["con"] == 11
    assert any("octopus" in notice for notice in bundle.notices)


# --- malformed files of the new kinds ---------------------------------------------------------


def _replace(name: str, content: list[dict[str, Any]]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        write_srd(root, files={name: content})

    return mutate


def _equipment(change: Callable[[list[dict[str, Any]]], None]) -> list[dict[str, Any]]:
    items = sample_equipment()
    change(items)
    return items


def _magic(change: Callable[[list[dict[str, Any]]], None]) -> list[dict[str, Any]]:
    items = sample_magic_items()
    change(items)
    return items


def _creatures(**fields: Any) -> list[dict[str, Any]]:
    return [creature("goblin-warrior", "Goblin Warrior", **fields)]


MALFORMED: dict[str, MalformedCase] = {
    "unknown creature size": (
        _replace(f"{OPEN5E}/Creature.json", _creatures(size="colossal")),
        f"{OPEN5E}/Creature.json",
        "srd-2024_goblin-warrior",
        "fields.size",
        "unknown value 'colossal'",
    ),
    "creature CR not a rating": (
        _replace(f"{OPEN5E}/Creature.json", _creatures(challenge_rating="0.3")),
        f"{OPEN5E}/Creature.json",
        "srd-2024_goblin-warrior",
        "fields.challenge_rating",
        "not a Challenge Rating",
    ),
    "creature hit dice": (
        _replace(f"{OPEN5E}/Creature.json", _creatures(hit_dice="three dice")),
        f"{OPEN5E}/Creature.json",
        "srd-2024_goblin-warrior",
        "fields.hit_dice",
        "expected dice",
    ),
    "action of an unknown creature": (
        _replace(
            f"{OPEN5E}/CreatureAction.json",
            [
                {
                    "model": "api_v2.creatureaction",
                    "pk": "srd-2024_nobody_bite",
                    "fields": {"parent": "srd-2024_nobody", "name": "Bite", "desc": "Bites."},
                }
            ],
        ),
        f"{OPEN5E}/CreatureAction.json",
        "srd-2024_nobody_bite",
        "fields.parent",
        "srd-2024_nobody",
    ),
    "unknown weapon mastery": (
        _replace(
            f"{FIVEE}/5e-SRD-Equipment.json",
            _equipment(lambda items: items[0]["mastery"].update(index="smash")),
        ),
        f"{FIVEE}/5e-SRD-Equipment.json",
        "longsword",
        "mastery.index",
        "unknown value 'smash'",
    ),
    "unknown coin": (
        _replace(
            f"{FIVEE}/5e-SRD-Equipment.json",
            _equipment(lambda items: items[1]["cost"].update(unit="gems")),
        ),
        f"{FIVEE}/5e-SRD-Equipment.json",
        "chain-mail",
        "cost.unit",
        "unknown coin 'gems'",
    ),
    "unknown rarity": (
        _replace(
            f"{FIVEE}/5e-SRD-Magic-Items.json",
            _magic(lambda items: items[0]["rarity"].update(name="Mythic")),
        ),
        f"{FIVEE}/5e-SRD-Magic-Items.json",
        "ring-of-protection",
        "rarity.name",
        "unknown rarity 'Mythic'",
    ),
    "attunement not a boolean": (
        _replace(
            f"{FIVEE}/5e-SRD-Magic-Items.json",
            _magic(lambda items: items[0].update(attunement="yes")),
        ),
        f"{FIVEE}/5e-SRD-Magic-Items.json",
        "ring-of-protection",
        "attunement",
        "expected true or false",
    ),
    "feat of an unknown category": (
        _replace(
            f"{FIVEE}/5e-SRD-Feats.json",
            [{"index": "lucky", "name": "Lucky", "type": "heroic", "description": "Luck."}],
        ),
        f"{FIVEE}/5e-SRD-Feats.json",
        "lucky",
        "type",
        "unknown value 'heroic'",
    ),
    "condition that is not one": (
        _replace(
            f"{FIVEE}/5e-SRD-Conditions.json",
            [{"index": "sleepy", "name": "Sleepy", "description": "Zzz."}],
        ),
        f"{FIVEE}/5e-SRD-Conditions.json",
        "sleepy",
        "index",
        "unknown value 'sleepy'",
    ),
    "background with two abilities": (
        _replace(
            f"{FIVEE}/5e-SRD-Backgrounds.json",
            [
                {
                    "index": "hermit",
                    "name": "Hermit",
                    "ability_scores": [{"index": "wis"}, {"index": "con"}],
                    "feat": {"index": "healer", "name": "Healer"},
                    "proficiencies": [],
                }
            ],
        ),
        f"{FIVEE}/5e-SRD-Backgrounds.json",
        "hermit",
        "ability_scores",
        "expected 3 abilities",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_kinds_name_file_entry_and_field(tmp_path: Path, case: str) -> None:
    assert_malformed(tmp_path, MALFORMED[case])


def test_the_sample_directory_reads_cleanly(tmp_path: Path) -> None:
    bundle = read_srd(write_srd(tmp_path))
    assert [r.slug for r in bundle.entries["creature"]] == ["creature/goblin-warrior"]
    assert len(bundle.entries["equipment"]) == len(sample_equipment())
    assert len(bundle.entries["creature"]) == len(sample_creatures())
    assert bundle.entries["feat"] == []
