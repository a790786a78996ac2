"""Checking the IDs of other services' entities that a caller passes in, before linking them.

A campaign's party, a portrait, an encounter's creature: each points at an entity another
service owns. The caller's word that it exists, or is theirs, is worth nothing (a player could
bring someone else's private character into a campaign and let the party read it). And a
subgraph never calls another subgraph directly (ARCHITECTURE, "The hub"). So it asks the graph:
it sends the router the question the caller could ask themselves, **with the caller's own
bearer token**. The answer is exactly what the caller may see, so a check can never reveal more
than the caller could learn by asking, and the owning service stays the only judge.

Each ``require_*`` raises ``Rejected`` with one problem naming the field; an entity that does
not exist, was deleted, or is someone else's (and private) gives *the same* problem, so the
check is no oracle for what exists. ``Unavailable`` means the graph could not
answer (router or owning service down): the mutation is refused, never let through.

Every check is synchronous, so a character created a moment ago can be used at once and one
deleted a moment ago is refused at once (a projection fed by events would lag behind both).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from subgraphs.kit.hub import HubAuthFailed, HubError, RouterClient
from subgraphs.kit.outcomes import Problem, Rejected, Unavailable

PORT = "foreign_ids"
HOMEBREW_PREFIX = "homebrew/"

CHARACTER_OWNER = """
query ForeignIdCharacter($id: ID!) { character(id: $id) { owner { id } } }"""
CAMPAIGN_MEMBER = """
query ForeignIdCampaign($id: ID!) { campaign(id: $id) { id } }"""
USER = """
query ForeignIdUser($id: ID!) { user(id: $id) { id } }"""
GENERATION = """
query ForeignIdGeneration($id: ID!) { generation(id: $id) { id } }"""
SRD_CREATURE = """
query ForeignIdCreature($slug: String!) { creature(slug: $slug) { slug } }"""
HOMEBREW_ENTRY = """
query ForeignIdHomebrew($slug: String!) { homebrewEntry(slug: $slug) { kind } }"""


@dataclass(frozen=True)
class Caller:
    """Who is asking: a signed-in user and the bearer token they sent (forwarded, never kept)."""

    user_id: uuid.UUID
    token: str = ""


class _Forwarded:
    """A token source that hands the router the caller's own token (see ``hub.TokenSource``)."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self) -> str:
        return self._token

    def forget(self, token: str) -> None:  # the caller's token is theirs to renew, not ours
        pass


class ForeignIds:
    """Asks the router, as the caller, about entities other services own."""

    def __init__(self, router_url: str, *, http: httpx.AsyncClient | None = None) -> None:
        self.router_url, self._http = router_url, http

    async def _ask(self, caller: Caller, query: str, variables: Mapping[str, Any]) -> Any:
        """The one root field ``query`` asks for, as the caller."""
        client = RouterClient(self.router_url, _Forwarded(caller.token), http=self._http)
        data = await self._execute(client, query, variables)
        return next(iter(data.values()), None)

    @staticmethod
    async def _execute(
        client: RouterClient, query: str, variables: Mapping[str, Any]
    ) -> dict[str, Any]:
        try:
            return await client.execute(query, variables)
        except HubAuthFailed:
            raise Unavailable(
                "Your sign-in could not be used to check that; sign in again."
            ) from None
        except HubError as exc:
            raise Unavailable(
                "That could not be checked right now; nothing was changed, try again shortly."
            ) from exc

    async def character_owner(self, caller: Caller, character_id: uuid.UUID) -> uuid.UUID | None:
        """Who owns the character, if the caller may see it at all."""
        found = await self._ask(caller, CHARACTER_OWNER, {"id": str(character_id)})
        if not isinstance(found, dict):
            return None
        return _uuid((found.get("owner") or {}).get("id"))

    async def is_campaign_member(self, caller: Caller, campaign_id: uuid.UUID) -> bool:
        """Whether the caller takes part in the campaign (only members see one)."""
        return await self._ask(caller, CAMPAIGN_MEMBER, {"id": str(campaign_id)}) is not None

    async def campaigns_of_caller(
        self, caller: Caller, campaign_ids: Sequence[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Those of ``campaign_ids`` the caller takes part in, asked in one request."""
        if not campaign_ids:
            return set()
        wanted = list(dict.fromkeys(campaign_ids))
        variables = ", ".join(f"$c{index}: ID!" for index in range(len(wanted)))
        fields = " ".join(
            f"c{index}: campaign(id: $c{index}) {{ id }}" for index in range(len(wanted))
        )
        client = RouterClient(self.router_url, _Forwarded(caller.token), http=self._http)
        data = await self._execute(
            client,
            f"query ForeignIdCampaigns({variables}) {{ {fields} }}",
            {f"c{index}": str(value) for index, value in enumerate(wanted)},
        )
        return {value for index, value in enumerate(wanted) if data.get(f"c{index}") is not None}

    async def user_exists(self, caller: Caller, user_id: uuid.UUID) -> bool:
        return await self._ask(caller, USER, {"id": str(user_id)}) is not None

    async def generation_is_callers(self, caller: Caller, generation_id: uuid.UUID) -> bool:
        """Whether the generation exists and is the caller's (only owners see one)."""
        return await self._ask(caller, GENERATION, {"id": str(generation_id)}) is not None

    async def creature_readable(self, caller: Caller, slug: str) -> bool:
        """Whether ``slug`` names a creature the caller can read: an SRD stat block, or a
        homebrew creature of theirs, published, or shared with a campaign of theirs."""
        if slug.startswith(HOMEBREW_PREFIX):
            found = await self._ask(caller, HOMEBREW_ENTRY, {"slug": slug})
            return isinstance(found, dict) and found.get("kind") == "CREATURE"
        return await self._ask(caller, SRD_CREATURE, {"slug": slug}) is not None


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- the checks use cases call --------------------------------------------------------------


def _missing(path: tuple[str, ...], what: str) -> Rejected:
    return Rejected(Problem(path, "NOT_FOUND", what))


async def require_own_character(
    ids: ForeignIds, caller: Caller, character_id: uuid.UUID, path: tuple[str, ...]
) -> None:
    """The character exists, is live and is the caller's; otherwise one answer for all."""
    if await ids.character_owner(caller, character_id) != caller.user_id:
        raise _missing(path, f"You have no character {character_id}.")


async def require_campaign_membership(
    ids: ForeignIds, caller: Caller, campaign_id: uuid.UUID, path: tuple[str, ...]
) -> None:
    if not await ids.is_campaign_member(caller, campaign_id):
        raise _missing(path, f"You take part in no campaign {campaign_id}.")


async def require_user(
    ids: ForeignIds, caller: Caller, user_id: uuid.UUID, path: tuple[str, ...]
) -> None:
    if not await ids.user_exists(caller, user_id):
        raise _missing(path, f"There is no user {user_id}.")


async def require_own_generation(
    ids: ForeignIds, caller: Caller, generation_id: uuid.UUID, path: tuple[str, ...]
) -> None:
    if not await ids.generation_is_callers(caller, generation_id):
        raise _missing(path, f"You have no generation {generation_id}.")


async def require_creature(
    ids: ForeignIds, caller: Caller, slug: str, path: tuple[str, ...]
) -> None:
    if not await ids.creature_readable(caller, slug):
        raise _missing(path, f"There is no creature {slug!r} in the catalog that you can use.")
