"""An encounter as one immutable snapshot: what queries return and what the live stream carries.

Every change to an encounter writes its whole new snapshot into the outbox event, so the event
bus, the cache's pub/sub and each subscriber see the same thing a query would, with no database
read per subscriber. ``to_payload``/``from_payload`` are the JSON form on the wire; ``seen_by``
is the one place that decides what a player may see of it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from rules.combat_tracker import Dying, HitPoints, InitiativeEntry, initiative_order
from rules.enums import Condition
from subgraphs.campaign.models import CombatantKind, CombatantRow, EncounterRow, EncounterStatus


@dataclass(frozen=True)
class CombatantState:
    id: uuid.UUID
    name: str
    kind: CombatantKind
    character_id: uuid.UUID | None
    creature_slug: str | None
    initiative: int | None
    hit_points: HitPoints
    conditions: tuple[Condition, ...]
    hidden: bool
    dying: Dying

    @classmethod
    def from_row(cls, row: CombatantRow) -> CombatantState:
        return cls(
            id=row.id,
            name=row.name,
            kind=CombatantKind(row.kind),
            character_id=row.character_id,
            creature_slug=row.creature_slug,
            initiative=row.initiative,
            hit_points=HitPoints(row.current_hp, row.max_hp, row.temp_hp),
            conditions=tuple(sorted(Condition(value) for value in row.conditions)),
            hidden=row.hidden,
            dying=Dying(row.death_save_successes, row.death_save_failures, row.stable, row.dead),
        )

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "kind": self.kind.value,
            "characterId": None if self.character_id is None else str(self.character_id),
            "creatureSlug": self.creature_slug,
            "initiative": self.initiative,
            "currentHp": self.hit_points.current,
            "maxHp": self.hit_points.maximum,
            "tempHp": self.hit_points.temporary,
            "conditions": [condition.value for condition in self.conditions],
            "hidden": self.hidden,
            "deathSaves": {
                "successes": self.dying.successes,
                "failures": self.dying.failures,
                "stable": self.dying.stable,
                "dead": self.dying.dead,
            },
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> CombatantState:
        character_id = data.get("characterId")
        saves = data.get("deathSaves") or {}  # absent from events written before death saves
        return cls(
            id=uuid.UUID(data["id"]),
            name=str(data["name"]),
            kind=CombatantKind(data["kind"]),
            character_id=None if character_id is None else uuid.UUID(character_id),
            creature_slug=data.get("creatureSlug"),
            initiative=data.get("initiative"),
            hit_points=HitPoints(data["currentHp"], data["maxHp"], data["tempHp"]),
            conditions=tuple(Condition(value) for value in data["conditions"]),
            hidden=bool(data["hidden"]),
            dying=Dying(
                int(saves.get("successes", 0)),
                int(saves.get("failures", 0)),
                bool(saves.get("stable", False)),
                bool(saves.get("dead", False)),
            ),
        )


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; every timestamp we write is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def in_turn_order(combatants: Sequence[CombatantRow]) -> list[CombatantRow]:
    """Highest initiative first (ties: who was added first); those without one go last."""
    by_age = sorted(combatants, key=lambda row: (_aware(row.created_at), row.id))
    rolled = [row for row in by_age if row.initiative is not None]
    order = initiative_order([InitiativeEntry(row, row.initiative or 0) for row in rolled])
    return order + [row for row in by_age if row.initiative is None]


@dataclass(frozen=True)
class EncounterState:
    id: uuid.UUID
    campaign_id: uuid.UUID
    name: str
    status: EncounterStatus
    round: int
    current_combatant_id: uuid.UUID | None
    version: int
    created_at: datetime
    combatants: tuple[CombatantState, ...]  # in turn order

    @classmethod
    def of(cls, encounter: EncounterRow, combatants: Sequence[CombatantRow]) -> EncounterState:
        """The snapshot of ``encounter`` with its live (not removed) ``combatants``."""
        return cls(
            id=encounter.id,
            campaign_id=encounter.campaign_id,
            name=encounter.name,
            status=EncounterStatus(encounter.status),
            round=encounter.round,
            current_combatant_id=encounter.current_combatant_id,
            version=encounter.version,
            created_at=_aware(encounter.created_at),
            combatants=tuple(
                CombatantState.from_row(row)
                for row in in_turn_order([row for row in combatants if not row.is_deleted])
            ),
        )

    def seen_by(self, game_master: bool) -> EncounterState:
        """What a viewer may see: everything for the game master; players miss hidden ones."""
        if game_master:
            return self
        visible = tuple(c for c in self.combatants if not c.hidden)
        current = self.current_combatant_id
        if current is not None and all(c.id != current for c in visible):
            current = None  # a hidden combatant's turn shows as nobody's
        return replace(self, combatants=visible, current_combatant_id=current)

    def to_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "campaignId": str(self.campaign_id),
            "name": self.name,
            "status": self.status.value,
            "round": self.round,
            "currentCombatantId": None
            if self.current_combatant_id is None
            else str(self.current_combatant_id),
            "version": self.version,
            "createdAt": self.created_at.isoformat(),
            "combatants": [combatant.to_payload() for combatant in self.combatants],
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> EncounterState:
        """Rebuild a snapshot; ``KeyError``/``ValueError``/``TypeError`` if malformed."""
        current = data.get("currentCombatantId")
        return cls(
            id=uuid.UUID(data["id"]),
            campaign_id=uuid.UUID(data["campaignId"]),
            name=str(data["name"]),
            status=EncounterStatus(data["status"]),
            round=int(data["round"]),
            current_combatant_id=None if current is None else uuid.UUID(current),
            version=int(data["version"]),
            created_at=datetime.fromisoformat(data["createdAt"]),
            combatants=tuple(CombatantState.from_payload(c) for c in data["combatants"]),
        )
