"""Creating characters."""

from __future__ import annotations

import strawberry

from subgraphs.character.creation import services
from subgraphs.character.types import CharacterPayload
from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.outcomes import attempt


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
        return CharacterPayload.of(
            *await attempt(
                services.create_character(info.context.runtime.uow(), viewer.user_id, new)
            )
        )
