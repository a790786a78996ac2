"""``combatState``: an encounter's state now, then after every change (see ``live`` and
``combat_hub``)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import replace

import strawberry

from infra.db.errors import NotFound
from subgraphs.campaign import combat_hub, encounters
from subgraphs.campaign.combat_state import EncounterState
from subgraphs.campaign.encounter_types import Encounter
from subgraphs.campaign.models import EncounterStatus
from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.errors import ErrorCode, graphql_error
from subgraphs.kit.outcomes import parse_id_or_error


def _gone() -> Exception:
    return graphql_error(
        ErrorCode.NOT_FOUND, "No encounter with that ID in a campaign you take part in."
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="An encounter's state now, then again after every change, until it ends. "
        "Players see neither hidden combatants nor changes that touch only those."
    )
    async def combat_state(
        self, info: ContextInfo, encounter_id: strawberry.ID
    ) -> AsyncGenerator[Encounter, None]:
        viewer = require_viewer(info)
        key = parse_id_or_error(encounter_id, "encounterId")
        runtime = info.context.runtime
        # Listen first, then read: a change committed in between arrives on the channel, and
        # anything the read already shows is dropped by its version.
        async with combat_hub.hub_of(runtime).follow(key, viewer.user_id) as updates:
            try:
                state, watcher = await encounters.watch(runtime.uow(), viewer.user_id, key)
            except NotFound:
                raise _gone() from None
            yield Encounter.of(state, watcher)
            if state.status == EncounterStatus.ENDED:
                return
            try:
                async for update in updates:
                    # Membership may end mid-fight (a player leaves, the campaign is deleted);
                    # the standing is as of now, whatever the snapshot's version.
                    if update.watcher is None:
                        raise _gone()
                    if update.state.version <= state.version:
                        continue  # a repeat or a late arrival: the stream never goes back
                    unseen = _same_view(state, update.state, update.watcher)
                    state = update.state
                    if unseen:
                        continue  # only hidden combatants changed: players must not notice
                    yield Encounter.of(state, update.watcher)
                    if state.status == EncounterStatus.ENDED:
                        return
            except combat_hub.ListenerLost as lost:
                raise graphql_error(ErrorCode.INTERNAL_SERVER_ERROR, str(lost)) from None


def _same_view(before: EncounterState, after: EncounterState, watcher: encounters.Watcher) -> bool:
    """Whether ``watcher`` would see no difference between the two, apart from the version."""
    if watcher.game_master:
        return False
    seen_before, seen_after = before.seen_by(False), after.seen_by(False)
    return replace(seen_before, version=0) == replace(seen_after, version=0)
