"""Entities of the catalog the character points at, referenced by slug.

The catalog owns SRD content (and homebrew); the character service stores only rules names in
its documents and returns these stubs, which the router resolves through the catalog, so a
query gets the SRD text beside each number. A name the catalog has no entry for resolves to
null, not an error.
"""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

BY_SLUG = [Key(fields=FieldSet("slug"), resolvable=False)]
SLUG = "Its catalog slug; the router asks the catalog for everything else."


@strawberry.federation.type(
    keys=BY_SLUG, description="A class from the catalog (SRD or homebrew), referenced by its slug."
)
class CharacterClass:
    slug: str = strawberry.field(description="The class's catalog slug, e.g. `class/wizard`.")

    @classmethod
    def of(cls, class_id: str) -> CharacterClass:
        """The catalog class of a rules class id (``wizard`` -> ``class/wizard``)."""
        return cls(slug=f"class/{class_id}")


@strawberry.federation.type(
    keys=BY_SLUG, description="A species from the catalog, e.g. `species/elf`."
)
class Species:
    slug: str = strawberry.field(description=SLUG)


@strawberry.federation.type(
    keys=BY_SLUG,
    description="A species lineage from the catalog, e.g. `lineage/elven-lineage-high-elf`.",
)
class Lineage:
    slug: str = strawberry.field(description=SLUG)


@strawberry.federation.type(
    keys=BY_SLUG, description="A background from the catalog, e.g. `background/sage`."
)
class Background:
    slug: str = strawberry.field(description=SLUG)


@strawberry.federation.type(
    keys=BY_SLUG, description="A subclass from the catalog, e.g. `subclass/evoker`."
)
class Subclass:
    slug: str = strawberry.field(description=SLUG)


@strawberry.federation.type(keys=BY_SLUG, description="A feat from the catalog, e.g. `feat/alert`.")
class Feat:
    slug: str = strawberry.field(description=SLUG)


@strawberry.federation.type(
    keys=BY_SLUG,
    description="A piece of mundane equipment from the catalog, e.g. `equipment/longsword`.",
)
class Equipment:
    slug: str = strawberry.field(description=SLUG)


@strawberry.federation.type(
    keys=BY_SLUG, description="A magic item from the catalog, e.g. `magic-item/ring-of-protection`."
)
class MagicItem:
    slug: str = strawberry.field(description=SLUG)


@strawberry.federation.type(
    keys=BY_SLUG, description="A spell from the catalog, e.g. `spell/fireball`."
)
class Spell:
    slug: str = strawberry.field(description=SLUG)
