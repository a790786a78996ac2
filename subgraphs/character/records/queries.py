"""Reading characters: one by ID, your own, and the ones shared publicly."""

from __future__ import annotations

import strawberry

from subgraphs.character.access import Access, access_of, access_to, viewer_id
from subgraphs.character.repository import CharacterRepository
from subgraphs.character.types import Character
from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.outcomes import parse_id_or_error
from subgraphs.kit.relay import Connection, paged_connection


@strawberry.type
class Query:
    @strawberry.field(
        description="A character by ID, if you may see it (yours, a public one, one in a "
        "campaign you take part in); null otherwise, or when there is none."
    )
    async def character(self, info: ContextInfo, id: strawberry.ID) -> Character | None:
        key = parse_id_or_error(id, "id")
        async with info.context.runtime.sessions() as session:
            row = await CharacterRepository(session).get(key)
        if row is None:
            return None
        access = await access_to(info, row)
        return None if access is Access.NONE else Character.from_row(row, access)

    @strawberry.field(description="Characters their owners shared publicly, oldest first.")
    async def public_characters(
        self, info: ContextInfo, first: int = 20, after: str | None = None
    ) -> Connection[Character]:
        return await paged_connection(
            info.context.runtime,
            first,
            lambda session: CharacterRepository(session).page_public(first, after),
            lambda row: Character.from_row(row, access_of(viewer_id(info), row)),
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
