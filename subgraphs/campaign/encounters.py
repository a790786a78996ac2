"""Use cases of encounters: a game master runs a fight, the players watch it.

Who may do what (the campaign's rules, applied to its encounters):
- only the campaign's game master changes an encounter (``NotGameMaster`` for other members);
- members see it, players without the hidden combatants; to everybody else it does not exist
  (``NotFound``, exactly as for an ID nobody created).

Every change bumps the encounter's ``version`` (the whole encounter is one aggregate: a
combatant's change touches the encounter row too), is checked against the caller's
``expected_version``, and writes an ``encounter.*`` event carrying the new snapshot in the same
transaction. The numbers themselves (Hit Points, turn order) come from ``rules.combat_tracker``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from infra.db.errors import NotFound
from infra.db.model import utcnow
from infra.db.unit_of_work import UnitOfWork
from rules import combat_tracker as tracker
from rules.enums import Condition
from rules.errors import RuleError, RuleViolation
from subgraphs.campaign.combat_state import EncounterState, in_turn_order
from subgraphs.campaign.models import CombatantKind, CombatantRow, EncounterRow, EncounterStatus
from subgraphs.campaign.repository import (
    CombatantRepository,
    EncounterRepository,
    MembershipRepository,
)
from subgraphs.campaign.services import as_game_master, as_member
from subgraphs.kit.foreign_ids import Caller, ForeignIds, require_creature
from subgraphs.kit.idempotency import check_idempotency_key, create_once
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.kit.text import check_single_line

MAX_NAME = 120
MAX_SLUG = 120
MAX_COMBATANTS = 40  # a snapshot per change travels to every watcher; keep it small
EVENT_PREFIX = "encounter."


@dataclass(frozen=True)
class Watcher:
    """A member looking at an encounter: the game master sees hidden combatants too."""

    game_master: bool


@dataclass(frozen=True)
class NewCombatant:
    name: str
    kind: CombatantKind
    max_hp: int
    current_hp: int | None = None  # full Hit Points when omitted
    temp_hp: int = 0
    initiative: int | None = None
    character_id: uuid.UUID | None = None
    creature_slug: str | None = None
    hidden: bool = False


def _problem(error: RuleError, *prefix: str) -> Problem:
    return Problem((*prefix, error.path), error.code.upper(), error.message)


def _rules(*prefix: str) -> Callable[[RuleViolation], Rejected]:
    def convert(violation: RuleViolation) -> Rejected:
        return Rejected(_problem(violation.error, *prefix))

    return convert


def _check_name(name: str) -> list[Problem]:
    cleaned = name.strip()
    if not cleaned:
        return [Problem(("input", "name"), "NAME_REQUIRED", "A name is required.")]
    if len(cleaned) > MAX_NAME:
        return [
            Problem(("input", "name"), "NAME_TOO_LONG", f"Names are at most {MAX_NAME} characters.")
        ]
    return check_single_line(cleaned, ("input", "name"))


# ------------------------------------------------------------------ reading


async def _encounter_of_member(
    uow: UnitOfWork, user_id: uuid.UUID, encounter_id: uuid.UUID
) -> tuple[EncounterRow, Watcher]:
    encounter = await EncounterRepository(uow.session).require(encounter_id)
    try:
        campaign, _ = await as_member(uow, user_id, encounter.campaign_id)
    except NotFound:
        raise NotFound("Encounter", encounter_id) from None  # do not reveal that it exists
    return encounter, Watcher(game_master=campaign.game_master_id == user_id)


async def watch(
    uow: UnitOfWork, user_id: uuid.UUID, encounter_id: uuid.UUID
) -> tuple[EncounterState, Watcher]:
    """The encounter as ``user_id`` may see it now, and how they watch it; ``NotFound`` if they
    may not see it at all."""
    async with uow:
        encounter, watcher = await _encounter_of_member(uow, user_id, encounter_id)
        combatants = await CombatantRepository(uow.session).of_encounter(encounter.id)
        return EncounterState.of(encounter, combatants), watcher


async def watcher_of(uow: UnitOfWork, user_id: uuid.UUID, campaign_id: uuid.UUID) -> Watcher | None:
    """How ``user_id`` watches the campaign's encounters now; ``None`` once they may not."""
    async with uow:
        try:
            campaign, _ = await as_member(uow, user_id, campaign_id)
        except NotFound:
            return None
        return Watcher(game_master=campaign.game_master_id == user_id)


async def watchers_of(
    uow: UnitOfWork, campaign_id: uuid.UUID, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Watcher]:
    """``watcher_of`` for many users in one query; those who may no longer watch are absent."""
    async with uow:
        standing = await MembershipRepository(uow.session).standing_of_users(campaign_id, user_ids)
    return {user: Watcher(game_master=game_master) for user, game_master in standing.items()}


# ------------------------------------------------------------------ changing


async def _encounter_of_game_master(
    uow: UnitOfWork, user_id: uuid.UUID, encounter_id: uuid.UUID
) -> EncounterRow:
    """The encounter, if ``user_id`` runs its campaign: ``NotGameMaster`` for its players,
    ``NotFound`` for everybody else (as for an ID nobody created)."""
    encounter = await EncounterRepository(uow.session).require(encounter_id)
    try:
        await as_game_master(uow, user_id, encounter.campaign_id)
    except NotFound:
        raise NotFound("Encounter", encounter_id) from None
    return encounter


Change = Callable[[UnitOfWork, EncounterRow, list[CombatantRow]], Awaitable[dict[str, object]]]


async def _change(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    kind: str,
    change: Change,
) -> EncounterState:
    """The frame of every change: authorize, check the version, change, snapshot, event."""
    async with uow:
        encounter = await _encounter_of_game_master(uow, user_id, encounter_id)
        EncounterRepository(uow.session).check_version(encounter, expected_version)
        if encounter.status == EncounterStatus.ENDED.value:
            raise Rejected(
                Problem(("input", "encounterId"), "ENCOUNTER_ENDED", "This encounter is over.")
            )
        combatants = await CombatantRepository(uow.session).of_encounter(encounter.id)
        # Another change committing after our version check moves the version our UPDATE
        # expects; the unit of work reports that as a conflict about this encounter.
        details = await change(uow, encounter, combatants)
        encounter.updated_at = utcnow()  # the aggregate's version moves with every change
        await uow.session.flush()
        state = EncounterState.of(encounter, combatants)
        uow.emit(
            EVENT_PREFIX + kind,
            encounter.id,
            {"campaignId": str(encounter.campaign_id), "change": details, **_state(state)},
        )
        await uow.commit()
        return state


def _state(state: EncounterState) -> dict[str, object]:
    return {"version": state.version, "state": state.to_payload()}


def _combatant(combatants: list[CombatantRow], combatant_id: uuid.UUID) -> CombatantRow:
    for row in combatants:
        if row.id == combatant_id and not row.is_deleted:
            return row
    raise Rejected(
        Problem(("input", "combatantId"), "COMBATANT_NOT_FOUND", "No such combatant here.")
    )


async def create_encounter(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    campaign_id: uuid.UUID,
    name: str,
    idempotency_key: str | None = None,
) -> EncounterState:
    problems = _check_name(name) + check_idempotency_key(idempotency_key)
    if problems:
        raise Rejected(*problems)
    # Authorize before looking up the key, so a retry never hands an encounter to a non-GM.
    async with uow:
        await as_game_master(uow, user_id, campaign_id)

    async def create() -> EncounterRow:
        async with uow:
            await as_game_master(uow, user_id, campaign_id)
            row = await EncounterRepository(uow.session).add(
                EncounterRow(
                    campaign_id=campaign_id,
                    name=name.strip(),
                    status=EncounterStatus.PREPARING.value,
                    round=0,
                    idempotency_key=idempotency_key,
                )
            )
            uow.emit(
                EVENT_PREFIX + "created",
                row.id,
                {
                    "campaignId": str(campaign_id),
                    "change": {},
                    **_state(EncounterState.of(row, [])),
                },
            )
            await uow.commit()
            return row

    row = await create_once(uow, EncounterRepository, campaign_id, idempotency_key, create)
    async with uow:
        combatants = await CombatantRepository(uow.session).of_encounter(row.id)
    return EncounterState.of(row, combatants)


def _check_new_combatant(new: NewCombatant) -> list[Problem]:
    problems = _check_name(new.name)
    current = new.max_hp if new.current_hp is None else new.current_hp
    problems += [
        _problem(e, "input") for e in tracker.hit_point_errors(current, new.max_hp, new.temp_hp)
    ]
    if new.initiative is not None:
        problems += [_problem(e, "input") for e in tracker.check_initiative(new.initiative)]
    if new.kind == CombatantKind.PLAYER_CHARACTER and new.character_id is None:
        problems.append(
            Problem(
                ("input", "characterId"),
                "CHARACTER_REQUIRED",
                "A player character combatant names the character it is.",
            )
        )
    if new.kind != CombatantKind.PLAYER_CHARACTER and new.character_id is not None:
        problems.append(
            Problem(
                ("input", "characterId"),
                "CHARACTER_NOT_ALLOWED",
                "Only a player character combatant is a character.",
            )
        )
    if new.creature_slug is not None and not 1 <= len(new.creature_slug.strip()) <= MAX_SLUG:
        problems.append(
            Problem(
                ("input", "creatureSlug"),
                "INVALID_SLUG",
                f"A creature slug has 1 to {MAX_SLUG} characters.",
            )
        )
    return problems + check_single_line(new.creature_slug, ("input", "creatureSlug"))


async def add_combatant(
    uow: UnitOfWork,
    ids: ForeignIds,
    caller: Caller,
    encounter_id: uuid.UUID,
    expected_version: int,
    new: NewCombatant,
) -> EncounterState:
    """A player character must be a character of the campaign's party; a creature's stat
    block (``creature_slug``), one the catalog has and the game master may read."""
    problems = _check_new_combatant(new)
    if problems:
        raise Rejected(*problems)
    user_id = caller.user_id
    if new.creature_slug is not None:
        async with uow:  # only the game master gets to ask the catalog anything
            await _encounter_of_game_master(uow, user_id, encounter_id)
        await require_creature(ids, caller, new.creature_slug.strip(), ("input", "creatureSlug"))

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        if len(combatants) >= MAX_COMBATANTS:
            raise Rejected(
                Problem(
                    ("input", "encounterId"),
                    "TOO_MANY_COMBATANTS",
                    f"An encounter has at most {MAX_COMBATANTS} combatants.",
                )
            )
        if new.character_id is not None:
            if any(row.character_id == new.character_id for row in combatants):
                raise Rejected(
                    Problem(
                        ("input", "characterId"),
                        "CHARACTER_ALREADY_FIGHTING",
                        "That character already takes part in this encounter.",
                    )
                )
            member = await MembershipRepository(uow.session).active_of_character(
                encounter.campaign_id, new.character_id
            )
            if member is None:
                raise Rejected(
                    Problem(
                        ("input", "characterId"),
                        "CHARACTER_NOT_IN_PARTY",
                        "Only a character of the campaign's party can fight as a player character.",
                    )
                )
        row = await CombatantRepository(uow.session).add(
            CombatantRow(
                encounter_id=encounter.id,
                name=new.name.strip(),
                kind=new.kind.value,
                character_id=new.character_id,
                creature_slug=None if new.creature_slug is None else new.creature_slug.strip(),
                initiative=new.initiative,
                current_hp=new.max_hp if new.current_hp is None else new.current_hp,
                max_hp=new.max_hp,
                temp_hp=new.temp_hp,
                conditions=[],
                hidden=new.hidden,
            )
        )
        combatants.append(row)
        return {"combatantId": str(row.id)}

    return await _change(uow, user_id, encounter_id, expected_version, "combatant_added", change)


async def remove_combatant(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    combatant_id: uuid.UUID,
) -> EncounterState:
    """The combatant leaves the fight (kept, soft-deleted). If it was acting, the turn passes
    to whoever comes next, exactly as if its turn had ended."""

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        row = _combatant(combatants, combatant_id)
        order = in_turn_order(combatants)
        await CombatantRepository(uow.session).soft_delete(row)
        if encounter.current_combatant_id == row.id:
            remaining = [other for other in order if other.id != row.id]
            if remaining:
                # The next one in the old order now stands where the removed one stood.
                position = tracker.TurnPosition(encounter.round, order.index(row) - 1)
                following = tracker.next_turn(position, len(remaining))
                encounter.round = following.round
                encounter.current_combatant_id = remaining[following.index].id
            else:
                encounter.current_combatant_id = None
        return {"combatantId": str(row.id)}

    return await _change(uow, user_id, encounter_id, expected_version, "combatant_removed", change)


async def set_initiative(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    combatant_id: uuid.UUID,
    initiative: int,
) -> EncounterState:
    """A new initiative reorders the fight; whoever is acting keeps acting."""
    problems = [_problem(e, "input") for e in tracker.check_initiative(initiative)]
    if problems:
        raise Rejected(*problems)

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        row = _combatant(combatants, combatant_id)
        row.initiative = initiative
        return {"combatantId": str(row.id), "initiative": initiative}

    return await _change(uow, user_id, encounter_id, expected_version, "initiative_set", change)


async def start_encounter(
    uow: UnitOfWork, user_id: uuid.UUID, encounter_id: uuid.UUID, expected_version: int
) -> EncounterState:
    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        if encounter.status != EncounterStatus.PREPARING.value:
            raise Rejected(
                Problem(("input", "encounterId"), "ALREADY_STARTED", "The fight is on already.")
            )
        missing = [row.name for row in combatants if row.initiative is None]
        if missing:
            raise Rejected(
                Problem(
                    ("input", "encounterId"),
                    "INITIATIVE_MISSING",
                    "Roll initiative first for: " + ", ".join(missing) + ".",
                )
            )
        try:
            position = tracker.first_turn(len(combatants))
        except RuleViolation as violation:
            raise _rules("input")(violation) from None
        encounter.status = EncounterStatus.ACTIVE.value
        encounter.round = position.round
        encounter.current_combatant_id = in_turn_order(combatants)[position.index].id
        return {}

    return await _change(uow, user_id, encounter_id, expected_version, "started", change)


async def next_turn(
    uow: UnitOfWork, user_id: uuid.UUID, encounter_id: uuid.UUID, expected_version: int
) -> EncounterState:
    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        if encounter.status != EncounterStatus.ACTIVE.value:
            raise Rejected(
                Problem(("input", "encounterId"), "NOT_STARTED", "Start the encounter first.")
            )
        order = in_turn_order(combatants)
        index = next(
            (i for i, row in enumerate(order) if row.id == encounter.current_combatant_id), -1
        )
        try:
            position = tracker.next_turn(tracker.TurnPosition(encounter.round, index), len(order))
        except RuleViolation as violation:
            raise _rules("input")(violation) from None
        encounter.round = position.round
        encounter.current_combatant_id = order[position.index].id
        return {}

    return await _change(uow, user_id, encounter_id, expected_version, "turn_advanced", change)


def _dying(row: CombatantRow) -> tracker.Dying:
    return tracker.Dying(row.death_save_successes, row.death_save_failures, row.stable, row.dead)


def _set_dying(row: CombatantRow, dying: tracker.Dying) -> None:
    row.death_save_successes, row.death_save_failures = dying.successes, dying.failures
    row.stable, row.dead = dying.stable, dying.dead


def _is_character(row: CombatantRow) -> bool:
    return row.kind == CombatantKind.PLAYER_CHARACTER.value


def _follow_hit_points(
    row: CombatantRow, before: tracker.HitPoints, after: tracker.HitPoints
) -> None:
    """A player character at 0 Hit Points is Unconscious until healed (rules/combat_tracker)."""
    held = frozenset(Condition(value) for value in row.conditions)
    now = tracker.conditions_after(held, before, after, character=_is_character(row))
    if now != held:
        row.conditions = sorted(condition.value for condition in now)


def _refuse_the_dead(row: CombatantRow) -> None:
    if row.dead:
        raise Rejected(Problem(("input", "combatantId"), "COMBATANT_DEAD", f"{row.name} is dead."))


async def apply_damage(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    combatant_id: uuid.UUID,
    amount: int,
    *,
    critical: bool = False,
) -> EncounterState:
    """``amount`` after the target's defenses; Temporary Hit Points absorb it first. A player
    character at 0 suffers death save failures (two for a ``critical`` hit), or dies outright
    from damage of at least its Hit Point maximum."""
    if amount < 0:
        raise Rejected(
            Problem(("input", "amount"), "NEGATIVE_DAMAGE", "Damage cannot be negative.")
        )

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        row = _combatant(combatants, combatant_id)
        _refuse_the_dead(row)
        before = tracker.HitPoints(row.current_hp, row.max_hp, row.temp_hp)
        result = tracker.take_damage(before, amount)
        row.current_hp, row.temp_hp = result.hit_points.current, result.hit_points.temporary
        _follow_hit_points(row, before, result.hit_points)
        if _is_character(row):
            _set_dying(row, tracker.dying_after_damage(_dying(row), result, critical=critical))
        return {
            "combatantId": str(row.id),
            "amount": amount,
            "critical": critical,
            "absorbed": result.absorbed,
            "lost": result.lost,
            "droppedToZero": result.dropped_to_zero,
            "dead": row.dead,
        }

    return await _change(uow, user_id, encounter_id, expected_version, "damage_applied", change)


async def apply_healing(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    combatant_id: uuid.UUID,
    amount: int,
) -> EncounterState:
    if amount < 0:
        raise Rejected(
            Problem(("input", "amount"), "NEGATIVE_HEALING", "Healing cannot be negative.")
        )

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        row = _combatant(combatants, combatant_id)
        _refuse_the_dead(row)
        before = tracker.HitPoints(row.current_hp, row.max_hp, row.temp_hp)
        result = tracker.heal(before, amount)
        row.current_hp = result.hit_points.current
        _follow_hit_points(row, before, result.hit_points)
        _set_dying(row, tracker.dying_after_healing(_dying(row), result.hit_points))
        return {"combatantId": str(row.id), "amount": amount, "restored": result.restored}

    return await _change(uow, user_id, encounter_id, expected_version, "healing_applied", change)


async def roll_death_save(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    combatant_id: uuid.UUID,
    roll: int,
) -> EncounterState:
    """Record a player character's death saving throw from its natural d20 ``roll``."""

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        row = _combatant(combatants, combatant_id)
        _refuse_the_dead(row)
        if not _is_character(row):
            raise Rejected(
                Problem(
                    ("input", "combatantId"),
                    "NOT_A_CHARACTER",
                    "Only player characters make death saves; a creature at 0 is the game "
                    "master's call.",
                )
            )
        before = tracker.HitPoints(row.current_hp, row.max_hp, row.temp_hp)
        try:
            result = tracker.death_save(_dying(row), before, roll)
        except RuleViolation as violation:
            raise _rules("input")(violation) from None
        if result.regained:
            after = tracker.heal(before, result.regained).hit_points
            row.current_hp = after.current
            _follow_hit_points(row, before, after)
        _set_dying(row, result.dying)
        return {
            "combatantId": str(row.id),
            "roll": roll,
            "successes": result.dying.successes,
            "failures": result.dying.failures,
            "stable": result.dying.stable,
            "dead": result.dying.dead,
        }

    return await _change(uow, user_id, encounter_id, expected_version, "death_save_rolled", change)


async def grant_temporary_hit_points(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    combatant_id: uuid.UUID,
    amount: int,
) -> EncounterState:
    """Temporary Hit Points don't stack: the combatant keeps the higher of old and new."""
    if amount < 0:
        raise Rejected(
            Problem(
                ("input", "amount"),
                "NEGATIVE_TEMP_HP",
                "Temporary Hit Points cannot be negative.",
            )
        )

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        row = _combatant(combatants, combatant_id)
        before = tracker.HitPoints(row.current_hp, row.max_hp, row.temp_hp)
        row.temp_hp = tracker.grant_temporary(before, amount).temporary
        return {"combatantId": str(row.id), "amount": amount, "tempHp": row.temp_hp}

    return await _change(uow, user_id, encounter_id, expected_version, "temp_hp_granted", change)


async def change_condition(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    combatant_id: uuid.UUID,
    condition: Condition,
    *,
    present: bool,
) -> EncounterState:
    """Add (``present``) or remove one condition; asking for what already holds is an error,
    so a game master acting on a stale screen finds out."""

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        row = _combatant(combatants, combatant_id)
        held = set(row.conditions)
        if present and condition.value in held:
            raise Rejected(
                Problem(
                    ("input", "condition"),
                    "CONDITION_ALREADY_PRESENT",
                    f"{row.name} is already {condition.value}.",
                )
            )
        if not present and condition.value not in held:
            raise Rejected(
                Problem(
                    ("input", "condition"),
                    "CONDITION_NOT_PRESENT",
                    f"{row.name} is not {condition.value}.",
                )
            )
        held = held | {condition.value} if present else held - {condition.value}
        row.conditions = sorted(held)  # a new list, so the JSON column is seen as changed
        return {"combatantId": str(row.id), "condition": condition.value}

    kind = "condition_added" if present else "condition_removed"
    return await _change(uow, user_id, encounter_id, expected_version, kind, change)


async def set_hidden(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    encounter_id: uuid.UUID,
    expected_version: int,
    combatant_id: uuid.UUID,
    hidden: bool,
) -> EncounterState:
    """Hide a combatant from the players, or reveal it: the ambusher steps out, the
    Antitheticon's double is unmasked. Players' streams show it from this change on."""

    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        row = _combatant(combatants, combatant_id)
        if row.hidden == hidden:
            code, already = ("ALREADY_HIDDEN", "hidden") if hidden else ("ALREADY_VISIBLE", "seen")
            raise Rejected(
                Problem(("input", "hidden"), code, f"This combatant is already {already}.")
            )
        row.hidden = hidden
        return {"combatantId": str(row.id), "hidden": hidden}

    kind = "combatant_hidden" if hidden else "combatant_revealed"
    return await _change(uow, user_id, encounter_id, expected_version, kind, change)


async def end_encounter(
    uow: UnitOfWork, user_id: uuid.UUID, encounter_id: uuid.UUID, expected_version: int
) -> EncounterState:
    async def change(
        uow: UnitOfWork, encounter: EncounterRow, combatants: list[CombatantRow]
    ) -> dict[str, object]:
        encounter.status = EncounterStatus.ENDED.value
        encounter.current_combatant_id = None
        return {}

    return await _change(uow, user_id, encounter_id, expected_version, "ended", change)
