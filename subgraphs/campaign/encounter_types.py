"""GraphQL types of encounters: what a viewer sees of a fight and its combatants.

``Encounter.of`` is the one place a snapshot becomes GraphQL, through ``EncounterState.seen_by``,
so queries, mutation payloads and the live stream hide the same things from players.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from infra.db.repository import Page
from rules.enums import Condition
from subgraphs.campaign import encounters
from subgraphs.campaign.combat_state import CombatantState, EncounterState
from subgraphs.campaign.models import CombatantKind, CombatantRow, EncounterRow, EncounterStatus
from subgraphs.campaign.repository import CombatantRepository, EncounterRepository
from subgraphs.kit.context import ContextInfo
from subgraphs.kit.relay import Connection, paged_connection

if TYPE_CHECKING:
    from subgraphs.campaign.schema import Character

strawberry.enum(
    EncounterStatus,
    description="Where an encounter stands. PREPARING: being set up; ACTIVE: the fight is on, "
    "turn by turn; ENDED: over, kept for the record.",
)
strawberry.enum(
    CombatantKind,
    description="Who a combatant is. PLAYER_CHARACTER: a character of the party; CREATURE: a "
    "monster or animal, often from the catalog; NPC: a character the game master plays.",
)
# The same name, values and description as the catalog's enum, so the graph has one Condition.
strawberry.enum(Condition, name="Condition", description="One of the 15 conditions.")


@strawberry.type(description="A player character's fight for life at 0 Hit Points.")
class DeathSaves:
    successes: int = strawberry.field(description="Successful death saves, 0-3.")
    failures: int = strawberry.field(description="Failed death saves, 0-3.")
    stable: bool = strawberry.field(
        description="Stable: at 0 Hit Points but no longer making death saves."
    )
    dead: bool = strawberry.field(description="Dead: three failures, or massive damage.")


@strawberry.type(description="One side's fighter in an encounter, with its Hit Points.")
class Combatant:
    id: strawberry.ID = strawberry.field(description="The combatant's ID (not a character's).")
    name: str = strawberry.field(description="What the table calls it.")
    kind: CombatantKind = strawberry.field(description="Player character, creature or NPC.")
    initiative: int | None = strawberry.field(
        description="Its initiative roll; null until rolled. Higher acts first."
    )
    current_hp: int = strawberry.field(description="Hit Points left, 0 at the least.")
    max_hp: int = strawberry.field(description="Hit Point maximum.")
    temp_hp: int = strawberry.field(description="Temporary Hit Points; damage takes these first.")
    conditions: list[Condition] = strawberry.field(description="Conditions it has now.")
    hidden: bool = strawberry.field(
        description="Hidden from the players (only the game master ever sees this as true)."
    )
    down: bool = strawberry.field(description="Whether it is at 0 Hit Points.")
    death_saves: DeathSaves = strawberry.field(
        description="Its death saves (a player character's; creatures at 0 are the game "
        "master's call and keep all zeros)."
    )
    creature_slug: str | None = strawberry.field(
        description="The catalog slug of its stat block, e.g. `creature/goblin-warrior`, if any."
    )
    character_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The character it is, for a player character; null otherwise.")
    def character(
        self,
    ) -> Annotated[Character, strawberry.lazy("subgraphs.campaign.schema")] | None:
        from subgraphs.campaign.schema import Character

        if self.character_id is None:
            return None
        return Character(id=strawberry.ID(str(self.character_id)))

    @classmethod
    def of(cls, state: CombatantState) -> Combatant:
        return cls(
            id=strawberry.ID(str(state.id)),
            name=state.name,
            kind=state.kind,
            initiative=state.initiative,
            current_hp=state.hit_points.current,
            max_hp=state.hit_points.maximum,
            temp_hp=state.hit_points.temporary,
            conditions=list(state.conditions),
            hidden=state.hidden,
            down=state.hit_points.is_down,
            death_saves=DeathSaves(
                successes=state.dying.successes,
                failures=state.dying.failures,
                stable=state.dying.stable,
                dead=state.dying.dead,
            ),
            creature_slug=state.creature_slug,
            character_id=state.character_id,
        )


@strawberry.type(description="A fight in a campaign, as you may see it.")
class Encounter:
    id: strawberry.ID = strawberry.field(description="The encounter's ID.")
    campaign_id: strawberry.ID = strawberry.field(description="The campaign it belongs to.")
    name: str = strawberry.field(description="What the game master called it.")
    status: EncounterStatus = strawberry.field(description="Preparing, active or ended.")
    round: int = strawberry.field(description="The current round, from 1; 0 before it starts.")
    version: int = strawberry.field(
        description="Changes with every change to the encounter or its combatants; pass it "
        "back as `expectedVersion`."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    combatants: list[Combatant] = strawberry.field(
        description="Who fights, in turn order: highest initiative first, unrolled ones last."
    )
    current_combatant: Combatant | None = strawberry.field(
        description="Whose turn it is; null before the start, after the end, or when it is the "
        "turn of someone you cannot see."
    )

    @classmethod
    def of(cls, state: EncounterState, watcher: encounters.Watcher) -> Encounter:
        seen = state.seen_by(watcher.game_master)
        combatants = [Combatant.of(c) for c in seen.combatants]
        current = next((c for c in combatants if c.id == str(seen.current_combatant_id)), None)
        return cls(
            id=strawberry.ID(str(seen.id)),
            campaign_id=strawberry.ID(str(seen.campaign_id)),
            name=seen.name,
            status=seen.status,
            round=seen.round,
            version=seen.version,
            created_at=seen.created_at,
            combatants=combatants,
            current_combatant=current,
        )


async def campaign_encounters(
    info: ContextInfo, campaign_id: uuid.UUID, game_master: bool, first: int, after: str | None
) -> Connection[Encounter]:
    """A page of a campaign's encounters, oldest first; the caller has established that the
    viewer takes part in the campaign."""
    watcher = encounters.Watcher(game_master=game_master)
    combatants: dict[uuid.UUID, list[CombatantRow]] = {}

    async def fetch_page(session: AsyncSession) -> Page[EncounterRow]:
        page = await EncounterRepository(session).page_of_campaign(campaign_id, first, after)
        ids = [row.id for row in page.items]
        combatants.update(await CombatantRepository(session).of_encounters(ids))
        return page

    return await paged_connection(
        info.context.runtime,
        first,
        fetch_page,
        lambda row: Encounter.of(EncounterState.of(row, combatants.get(row.id, [])), watcher),
    )
