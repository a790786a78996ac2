"""Creating characters: from a whole build, or by importing a document made elsewhere."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from subgraphs.character.creation import services
from subgraphs.character.types import CharacterKind, CharacterPayload, Visibility
from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.outcomes import attempt

IDEMPOTENCY_KEY = "Any unique string; retrying with the same key returns the same character."


@strawberry.input(description="A new character: its whole build as one document.")
class CreateCharacterInput:
    document: JSON = strawberry.field(
        description="The base data in the rules engine's format (`python -m rules schema`; "
        "examples in `rules/examples/`). It must be legal: every rule it breaks comes back as "
        "a userError whose path points into it, e.g. `input.document.classes.1.subclass`."
    )
    kind: CharacterKind = strawberry.field(
        default=CharacterKind.PC, description="Player character (the default), NPC or monster."
    )
    visibility: Visibility = strawberry.field(
        default=Visibility.PRIVATE, description="Who may read it; PRIVATE unless you say so."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.input(description="A character document to import, e.g. one `Character.document` gave.")
class ImportCharacterInput:
    document: JSON = strawberry.field(
        description="The base data in the rules engine's format, play state included; checked "
        "like `createCharacter`'s."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a character owned by you from its whole build. Anything illegal "
        "is refused with userErrors and nothing is saved."
    )
    async def create_character(
        self, info: ContextInfo, input: CreateCharacterInput
    ) -> CharacterPayload:
        viewer = require_viewer(info)
        new = services.NewCharacter(
            input.document, input.kind.name, input.visibility.name, input.idempotency_key
        )
        return CharacterPayload.of(
            *await attempt(
                services.create_character(info.context.runtime.uow(), viewer.user_id, new)
            )
        )

    @strawberry.mutation(
        description="Create a character owned by you from a document in the rules format (an "
        "export, or a file like `rules/examples/*.json`). Its `document` afterwards is the same "
        "sheet in canonical form."
    )
    async def import_character(
        self, info: ContextInfo, input: ImportCharacterInput
    ) -> CharacterPayload:
        viewer = require_viewer(info)
        new = services.NewCharacter(
            input.document, idempotency_key=input.idempotency_key, origin="imported"
        )
        return CharacterPayload.of(
            *await attempt(
                services.create_character(info.context.runtime.uow(), viewer.user_id, new)
            )
        )
