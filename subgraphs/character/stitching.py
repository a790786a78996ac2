"""From the rules names in a character's document to the catalog entries they are.

The document speaks the rules engine's language (``"species": "elf"``, ``"lineage":
"high-elf"``, ``"ref": "weapon/longsword"``, ``"Magic Initiate (Wizard)"``); the catalog keys
entries by slugs formed by its importers from the SRD's own indexes (``species/elf``,
``lineage/elven-lineage-high-elf``, ``equipment/longsword``, ``feat/magic-initiate``). This module
translates one into the other, reading the document defensively so that a stored document the
rules no longer accept still shows what it can. A name with no catalog entry becomes a slug the
catalog does not know, which the router resolves to null.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import strawberry

from rules.sheet import slugify
from subgraphs.character.references import (
    Background,
    CharacterClass,
    Equipment,
    Feat,
    Lineage,
    MagicItem,
    Species,
    Spell,
    Subclass,
)

# The SRD's lineage indexes carry their trait's name: rules "high-elf" of an elf is the catalog's
# "elven-lineage-high-elf"; a goliath's "cloud" ancestry is "giant-ancestry-clouds-jaunt".
LINEAGE_PREFIX = {
    "dragonborn": "draconic-ancestor-",
    "elf": "elven-lineage-",
    "gnome": "gnomish-lineage-",
    "goliath": "giant-ancestry-",
    "tiefling": "fiendish-legacy-",
}
GIANT_ANCESTRIES = {
    "cloud": "clouds-jaunt",
    "fire": "fires-burn",
    "frost": "frosts-chill",
    "hill": "hills-tumble",
    "stone": "stones-endurance",
    "storm": "storms-thunder",
}
_CHOICE = re.compile(r"\s*\([^)]*\)\s*$")  # "Magic Initiate (Wizard)": the choice made


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def species_slug(document: Mapping[str, Any]) -> str | None:
    species = _text(_dict(document.get("identity")).get("species"))
    return None if species is None else f"species/{slugify(species)}"


def lineage_slug(document: Mapping[str, Any]) -> str | None:
    identity = _dict(document.get("identity"))
    species, lineage = _text(identity.get("species")), _text(identity.get("lineage"))
    if species is None or lineage is None:
        return None
    name = slugify(lineage)
    if species == "goliath":
        name = GIANT_ANCESTRIES.get(name, name)
    return f"lineage/{LINEAGE_PREFIX.get(species, '')}{name}"


def background_slug(document: Mapping[str, Any]) -> str | None:
    name = _text(_dict(document.get("background")).get("name"))
    return None if name is None else f"background/{slugify(name)}"


def feat_slug(name: str) -> str:
    """``Magic Initiate (Wizard)`` -> ``feat/magic-initiate``: the feat, not the choice in it."""
    return f"feat/{slugify(_CHOICE.sub('', name))}"


def spell_slug(name: str) -> str:
    return f"spell/{slugify(name)}"


@strawberry.type(description="Levels in one class, with its subclass, from the catalog.")
class CharacterClassLevel:
    class_id: strawberry.Private[str]
    subclass_id: strawberry.Private[str | None]
    level: int = strawberry.field(description="Levels taken in this class.")

    @strawberry.field(name="class", description="The class.")
    def character_class(self) -> CharacterClass:
        return CharacterClass.of(self.class_id)

    @strawberry.field(description="The subclass, once chosen.")
    def subclass(self) -> Subclass | None:
        return None if self.subclass_id is None else Subclass(slug=f"subclass/{self.subclass_id}")


def class_levels(document: Mapping[str, Any]) -> list[CharacterClassLevel]:
    levels = []
    for entry in _list(document.get("classes")):
        entry = _dict(entry)
        class_id, level = _text(entry.get("class")), entry.get("level")
        if class_id is not None and isinstance(level, int):
            levels.append(
                CharacterClassLevel(
                    class_id=class_id, subclass_id=_text(entry.get("subclass")), level=level
                )
            )
    return levels


@strawberry.type(description="A feat the character has, where it came from, and its catalog entry.")
class CharacterFeat:
    name: str = strawberry.field(description="The feat as the document names it.")
    origin: str = strawberry.field(
        description='Where it came from: "Background", "Fighter 4", "Fighting Style"...'
    )

    @strawberry.field(description="The feat in the catalog; null when it has no entry.")
    def feat(self) -> Feat | None:
        return Feat(slug=feat_slug(self.name))


def feats(document: Mapping[str, Any]) -> list[CharacterFeat]:
    return list(_feats(document))


def _feats(document: Mapping[str, Any]) -> Iterator[CharacterFeat]:
    background = _text(_dict(document.get("background")).get("feat"))
    if background is not None:
        yield CharacterFeat(name=background, origin="Background")
    for improvement in _list(document.get("improvements")):
        improvement = _dict(improvement)
        name = _text(improvement.get("feat"))
        if name is not None:
            granted_by = _text(improvement.get("class"))
            level = improvement.get("class_level")
            origin = (
                f"{granted_by.title()} {level}"
                if granted_by and isinstance(level, int)
                else _text(improvement.get("source")) or "Improvement"
            )
            yield CharacterFeat(name=name, origin=origin)
    for feat in _list(document.get("feats")):
        if isinstance(feat, str) and feat.strip():
            yield CharacterFeat(name=feat.strip(), origin="Feat")
        elif (name := _text(_dict(feat).get("name"))) is not None:
            yield CharacterFeat(name=name, origin=_text(_dict(feat).get("source")) or "Feat")


@strawberry.type(
    description="Something the character carries, with its catalog entry: mundane equipment, "
    "a magic item, or neither (a custom item)."
)
class InventoryItem:
    name: str = strawberry.field(description="The item as the document names it.")
    quantity: int = strawberry.field(description="How many.")
    weight: float = strawberry.field(description="Pounds, each.")
    equipped: bool = strawberry.field(description="Worn or held.")
    requires_attunement: bool = strawberry.field(description="Whether it needs attunement.")
    attuned: bool = strawberry.field(description="Whether the character is attuned to it.")
    magic_bonus: int = strawberry.field(description="Its +N, if it is a +N weapon or armor.")
    equipment_slug: strawberry.Private[str]
    magic_item_slug: strawberry.Private[str]

    @strawberry.field(description="The mundane item in the catalog (null when it is none).")
    def equipment(self) -> Equipment | None:
        return Equipment(slug=self.equipment_slug)

    @strawberry.field(description="The magic item in the catalog (null when it is none).")
    def magic_item(self) -> MagicItem | None:
        return MagicItem(slug=self.magic_item_slug)


def _number(value: Any, default: float) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )


def inventory(document: Mapping[str, Any]) -> list[InventoryItem]:
    items = []
    for raw in _list(document.get("equipment")):
        item = _dict(raw)
        ref = _text(item.get("ref"))
        name = (
            _text(item.get("name")) or (ref or "item").rpartition("/")[2].replace("-", " ").title()
        )
        base = slugify(ref.rpartition("/")[2]) if ref else slugify(name)
        bonus = int(_number(item.get("magic_bonus"), 0))
        kind = "shield" if ref == "shield" else (ref or "").partition("/")[0]
        if bonus and kind in ("weapon", "armor", "shield"):
            magic = f"{kind}-{bonus}"  # the SRD's "Weapon, +1", "Armor, +2", "Shield, +3"
        else:
            magic = slugify(name)
        items.append(
            InventoryItem(
                name=name,
                quantity=int(_number(item.get("quantity"), 1)),
                weight=_number(item.get("weight"), 0.0),
                equipped=item.get("equipped") is True,
                requires_attunement=item.get("requires_attunement") is True,
                attuned=item.get("attuned") is True,
                magic_bonus=bonus,
                equipment_slug=f"equipment/{base}",
                magic_item_slug=f"magic-item/{magic}",
            )
        )
    return items


def concentration(document: Mapping[str, Any]) -> Spell | None:
    spells = _dict(document.get("state")).get("concentration")
    name = _text(spells[0] if isinstance(spells, list) and spells else spells)
    return None if name is None else Spell(slug=spell_slug(name))


def species(document: Mapping[str, Any]) -> Species | None:
    slug = species_slug(document)
    return None if slug is None else Species(slug=slug)


def lineage(document: Mapping[str, Any]) -> Lineage | None:
    slug = lineage_slug(document)
    return None if slug is None else Lineage(slug=slug)


def background(document: Mapping[str, Any]) -> Background | None:
    slug = background_slug(document)
    return None if slug is None else Background(slug=slug)
