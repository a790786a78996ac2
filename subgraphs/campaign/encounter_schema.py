"""GraphQL face of encounters: the game master's mutations and the ``encounter`` query.

Authorization matches the campaign's: members see an encounter (players without its hidden
combatants), everybody else gets null or NOT_FOUND; a member other than the game master who
tries a change gets a GraphQL error with ``extensions.code`` FORBIDDEN.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import strawberry

from infra.db.errors import NotFound
from infra.db.unit_of_work import UnitOfWork
from rules.enums import Condition
from subgraphs.campaign import encounters
from subgraphs.campaign.combat_state import EncounterState
from subgraphs.campaign.encounter_types import Encounter
from subgraphs.campaign.models import CombatantKind
from subgraphs.campaign.services import NotGameMaster
from subgraphs.kit.context import ContextInfo, foreign_ids, require_caller, require_viewer
from subgraphs.kit.errors import UserError, forbidden
from subgraphs.kit.outcomes import Problem, Rejected, attempt, parse_id, parse_id_or_error

# ------------------------------------------------------------------ inputs and payloads


@strawberry.input(description="A new encounter in a campaign you run.")
class CreateEncounterInput:
    campaign_id: strawberry.ID = strawberry.field(description="The campaign.")
    name: str = strawberry.field(description="What to call the fight.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Any unique string; retrying with the same key returns the same encounter.",
    )


@strawberry.input(description="Which encounter, as of which version.")
class EncounterInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    expected_version: int = strawberry.field(description="The `version` you last read.")


@strawberry.input(description="A combatant joining an encounter.")
class AddCombatantInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    name: str = strawberry.field(description="What the table calls it.")
    kind: CombatantKind = strawberry.field(description="Player character, creature or NPC.")
    max_hp: int = strawberry.field(description="Hit Point maximum, at least 1.")
    current_hp: int | None = strawberry.field(
        default=None, description="Hit Points now; the maximum when omitted."
    )
    temp_hp: int = strawberry.field(default=0, description="Temporary Hit Points to start with.")
    initiative: int | None = strawberry.field(
        default=None, description="Its initiative roll, if already rolled."
    )
    character_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="For a player character: the character, which must be in the party.",
    )
    creature_slug: str | None = strawberry.field(
        default=None,
        description="The catalog slug of its stat block, e.g. `creature/goblin-warrior`.",
    )
    hidden: bool = strawberry.field(
        default=False, description="Keep it from the players until you reveal it."
    )


@strawberry.input(description="A combatant of an encounter, as of which version.")
class CombatantInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    combatant_id: strawberry.ID = strawberry.field(description="The combatant.")


@strawberry.input(description="A combatant's initiative roll.")
class SetInitiativeInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    combatant_id: strawberry.ID = strawberry.field(description="The combatant.")
    initiative: int = strawberry.field(description="The roll's total, -10 to 50.")


@strawberry.input(description="Damage, healing or Temporary Hit Points for one combatant.")
class HitPointsInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    combatant_id: strawberry.ID = strawberry.field(description="The combatant.")
    amount: int = strawberry.field(
        description="How much, 0 or more; damage after the target's resistances and immunities."
    )
    critical: bool = strawberry.field(
        default=False,
        description="Damage only: from a critical hit, which at 0 Hit Points counts as two "
        "death save failures.",
    )


@strawberry.input(description="A condition to add to or remove from one combatant.")
class ConditionInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    combatant_id: strawberry.ID = strawberry.field(description="The combatant.")
    condition: Condition = strawberry.field(description="The condition.")


@strawberry.input(description="A player character's death saving throw.")
class DeathSaveInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    combatant_id: strawberry.ID = strawberry.field(description="The player character at 0.")
    roll: int = strawberry.field(
        description="The d20 as it landed, 1-20: 20 regains 1 Hit Point, 1 is two failures, "
        "10 or more a success."
    )


@strawberry.input(description="Whether the players see a combatant.")
class CombatantVisibilityInput:
    encounter_id: strawberry.ID = strawberry.field(description="The encounter.")
    expected_version: int = strawberry.field(description="The `version` you last read.")
    combatant_id: strawberry.ID = strawberry.field(description="The combatant.")
    hidden: bool = strawberry.field(
        description="True: only the game master sees it. False: reveal it to the players."
    )


@strawberry.type(description="The result of an encounter mutation.")
class EncounterPayload:
    encounter: Encounter | None = strawberry.field(
        description="The encounter after the change, when it worked."
    )
    user_errors: list[UserError] = strawberry.field(description="What was wrong with the input.")


# ------------------------------------------------------------------ resolvers

Work = Callable[[UnitOfWork, uuid.UUID], Awaitable[EncounterState]]
GAME_MASTER = encounters.Watcher(game_master=True)


async def _run(info: ContextInfo, work: Work, id_path: tuple[str, ...]) -> EncounterPayload:
    """Run a game master's change; user errors in the payload, FORBIDDEN for other members."""
    viewer = require_viewer(info)
    try:
        state, errors = await attempt(
            work(info.context.runtime.uow(), viewer.user_id), id_path=id_path
        )
    except NotGameMaster as exc:
        raise forbidden(str(exc)) from None
    encounter = None if state is None else Encounter.of(state, GAME_MASTER)
    return EncounterPayload(encounter=encounter, user_errors=errors)


def _ids(**values: str | None) -> dict[str, uuid.UUID]:
    """Every client-supplied ID of an input at once, so all bad ones are reported together."""
    parsed: dict[str, uuid.UUID] = {}
    problems: list[Problem] = []
    for field, value in values.items():
        if value is None:
            continue
        try:
            parsed[field] = parse_id(value, "input", field)
        except Rejected as exc:
            problems += exc.problems
    if problems:
        raise Rejected(*problems)
    return parsed


ON_ENCOUNTER = ("input", "encounterId")


async def _on_combatant(
    info: ContextInfo,
    input: CombatantInput
    | SetInitiativeInput
    | HitPointsInput
    | ConditionInput
    | CombatantVisibilityInput
    | DeathSaveInput,
    change: Callable[[UnitOfWork, uuid.UUID, uuid.UUID, int, uuid.UUID], Awaitable[EncounterState]],
) -> EncounterPayload:
    async def work(uow: UnitOfWork, user_id: uuid.UUID) -> EncounterState:
        ids = _ids(encounterId=input.encounter_id, combatantId=input.combatant_id)
        return await change(
            uow, user_id, ids["encounterId"], input.expected_version, ids["combatantId"]
        )

    return await _run(info, work, ON_ENCOUNTER)


async def _on_encounter(
    info: ContextInfo,
    input: EncounterInput,
    change: Callable[[UnitOfWork, uuid.UUID, uuid.UUID, int], Awaitable[EncounterState]],
) -> EncounterPayload:
    async def work(uow: UnitOfWork, user_id: uuid.UUID) -> EncounterState:
        encounter_id = parse_id(input.encounter_id, *ON_ENCOUNTER)
        return await change(uow, user_id, encounter_id, input.expected_version)

    return await _run(info, work, ON_ENCOUNTER)


@strawberry.type
class EncounterQuery:
    @strawberry.field(
        description="An encounter of a campaign you take part in, by ID; null for any other."
    )
    async def encounter(self, info: ContextInfo, id: strawberry.ID) -> Encounter | None:
        viewer = require_viewer(info)
        key = parse_id_or_error(id, "id")
        try:
            state, watcher = await encounters.watch(info.context.runtime.uow(), viewer.user_id, key)
        except NotFound:
            return None
        return Encounter.of(state, watcher)


@strawberry.type
class EncounterMutation:
    @strawberry.mutation(description="Prepare an encounter in a campaign you run.")
    async def create_encounter(
        self, info: ContextInfo, input: CreateEncounterInput
    ) -> EncounterPayload:
        async def work(uow: UnitOfWork, user_id: uuid.UUID) -> EncounterState:
            campaign_id = parse_id(input.campaign_id, "input", "campaignId")
            return await encounters.create_encounter(
                uow, user_id, campaign_id, input.name, input.idempotency_key
            )

        return await _run(info, work, ("input", "campaignId"))

    @strawberry.mutation(description="Add a combatant; during the fight it joins the turn order.")
    async def add_combatant(self, info: ContextInfo, input: AddCombatantInput) -> EncounterPayload:
        caller = require_caller(info)

        async def work(uow: UnitOfWork, user_id: uuid.UUID) -> EncounterState:
            ids = _ids(encounterId=input.encounter_id, characterId=input.character_id)
            new = encounters.NewCombatant(
                name=input.name,
                kind=input.kind,
                max_hp=input.max_hp,
                current_hp=input.current_hp,
                temp_hp=input.temp_hp,
                initiative=input.initiative,
                character_id=ids.get("characterId"),
                creature_slug=input.creature_slug,
                hidden=input.hidden,
            )
            return await encounters.add_combatant(
                uow, foreign_ids(info), caller, ids["encounterId"], input.expected_version, new
            )

        return await _run(info, work, ON_ENCOUNTER)

    @strawberry.mutation(
        description="Take a combatant out of the fight (kept for the record); if it was "
        "acting, the turn passes on."
    )
    async def remove_combatant(self, info: ContextInfo, input: CombatantInput) -> EncounterPayload:
        return await _on_combatant(info, input, encounters.remove_combatant)

    @strawberry.mutation(description="Record a combatant's initiative roll.")
    async def set_initiative(
        self, info: ContextInfo, input: SetInitiativeInput
    ) -> EncounterPayload:
        async def change(
            uow: UnitOfWork, user: uuid.UUID, encounter: uuid.UUID, version: int, who: uuid.UUID
        ) -> EncounterState:
            return await encounters.set_initiative(
                uow, user, encounter, version, who, input.initiative
            )

        return await _on_combatant(info, input, change)

    @strawberry.mutation(
        description="Start the fight: round 1, the highest initiative acts first. Every "
        "combatant needs an initiative."
    )
    async def start_encounter(self, info: ContextInfo, input: EncounterInput) -> EncounterPayload:
        return await _on_encounter(info, input, encounters.start_encounter)

    @strawberry.mutation(
        description="End the current turn; after the last combatant a new round begins."
    )
    async def next_turn(self, info: ContextInfo, input: EncounterInput) -> EncounterPayload:
        return await _on_encounter(info, input, encounters.next_turn)

    @strawberry.mutation(
        description="Damage a combatant: Temporary Hit Points absorb it first, Hit Points "
        "stop at 0, and a player character at 0 falls Unconscious; damage at 0 is a death "
        "save failure, and damage of at least its Hit Point maximum kills outright."
    )
    async def apply_damage(self, info: ContextInfo, input: HitPointsInput) -> EncounterPayload:
        async def change(
            uow: UnitOfWork, user: uuid.UUID, encounter: uuid.UUID, version: int, who: uuid.UUID
        ) -> EncounterState:
            return await encounters.apply_damage(
                uow, user, encounter, version, who, input.amount, critical=input.critical
            )

        return await _on_combatant(info, input, change)

    @strawberry.mutation(
        description="Heal a combatant, up to its Hit Point maximum; a player character at 0 "
        "is no longer Unconscious."
    )
    async def apply_healing(self, info: ContextInfo, input: HitPointsInput) -> EncounterPayload:
        async def change(
            uow: UnitOfWork, user: uuid.UUID, encounter: uuid.UUID, version: int, who: uuid.UUID
        ) -> EncounterState:
            return await encounters.apply_healing(uow, user, encounter, version, who, input.amount)

        return await _on_combatant(info, input, change)

    @strawberry.mutation(
        description="Give a combatant Temporary Hit Points; they don't stack, so it keeps the "
        "higher of what it had and `amount`."
    )
    async def grant_temporary_hit_points(
        self, info: ContextInfo, input: HitPointsInput
    ) -> EncounterPayload:
        async def change(
            uow: UnitOfWork, user: uuid.UUID, encounter: uuid.UUID, version: int, who: uuid.UUID
        ) -> EncounterState:
            return await encounters.grant_temporary_hit_points(
                uow, user, encounter, version, who, input.amount
            )

        return await _on_combatant(info, input, change)

    @strawberry.mutation(description="Give a combatant a condition it does not have yet.")
    async def add_condition(self, info: ContextInfo, input: ConditionInput) -> EncounterPayload:
        return await _condition(info, input, present=True)

    @strawberry.mutation(description="Lift a condition a combatant has.")
    async def remove_condition(self, info: ContextInfo, input: ConditionInput) -> EncounterPayload:
        return await _condition(info, input, present=False)

    @strawberry.mutation(
        description="Hide a combatant from the players or reveal it (an ambusher steps out, "
        "an Antitheticon's double is unmasked); players' live streams follow."
    )
    async def set_combatant_hidden(
        self, info: ContextInfo, input: CombatantVisibilityInput
    ) -> EncounterPayload:
        async def change(
            uow: UnitOfWork, user: uuid.UUID, encounter: uuid.UUID, version: int, who: uuid.UUID
        ) -> EncounterState:
            return await encounters.set_hidden(uow, user, encounter, version, who, input.hidden)

        return await _on_combatant(info, input, change)

    @strawberry.mutation(
        description="Record a player character's death saving throw: three successes and it "
        "is Stable, three failures and it dies."
    )
    async def roll_death_save(self, info: ContextInfo, input: DeathSaveInput) -> EncounterPayload:
        async def change(
            uow: UnitOfWork, user: uuid.UUID, encounter: uuid.UUID, version: int, who: uuid.UUID
        ) -> EncounterState:
            return await encounters.roll_death_save(uow, user, encounter, version, who, input.roll)

        return await _on_combatant(info, input, change)

    @strawberry.mutation(description="End the fight; the encounter is kept, read-only.")
    async def end_encounter(self, info: ContextInfo, input: EncounterInput) -> EncounterPayload:
        return await _on_encounter(info, input, encounters.end_encounter)


async def _condition(
    info: ContextInfo, input: ConditionInput, *, present: bool
) -> EncounterPayload:
    async def change(
        uow: UnitOfWork, user: uuid.UUID, encounter: uuid.UUID, version: int, who: uuid.UUID
    ) -> EncounterState:
        return await encounters.change_condition(
            uow, user, encounter, version, who, input.condition, present=present
        )

    return await _on_combatant(info, input, change)
