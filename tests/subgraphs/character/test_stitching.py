"""Rules names become the catalog's slugs: checked against the SRD indexes the catalog imports."""

from __future__ import annotations

import json

from rules.species import SPECIES
from rules.species_traits import LINEAGES
from rules.subclasses import SUBCLASSES
from subgraphs.character import stitching
from tests.catalog.srd_files import real_srd_dir
from tests.subgraphs.character.support import VALID_EXAMPLES, example

FIVEE = "5e-database-2024"


def _indexes(file: str) -> set[str]:
    return {e["index"] for e in json.loads((real_srd_dir() / FIVEE / file).read_text())}


def test_every_rules_species_lineage_and_subclass_has_its_catalog_slug() -> None:
    species = _indexes("5e-SRD-Species.json")
    lineages = _indexes("5e-SRD-Subspecies.json")
    subclasses = _indexes("5e-SRD-Subclasses.json")
    for slug in SPECIES:
        assert stitching.species_slug({"identity": {"species": slug}}) == f"species/{slug}"
        assert slug in species
    for of_species, options in LINEAGES.items():
        for lineage in options:
            found = stitching.lineage_slug(
                {"identity": {"species": of_species, "lineage": lineage}}
            )
            assert found is not None and found.removeprefix("lineage/") in lineages, found
    assert set(SUBCLASSES) <= subclasses


def test_feats_items_and_spells_take_the_catalogs_names() -> None:
    feats = _indexes("5e-SRD-Feats.json")
    equipment = _indexes("5e-SRD-Equipment.json")
    magic = _indexes("5e-SRD-Magic-Items.json")
    assert stitching.feat_slug("Magic Initiate (Wizard)") == "feat/magic-initiate"
    assert stitching.feat_slug("Boon of Spell Recall").removeprefix("feat/") in feats
    wizard = example("wizard-20-gnome")
    wizard["equipment"] += [
        {"ref": "armor/chain-mail", "magic_bonus": 2},
        {"ref": "shield", "magic_bonus": 1},
    ]
    items = {i.name: i for i in stitching.inventory(wizard)}
    assert items["Quarterstaff"].equipment_slug == "equipment/quarterstaff"
    assert items["Spellbook"].equipment_slug.removeprefix("equipment/") in equipment
    assert items["Ring of Protection"].magic_item_slug == "magic-item/ring-of-protection"
    plus = {i.magic_item_slug for i in items.values() if i.magic_bonus}
    assert plus == {"magic-item/armor-2", "magic-item/shield-1"}
    assert {s.removeprefix("magic-item/") for s in plus} <= magic
    assert stitching.concentration(wizard) is not None
    assert stitching.spell_slug("Wall of Force") == "spell/wall-of-force"


def test_a_document_the_rules_refuse_still_shows_what_it_can() -> None:
    broken = {"identity": {"species": "elf"}, "classes": [{"class": "wizard"}, "junk", 3]}
    assert stitching.species_slug(broken) == "species/elf"
    assert stitching.lineage_slug(broken) is None
    assert stitching.class_levels(broken) == []  # no level: nothing to show
    assert stitching.feats({"feats": ["Alert", {"name": "Tough", "source": "Human"}, 7]}) == [
        stitching.CharacterFeat(name="Alert", origin="Feat"),
        stitching.CharacterFeat(name="Tough", origin="Human"),
    ]
    assert stitching.inventory({"equipment": [{"weight": "heavy"}, "junk"]})[0].weight == 0.0


def test_the_examples_feats_name_where_they_came_from() -> None:
    for path in VALID_EXAMPLES:
        document = example(path.stem)
        origins = [f.origin for f in stitching.feats(document)]
        assert origins[0] == "Background", path.stem
        assert len(origins) == len(stitching.feats(document))
