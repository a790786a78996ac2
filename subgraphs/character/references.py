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


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("slug"), resolvable=False)],
    description="A class from the catalog (SRD or homebrew), referenced by its slug.",
)
class CharacterClass:
    slug: str = strawberry.field(description="The class's catalog slug, e.g. `class/wizard`.")

    @classmethod
    def of(cls, class_id: str) -> CharacterClass:
        """The catalog class of a rules class id (``wizard`` -> ``class/wizard``)."""
        return cls(slug=f"class/{class_id}")
