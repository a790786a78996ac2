"""Three small D&D-flavoured subgraphs the router tests run behind the router.

* ``characters`` owns ``Character`` (an entity keyed by ``id``), a ``SearchResult`` union that
  mixes characters with item references, a mutation and a field that always fails.
* ``campaigns`` owns ``Campaign``, contributes ``Character.campaigns``, returns lists of entity
  references (``members``, ``loot``) and provides ``dungeonMaster { name }`` itself.
* ``items`` owns ``Item`` and computes ``Character.carryingCapacity`` from ``strength``, which it
  declares ``@external`` and ``@requires`` the router to fetch from ``characters`` first.

Data lives in module-level dictionaries; ``reset_data()`` restores it between tests. Mutations
append to ``MUTATION_LOG`` so a test can see the order in which subgraphs ran them.
"""

from __future__ import annotations

import copy
import enum
from typing import Annotated, Any

import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

_INITIAL_CHARACTERS: dict[str, dict[str, Any]] = {
    "c1": {"name": "Aria", "level": 5, "strength": 10},
    "c2": {"name": "Borin", "level": 3, "strength": 17},
    "c3": {"name": "Cyra", "level": 1, "strength": 8},
}
_INITIAL_CAMPAIGNS: dict[str, dict[str, Any]] = {
    "k1": {"name": "Lost Mine", "members": ["c1", "c2"], "loot": ["i1", "i2"], "dm": "c3"},
    "k2": {"name": "Dragon Heist", "members": ["c2"], "loot": ["i2"], "dm": "c1"},
}
_INITIAL_ITEMS: dict[str, dict[str, Any]] = {
    "i1": {"name": "Longsword", "weight": 3.0, "rarity": "COMMON"},
    "i2": {"name": "Bag of Holding", "weight": 15.0, "rarity": "UNCOMMON"},
    "i3": {"name": "Rope", "weight": 5.0, "rarity": "COMMON"},
}
_INITIAL_INVENTORY: dict[str, list[str]] = {"c1": ["i1", "i3"], "c2": ["i2"], "c3": []}

CHARACTERS: dict[str, dict[str, Any]] = {}
CAMPAIGNS: dict[str, dict[str, Any]] = {}
ITEMS: dict[str, dict[str, Any]] = {}
INVENTORY: dict[str, list[str]] = {}
MUTATION_LOG: list[str] = []
ENTITY_CALLS: list[tuple[str, int]] = []  # (subgraph, number of representations) per _entities


def reset_data() -> None:
    tables: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (CHARACTERS, _INITIAL_CHARACTERS),
        (CAMPAIGNS, _INITIAL_CAMPAIGNS),
        (ITEMS, _INITIAL_ITEMS),
        (INVENTORY, _INITIAL_INVENTORY),
    ]
    for target, source in tables:
        target.clear()
        target.update(copy.deepcopy(source))
    MUTATION_LOG.clear()
    ENTITY_CALLS.clear()


reset_data()


# --- characters -------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class Character:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    level: int
    strength: int
    internal_notes: str = strawberry.federation.field(inaccessible=True, default="")

    @strawberry.field
    def cursed_note(self) -> str | None:
        raise ValueError(f"the note of {self.name} is cursed")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Character | None:
        ENTITY_CALLS.append(("characters", 1))
        return character_by_id(str(id))


def character_by_id(character_id: str) -> Character | None:
    row = CHARACTERS.get(character_id)
    if row is None:
        return None
    return Character(
        id=strawberry.ID(character_id), name=row["name"], level=row["level"],
        strength=row["strength"],
    )


@strawberry.federation.type(name="Item", keys=[Key(fields=FieldSet("id"), resolvable=False)])
class ItemReference:
    id: strawberry.ID


SearchResult = Annotated[Character | ItemReference, strawberry.union("SearchResult")]


@strawberry.type(name="Query")
class CharactersQuery:
    @strawberry.field
    def character(self, id: strawberry.ID) -> Character | None:
        return character_by_id(str(id))

    @strawberry.field
    def characters(self) -> list[Character]:
        return [c for key in sorted(CHARACTERS) if (c := character_by_id(key)) is not None]

    @strawberry.field
    def search(self, text: str) -> list[SearchResult]:
        needle = text.lower()
        found: list[Character | ItemReference] = [
            c for key in sorted(CHARACTERS)
            if needle in CHARACTERS[key]["name"].lower() and (c := character_by_id(key))
        ]
        found += [
            ItemReference(id=strawberry.ID(key)) for key in sorted(ITEMS)
            if needle in ITEMS[key]["name"].lower()
        ]
        return found

    @strawberry.field
    def seen_authorization(self, info: strawberry.Info) -> str | None:
        """Echoes the Authorization header this subgraph received (tests check forwarding)."""
        request: Request = info.context["request"]
        return request.headers.get("authorization")

    @strawberry.field
    def seen_headers(self, info: strawberry.Info) -> list[str]:
        request: Request = info.context["request"]
        return sorted(request.headers.keys())


@strawberry.type(name="Mutation")
class CharactersMutation:
    @strawberry.mutation
    def rename_character(self, id: strawberry.ID, name: str) -> Character | None:
        MUTATION_LOG.append(f"rename {id}")
        if str(id) not in CHARACTERS:
            return None
        CHARACTERS[str(id)]["name"] = name
        return character_by_id(str(id))


characters_schema = strawberry.federation.Schema(
    query=CharactersQuery, mutation=CharactersMutation, types=[ItemReference],
    federation_version="2.9",
)


# --- campaigns --------------------------------------------------------------------------------


@strawberry.federation.type(name="Character", keys=["id"])
class CampaignCharacter:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True, default="")

    @strawberry.field
    def campaigns(self) -> list[Campaign]:
        return [
            campaign_by_id(key) for key in sorted(CAMPAIGNS)
            if str(self.id) in CAMPAIGNS[key]["members"]
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CampaignCharacter:
        ENTITY_CALLS.append(("campaigns", 1))
        return cls(id=id)


@strawberry.federation.type(name="Item", keys=[Key(fields=FieldSet("id"), resolvable=False)])
class CampaignItem:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Campaign:
    id: strawberry.ID
    name: str

    @strawberry.field
    def members(self) -> list[CampaignCharacter]:
        return [CampaignCharacter(id=strawberry.ID(c)) for c in CAMPAIGNS[str(self.id)]["members"]]

    @strawberry.field
    def loot(self) -> list[CampaignItem]:
        return [CampaignItem(id=strawberry.ID(i)) for i in CAMPAIGNS[str(self.id)]["loot"]]

    @strawberry.federation.field(provides=["name"])
    def dungeon_master(self) -> CampaignCharacter:
        dm = CAMPAIGNS[str(self.id)]["dm"]
        return CampaignCharacter(id=strawberry.ID(dm), name=CHARACTERS[dm]["name"])

    @strawberry.field
    def gm_notes(self) -> str | None:
        raise PermissionError(f"only the GM may read the notes of {self.name}")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Campaign:
        return campaign_by_id(str(id))


def campaign_by_id(campaign_id: str) -> Campaign:
    return Campaign(id=strawberry.ID(campaign_id), name=CAMPAIGNS[campaign_id]["name"])


@strawberry.type(name="Query")
class CampaignsQuery:
    @strawberry.field
    def campaign(self, id: strawberry.ID) -> Campaign | None:
        return campaign_by_id(str(id)) if str(id) in CAMPAIGNS else None

    @strawberry.field
    def campaigns(self) -> list[Campaign]:
        return [campaign_by_id(key) for key in sorted(CAMPAIGNS)]


@strawberry.type(name="Mutation")
class CampaignsMutation:
    @strawberry.mutation
    def add_member(self, campaign_id: strawberry.ID, character_id: strawberry.ID) -> Campaign:
        MUTATION_LOG.append(f"add {character_id} to {campaign_id}")
        CAMPAIGNS[str(campaign_id)]["members"].append(str(character_id))
        return campaign_by_id(str(campaign_id))


campaigns_schema = strawberry.federation.Schema(
    query=CampaignsQuery, mutation=CampaignsMutation, types=[CampaignItem],
    federation_version="2.9",
)


# --- items ------------------------------------------------------------------------------------


@strawberry.enum
class Rarity(enum.Enum):
    COMMON = "COMMON"
    UNCOMMON = "UNCOMMON"
    RARE = "RARE"


@strawberry.federation.type(keys=["id"])
class Item:
    id: strawberry.ID
    name: str
    weight: float
    rarity: Rarity

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Item | None:
        ENTITY_CALLS.append(("items", 1))
        return item_by_id(str(id))


def item_by_id(item_id: str) -> Item | None:
    row = ITEMS.get(item_id)
    if row is None:
        return None
    return Item(id=strawberry.ID(item_id), name=row["name"], weight=row["weight"],
                rarity=Rarity(row["rarity"]))


@strawberry.federation.type(name="Character", keys=["id"])
class ItemsCharacter:
    id: strawberry.ID
    strength: int = strawberry.federation.field(external=True)

    @strawberry.field
    def inventory(self) -> list[Item]:
        return [i for key in INVENTORY.get(str(self.id), []) if (i := item_by_id(key))]

    @strawberry.federation.field(requires=["strength"])
    def carrying_capacity(self) -> int:
        return self.strength * 15

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, strength: int = 0) -> ItemsCharacter:
        ENTITY_CALLS.append(("items", 1))
        return cls(id=id, strength=strength)


@strawberry.type(name="Query")
class ItemsQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return [i for key in sorted(ITEMS) if (i := item_by_id(key))]


items_schema = strawberry.federation.Schema(
    query=ItemsQuery, types=[ItemsCharacter], federation_version="2.9"
)

SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "characters": characters_schema,
    "campaigns": campaigns_schema,
    "items": items_schema,
}


def subgraph_app(schema: strawberry.federation.Schema) -> Starlette:
    """A subgraph served the way the project's subgraphs are: /graphql plus /health."""

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[
        Route("/health", health),
        Route("/graphql", GraphQL(schema, graphql_ide=None), methods=["GET", "POST"]),
    ])
