"""GraphQL face of the character service. Resolvers stay thin: parse, authorize, call a use case."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from subgraphs.character import services
from subgraphs.character.models import CharacterRow
from subgraphs.character.repository import CharacterRepository
from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.errors import UserError
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.loaders import load_entity
from subgraphs.kit.outcomes import attempt, parse_id, parse_id_or_error
from subgraphs.kit.references import User
from subgraphs.kit.relay import Connection, paged_connection


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


@strawberry.input(description="A new character.")
class CreateCharacterInput:
    name: str = strawberry.field(description="What the character is called.")
    level: int = strawberry.field(default=1, description="Starting level, 1 to 20.")
    class_slug: str | None = strawberry.field(
        default=None, description="The catalog slug of the class, e.g. `class/wizard`."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; retrying with the same key returns the same character.",
    )


@strawberry.input(description="Changes to a character; omitted fields stay as they are.")
class UpdateCharacterInput:
    id: strawberry.ID = strawberry.field(description="The character to change.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    name: str | None = strawberry.field(default=None, description="A new name.")
    level: int | None = strawberry.field(default=None, description="A new level, 1 to 20.")
    class_slug: str | None = strawberry.field(default=None, description="A new class slug.")
    visibility: Visibility | None = strawberry.field(
        default=None, description="PUBLIC shares the character with everyone; PRIVATE hides it."
    )


@strawberry.input(description="Which character to delete or restore.")
class CharacterVersionInput:
    id: strawberry.ID = strawberry.field(description="The character.")
    expected_version: int = strawberry.field(description="The `version` you last read.")


@strawberry.type(description="The result of a character mutation.")
class CharacterPayload:
    character: Character | None = strawberry.field(description="The character, when it worked.")
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")


@strawberry.type
class Query:
    @strawberry.field(
        description="A character by ID: yours, or anyone's public one; null when there is none."
    )
    async def character(self, info: ContextInfo, id: strawberry.ID) -> Character | None:
        key = parse_id_or_error(id, "id")
        async with info.context.runtime.sessions() as session:
            row = await CharacterRepository(session).get(key)
        if row is None:
            return None
        if row.visibility != "PUBLIC" and row.owner_id != require_viewer(info).user_id:
            return None
        return Character.from_row(row)

    @strawberry.field(description="Characters their owners shared publicly, oldest first.")
    async def public_characters(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[Character]:
        return await paged_connection(
            info.context.runtime,
            first,
            lambda session: CharacterRepository(session).page_public(first, after),
            Character.from_row,
        )

    @strawberry.field(description="Your characters, oldest first.")
    async def characters(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[Character]:
        viewer = require_viewer(info)
        return await paged_connection(
            info.context.runtime,
            first,
            lambda session: CharacterRepository(session).page_owned_by(
                viewer.user_id, first, after
            ),
            Character.from_row,
        )


def _payload(row: CharacterRow | None, errors: list[UserError]) -> CharacterPayload:
    return CharacterPayload(
        character=None if row is None else Character.from_row(row), user_errors=errors
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a character owned by you.")
    async def create_character(
        self, info: ContextInfo, input: CreateCharacterInput
    ) -> CharacterPayload:
        viewer = require_viewer(info)
        new = services.NewCharacter(
            input.name, input.level, input.class_slug, input.idempotency_key
        )
        return _payload(
            *await attempt(
                services.create_character(info.context.runtime.uow(), viewer.user_id, new)
            )
        )

    @strawberry.mutation(description="Change one of your characters (name, level, class, sharing).")
    async def update_character(
        self, info: ContextInfo, input: UpdateCharacterInput
    ) -> CharacterPayload:
        viewer = require_viewer(info)

        async def run() -> CharacterRow:
            changes = services.CharacterChanges(
                parse_id(input.id, "input", "id"),
                input.expected_version,
                name=input.name,
                level=input.level,
                class_slug=input.class_slug,
                visibility=None if input.visibility is None else input.visibility.name,
            )
            return await services.update_character(
                info.context.runtime.uow(), viewer.user_id, changes
            )

        return _payload(*await attempt(run()))

    @strawberry.mutation(description="Delete one of your characters (it can be restored).")
    async def delete_character(
        self, info: ContextInfo, input: CharacterVersionInput
    ) -> CharacterPayload:
        viewer = require_viewer(info)

        async def run() -> CharacterRow:
            return await services.delete_character(
                info.context.runtime.uow(),
                viewer.user_id,
                parse_id(input.id, "input", "id"),
                input.expected_version,
            )

        return _payload(*await attempt(run()))

    @strawberry.mutation(description="Bring back a character you deleted.")
    async def restore_character(
        self, info: ContextInfo, input: CharacterVersionInput
    ) -> CharacterPayload:
        viewer = require_viewer(info)

        async def run() -> CharacterRow:
            return await services.restore_character(
                info.context.runtime.uow(),
                viewer.user_id,
                parse_id(input.id, "input", "id"),
                input.expected_version,
            )

        return _payload(*await attempt(run()))


schema = subgraph_schema(query=Query, mutation=Mutation, types=[Character, User, CharacterClass])
