"""Reading other domains through the router: a character's sheet, catalog entries, encounters.

No subgraph calls another directly (ARCHITECTURE, "The hub"). Catalog entries are public, so
the image service asks for them with its own service token. A character or an encounter is
read *as the caller*, with the caller's own verified token: the character service then decides
whether the caller may see the character, and the campaign service applies its one knowledge
policy (a player never learns of hidden combatants) exactly as for any query of theirs.

Every lookup is best effort for generation: when the router is not configured or fails, a
picture is still drawn from the prompt alone. Only ``renderEncounter`` needs its read to work.

The queries ask first for fields that may not be there (a character's document; combatants'
grid positions and an encounter's map, which the campaign service does not have yet); a router
that does not know them answers GRAPHQL_VALIDATION_FAILED and the lookup asks again without.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from subgraphs.image.looks import SheetFacts
from subgraphs.kit.hub import HubError, HubErrors, RouterClient

log = logging.getLogger("dndcreator.image.domain")

# The character's document is the rules engine's format: identity.species, classes[].class.
SHEET_FULL = """
query ImageCharacterSheet($id: ID!) {
  character(id: $id) { name level class { name } document portrait { id } }
}"""
SHEET_BASIC = """
query ImageCharacter($id: ID!) {
  character(id: $id) { name level class { name } portrait { id } }
}"""
# One query per kind of entry, chosen by the slug's prefix ("magic-item/flame-tongue").
CATALOG = {
    "magic-item": "query ImageMagicItem($slug: String!) "
    "{ entry: magicItem(slug: $slug) { name category rarity } }",
    "equipment": "query ImageEquipment($slug: String!) "
    "{ entry: equipmentItem(slug: $slug) { name category } }",
    "creature": "query ImageCreature($slug: String!) "
    "{ entry: creature(slug: $slug) { name size type } }",
    "spell": "query ImageSpell($slug: String!) "
    "{ entry: spell(slug: $slug) { name area { shape sizeFeet } } }",
}
COMBATANT_FIELDS = (
    "id name kind conditions hidden down currentHp maxHp creatureSlug character { id name }"
)
ENCOUNTER_FULL = f"""
query ImageEncounter($id: ID!) {{
  encounter(id: $id) {{
    id campaignId name status round version
    map {{ assetId }}
    combatants {{ {COMBATANT_FIELDS} position {{ x y }} }}
    currentCombatant {{ id }}
  }}
}}"""
ENCOUNTER_BASIC = f"""
query ImageEncounter($id: ID!) {{
  encounter(id: $id) {{
    id campaignId name status round version
    combatants {{ {COMBATANT_FIELDS} }}
    currentCombatant {{ id }}
  }}
}}"""
UNKNOWN_FIELD = "GRAPHQL_VALIDATION_FAILED"


class DomainUnavailable(Exception):
    """The router could not answer (not configured, unreachable, or refused)."""


@dataclass(frozen=True)
class CatalogEntry:
    slug: str
    name: str
    category: str = ""  # magic item or equipment category, or the creature's type
    rarity: str = ""
    size: str = ""  # creatures
    area_shape: str | None = None  # spells
    area_feet: int | None = None

    @property
    def kind(self) -> str:
        return self.slug.split("/", 1)[0]


@dataclass(frozen=True)
class CombatantView:
    id: str
    name: str
    kind: str
    conditions: tuple[str, ...]
    hidden: bool
    down: bool
    current_hp: int
    max_hp: int
    creature_slug: str | None
    character_id: str | None
    position: tuple[int, int] | None


@dataclass(frozen=True)
class EncounterView:
    id: str
    campaign_id: str
    name: str
    status: str
    round: int
    version: int
    combatants: tuple[CombatantView, ...]
    current_combatant_id: str | None
    map_asset_id: str | None


class DomainReader(Protocol):
    async def sheet(self, caller_token: str, character_id: str) -> SheetFacts | None: ...

    async def catalog_entry(self, slug: str) -> CatalogEntry | None: ...

    async def encounter(self, caller_token: str, encounter_id: str) -> EncounterView | None:
        """The encounter as the caller may see it; None when it is absent for them. Raises
        ``DomainUnavailable`` when the router cannot say."""
        ...


class NoDomain:
    """No router configured: pictures come from prompts alone, encounters cannot be read."""

    async def sheet(self, caller_token: str, character_id: str) -> SheetFacts | None:
        return None

    async def catalog_entry(self, slug: str) -> CatalogEntry | None:
        return None

    async def encounter(self, caller_token: str, encounter_id: str) -> EncounterView | None:
        raise DomainUnavailable("no router is configured for the image service")


class CallerToken:
    """The caller's own verified token as a hub ``TokenSource``: the router sees the caller."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self) -> str:
        return self._token

    def forget(self, token: str) -> None:
        pass  # the caller's token is what it is; a refusal is final


async def _with_fallback(
    router: RouterClient, queries: tuple[str, str], variables: dict[str, Any]
) -> dict[str, Any]:
    try:
        return await router.execute(queries[0], variables)
    except HubErrors as exc:
        if UNKNOWN_FIELD not in exc.codes:
            raise
    return await router.execute(queries[1], variables)


def _sheet(value: dict[str, Any]) -> SheetFacts:
    document = value.get("document")
    document = document if isinstance(document, dict) else {}
    identity = document.get("identity")
    species = identity.get("species") if isinstance(identity, dict) else None
    entries = document.get("classes")
    classes = tuple(
        str(entry["class"])
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and entry.get("class")
    )
    if not classes and value.get("class"):
        classes = (value["class"]["name"],)
    return SheetFacts(
        name=value["name"],
        level=value.get("level"),
        species=species if isinstance(species, str) else None,
        classes=classes,
        portrait_id=(value.get("portrait") or {}).get("id"),
    )


def _combatant(value: dict[str, Any]) -> CombatantView:
    position = value.get("position")
    return CombatantView(
        id=value["id"],
        name=value["name"],
        kind=value["kind"],
        conditions=tuple(value.get("conditions") or ()),
        hidden=bool(value.get("hidden")),
        down=bool(value.get("down")),
        current_hp=int(value.get("currentHp") or 0),
        max_hp=int(value.get("maxHp") or 1),
        creature_slug=value.get("creatureSlug"),
        character_id=(value.get("character") or {}).get("id"),
        position=None if not position else (int(position["x"]), int(position["y"])),
    )


def encounter_view(value: dict[str, Any]) -> EncounterView:
    return EncounterView(
        id=value["id"],
        campaign_id=value["campaignId"],
        name=value["name"],
        status=value["status"],
        round=int(value["round"]),
        version=int(value["version"]),
        combatants=tuple(_combatant(c) for c in value["combatants"]),
        current_combatant_id=(value.get("currentCombatant") or {}).get("id"),
        map_asset_id=(value.get("map") or {}).get("assetId"),
    )


class RouterDomain:
    """The other domains, through the router."""

    def __init__(self, service_router: RouterClient) -> None:
        self.service_router = service_router

    def _as_caller(self, token: str) -> RouterClient:
        return RouterClient(self.service_router.router_url, CallerToken(token))

    async def sheet(self, caller_token: str, character_id: str) -> SheetFacts | None:
        try:
            data = await _with_fallback(
                self._as_caller(caller_token), (SHEET_FULL, SHEET_BASIC), {"id": character_id}
            )
        except HubError as exc:
            log.warning("character lookup failed, drawing from the prompt alone: %s", exc)
            return None
        value = data.get("character")
        return None if value is None else _sheet(value)

    async def catalog_entry(self, slug: str) -> CatalogEntry | None:
        kind = slug.split("/", 1)[0]
        if kind not in CATALOG:
            return None
        try:
            data = await self.service_router.execute(CATALOG[kind], {"slug": slug})
        except HubError as exc:
            log.warning("catalog lookup of %s failed: %s", slug, exc)
            return None
        entry = data.get("entry")
        if entry is None:
            return None
        if kind == "creature":
            return CatalogEntry(slug, entry["name"], entry["type"], size=entry["size"])
        if kind == "spell":
            area = entry.get("area") or {}
            return CatalogEntry(
                slug, entry["name"], area_shape=area.get("shape"), area_feet=area.get("sizeFeet")
            )
        return CatalogEntry(slug, entry["name"], entry["category"], entry.get("rarity") or "")

    async def encounter(self, caller_token: str, encounter_id: str) -> EncounterView | None:
        try:
            data = await _with_fallback(
                self._as_caller(caller_token),
                (ENCOUNTER_FULL, ENCOUNTER_BASIC),
                {"id": encounter_id},
            )
        except HubError as exc:
            raise DomainUnavailable(str(exc)) from None
        value = data.get("encounter")
        return None if value is None else encounter_view(value)
