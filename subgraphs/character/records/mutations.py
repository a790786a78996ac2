"""Changing, deleting and restoring your characters."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from subgraphs.character.models import CharacterRow
from subgraphs.character.records import services
from subgraphs.character.types import CharacterPayload, Visibility
from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.outcomes import attempt, parse_id


@strawberry.input(description="Changes to a character; omitted fields stay as they are.")
class UpdateCharacterInput:
    id: strawberry.ID = strawberry.field(description="The character to change.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    document: JSON | None = strawberry.field(
        default=None,
        description="A whole new document (see `Character.document`), checked by the rules "
        "engine; an illegal one is refused with userErrors under `input.document` and "
        "changes nothing.",
    )
    name: str | None = strawberry.field(
        default=None, description="A new name (without `document`): sets `identity.name`."
    )
    visibility: Visibility | None = strawberry.field(
        default=None, description="PUBLIC shares the character with everyone; PRIVATE hides it."
    )


@strawberry.input(description="Which character to delete or restore.")
class CharacterVersionInput:
    id: strawberry.ID = strawberry.field(description="The character.")
    expected_version: int = strawberry.field(description="The `version` you last read.")


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Change one of your characters: its whole document, its name or who may "
        "read it."
    )
    async def update_character(
        self, info: ContextInfo, input: UpdateCharacterInput
    ) -> CharacterPayload:
        viewer = require_viewer(info)

        async def run() -> CharacterRow:
            changes = services.CharacterChanges(
                parse_id(input.id, "input", "id"),
                input.expected_version,
                document=input.document,
                name=input.name,
                visibility=None if input.visibility is None else input.visibility.name,
            )
            return await services.update_character(
                info.context.runtime.uow(), viewer.user_id, changes
            )

        return CharacterPayload.of(*await attempt(run()))

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

        return CharacterPayload.of(*await attempt(run()))

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

        return CharacterPayload.of(*await attempt(run()))
