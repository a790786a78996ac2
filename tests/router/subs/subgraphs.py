"""Two subgraphs for the subscription tests: a live combat tracker and the heroes it tracks.

* ``combat`` owns the ``combatState`` subscription and each character's ``hitPoints``. Mutations
  change an encounter and publish the new state to every open subscription of that encounter.
* ``heroes`` owns ``Character.name`` and ``level``: fields the router must add to each combat
  event through an entity fetch before the client sees it.

``STREAMS`` counts, per encounter, the subscriptions the combat subgraph opened and closed, so
tests can check that a client leaving really ended the subgraph's stream; ``new_encounter()``
gives each test its own encounter and counters. The servers run in other threads; state is
only touched from the combat server's own event loop, except these counters, which tests read.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Authenticated

from schema.compose import Subgraph, compose

_INITIAL_ENCOUNTERS: dict[str, dict[str, Any]] = {
    "e1": {"round": 1, "turn": "c1", "hit_points": {"c1": 30, "c2": 24}},
    "e2": {"round": 3, "turn": "c2", "hit_points": {"c2": 12}},
}
HEROES: dict[str, dict[str, Any]] = {
    "c1": {"name": "Aria", "level": 5},
    "c2": {"name": "Borin", "level": 3},
}
ENCOUNTERS: dict[str, dict[str, Any]] = {}


@dataclass
class StreamCounters:
    opened: int = 0
    closed: int = 0
    authorizations: list[str | None] = field(default_factory=list)


STREAMS: dict[str, StreamCounters] = {}  # by encounter id
_LISTENERS: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}


def new_encounter() -> str:
    """A fresh encounter (a copy of ``e1``) under a new id, so tests never share counters."""
    encounter_id = f"e-{uuid.uuid4().hex[:12]}"
    ENCOUNTERS[encounter_id] = copy.deepcopy(_INITIAL_ENCOUNTERS["e1"])
    STREAMS[encounter_id] = StreamCounters()
    return encounter_id


ENCOUNTERS.update(copy.deepcopy(_INITIAL_ENCOUNTERS))
for _encounter_id in _INITIAL_ENCOUNTERS:
    STREAMS[_encounter_id] = StreamCounters()


# --- combat -----------------------------------------------------------------------------------


@strawberry.federation.type(name="Character", keys=["id"])
class Combatant:
    id: strawberry.ID
    hit_points: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Combatant:
        return cls(id=id, hit_points=-1)


@strawberry.type
class CombatState:
    encounter_id: strawberry.ID
    round: int
    turn: Combatant
    combatants: list[Combatant]
    note: str = ""
    seen_authorization: str | None = None
    battle_plan: str | None = strawberry.federation.field(authenticated=True, default="flank left")


def _state(encounter_id: str, note: str = "", authorization: str | None = None) -> CombatState:
    row = ENCOUNTERS[encounter_id]
    combatants = [Combatant(id=strawberry.ID(c), hit_points=hp)
                  for c, hp in sorted(row["hit_points"].items())]
    turn = next(c for c in combatants if c.id == row["turn"])
    return CombatState(encounter_id=strawberry.ID(encounter_id), round=row["round"], turn=turn,
                       combatants=combatants, note=note, seen_authorization=authorization)


def _publish(encounter_id: str, note: str = "") -> None:
    for queue in _LISTENERS.get(encounter_id, set()):
        queue.put_nowait({"note": note})


def _connection_authorization(info: strawberry.Info) -> str | None:
    params = info.context.get("connection_params") or {}
    value = params.get("Authorization")
    return value if isinstance(value, str) else None


@strawberry.type(name="Subscription")
class CombatSubscription:
    @strawberry.subscription
    async def combat_state(
        self, info: strawberry.Info, encounter_id: strawberry.ID
    ) -> AsyncGenerator[CombatState, None]:
        """Every change of the encounter, from the moment of subscribing (no snapshot)."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        listeners = _LISTENERS.setdefault(str(encounter_id), set())
        listeners.add(queue)
        authorization = _connection_authorization(info)
        counters = STREAMS[str(encounter_id)]
        counters.authorizations.append(authorization)
        counters.opened += 1
        try:
            while True:
                change = await queue.get()
                if change.get("collapse"):
                    raise RuntimeError("the dungeon collapsed")
                yield _state(str(encounter_id), change["note"], authorization)
        finally:
            listeners.discard(queue)
            counters.closed += 1


    @strawberry.subscription(directives=[Authenticated()])
    async def dm_whispers(self) -> AsyncGenerator[str, None]:
        """Only for signed-in viewers (the router enforces ``@authenticated``)."""
        yield "the mimic is the chest on the left"


@strawberry.type(name="Query")
class CombatQuery:
    @strawberry.field
    def encounter_round(self, encounter_id: strawberry.ID) -> int:
        return int(ENCOUNTERS[str(encounter_id)]["round"])


@strawberry.type(name="Mutation")
class CombatMutation:
    @strawberry.mutation
    def deal_damage(
        self, encounter_id: strawberry.ID, character_id: strawberry.ID, amount: int
    ) -> int:
        hit_points = ENCOUNTERS[str(encounter_id)]["hit_points"]
        hit_points[str(character_id)] = max(0, hit_points[str(character_id)] - amount)
        _publish(str(encounter_id))
        return int(hit_points[str(character_id)])

    @strawberry.mutation
    def announce(self, encounter_id: strawberry.ID, tag: str, note_size: int = 0) -> bool:
        """Publish a change whose ``note`` is ``tag`` plus ``note_size`` filler characters."""
        _publish(str(encounter_id), f"{tag}:" + "x" * note_size)
        return True

    @strawberry.mutation
    def collapse(self, encounter_id: strawberry.ID) -> bool:
        """Make every open stream of the encounter fail."""
        for queue in _LISTENERS.get(str(encounter_id), set()):
            queue.put_nowait({"collapse": True})
        return True


combat_schema = strawberry.federation.Schema(
    query=CombatQuery, mutation=CombatMutation, subscription=CombatSubscription,
    types=[Combatant], federation_version="2.9",
)


# --- heroes -----------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class Character:
    id: strawberry.ID
    name: str
    level: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Character | None:
        row = HEROES.get(str(id))
        return cls(id=id, name=row["name"], level=row["level"]) if row else None


@strawberry.type(name="Query")
class HeroesQuery:
    @strawberry.field
    def hero(self, id: strawberry.ID) -> Character | None:
        return Character.resolve_reference(id)


heroes_schema = strawberry.federation.Schema(
    query=HeroesQuery, types=[Character], federation_version="2.9"
)

SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "combat": combat_schema,
    "heroes": heroes_schema,
}


def subgraph_app(schema: strawberry.federation.Schema) -> Starlette:
    """/graphql over HTTP and WebSocket (graphql-transport-ws), plus /health."""
    graphql: GraphQL[Any, Any] = GraphQL(schema, graphql_ide=None)

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[
        Route("/health", health),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
    ])


def supergraph(urls: dict[str, str]) -> str:
    """Compose the two subgraphs with the composer the project ships."""
    parts = []
    for name, schema in SCHEMAS.items():
        result = schema.execute_sync("{ _service { sdl } }")
        assert result.data is not None, result.errors
        parts.append(Subgraph(name, urls[name], str(result.data["_service"]["sdl"])))
    return compose(parts)
