"""The ``Character`` entity as the graph shows it, and the references it holds to other services.

Every capability of the subgraph (reads, creation, the sheet) returns these types, so they live
here rather than inside one capability's folder.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.errors import UserError
from subgraphs.kit.loaders import load_entity
from subgraphs.kit.references import User


@strawberry.enum(description="Who may read a character.")
class Visibility(Enum):
    PRIVATE = strawberry.enum_value("PRIVATE", description="Only its owner.")
    PUBLIC = strawberry.enum_value("PUBLIC", description="Anyone, signed in or not.")


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("slug"), resolvable=False)],
    description="A class from the catalog (SRD or homebrew), referenced by its slug.",
)
class CharacterClass:
    slug: str = strawberry.field(description="The class's catalog slug, e.g. `class/wizard`.")


@strawberry.federation.type(keys=["id"], description="A player character.")
class Character:
    id: strawberry.ID = strawberry.field(description="The character's ID.")
    name: str = strawberry.field(description="What the character is called.")
    level: int = strawberry.field(description="Total character level, 1 to 20.")
    version: int = strawberry.field(
        description="Changes on every write; pass it back as `expectedVersion` when editing."
    )
    visibility: Visibility = strawberry.field(description="Who may read the character.")
    created_at: datetime = strawberry.field(description="When the character was created.")
    owner_id: strawberry.Private[uuid.UUID]
    class_slug: strawberry.Private[str | None]

    @strawberry.field(description="The character's class in the catalog.", name="class")
    def character_class(self) -> CharacterClass | None:
        return None if self.class_slug is None else CharacterClass(slug=self.class_slug)

    @strawberry.field(description="The player who owns the character.")
    def owner(self) -> User:
        return User.of(self.owner_id)

    @classmethod
    def from_row(cls, row: CharacterRow) -> Character:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            level=row.level,
            version=row.version,
            visibility=Visibility(row.visibility),
            created_at=row.created_at,
            owner_id=row.owner_id,
            class_slug=row.class_slug,
        )

    @classmethod
    async def resolve_reference(cls, info: ContextInfo, id: strawberry.ID) -> Character | None:
        # Another subgraph holds a reference it has already authorized (e.g. a campaign's party):
        # any signed-in viewer may read the character it points at; a public one, anyone.
        row = await load_entity(info.context, CharacterRepository, id)
        if row is None:
            return None
        if row.visibility != "PUBLIC":
            require_viewer(info)
        return cls.from_row(row)


@strawberry.type(description="The result of a character mutation.")
class CharacterPayload:
    character: Character | None = strawberry.field(description="The character, when it worked.")
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")

    @classmethod
    def of(cls, row: CharacterRow | None, errors: list[UserError]) -> CharacterPayload:
        return cls(character=None if row is None else Character.from_row(row), user_errors=errors)
