"""Who may read what of a character: one policy, asked by every read.

Deny by default. A viewer's access to a character is one of these levels, each including the
ones below it:

* ``NONE``  — the character is absent for them (never "forbidden": its existence is not told);
* ``FACE``  — its public face: name, kind, level, classes, species, owner, portrait;
* ``SHEET`` — also its sheet, its document, its background, feats and inventory (read only);
* ``OWNER`` — everything, and it may change it.

Who gets which:

* the owner: ``OWNER``;
* anyone, signed in or not, for a ``PUBLIC`` character: ``SHEET``;
* the game master of a live campaign the character plays in: ``SHEET``;
* the other members of such a campaign: ``FACE``;
* everyone else, services included: ``NONE``.

Campaign roles come from the character service's projection of campaign events
(``membership``). A campaign membership counts for a character only when the player whose
membership brought it is the character's owner: naming someone else's character when joining a
campaign gives its game master nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import IntEnum

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.character.membership import PROJECTION
from subgraphs.character.models import CharacterRow
from subgraphs.kit.campaign_membership import GAME_MASTER
from subgraphs.kit.context import ContextInfo
from subgraphs.kit.errors import ErrorCode, forbidden, graphql_error
from subgraphs.kit.loaders import keyed_loader


class Access(IntEnum):
    NONE = 0
    FACE = 1
    SHEET = 2
    OWNER = 3


def access_of(viewer: uuid.UUID | None, row: CharacterRow) -> Access:
    """What ownership and visibility alone give (campaign roles aside)."""
    if viewer is not None and viewer == row.owner_id:
        return Access.OWNER
    if row.visibility == "PUBLIC":
        return Access.SHEET
    return Access.NONE


def viewer_id(info: ContextInfo) -> uuid.UUID | None:
    """The signed-in user asking, or ``None`` for a signed-out caller or a service (which see
    what anyone sees). A token that fails verification is an error, never "signed out"."""
    context = info.context
    if context.auth_error is not None:
        raise graphql_error(ErrorCode.UNAUTHENTICATED, str(context.auth_error))
    if context.viewer is None or context.viewer.is_service:
        return None
    return context.viewer.user_id


CharacterKey = tuple[uuid.UUID, uuid.UUID]  # (character ID, its owner's ID)


async def _campaign_access(
    session: AsyncSession, viewer: uuid.UUID, keys: Sequence[CharacterKey]
) -> dict[CharacterKey, Access]:
    owners = dict(keys)
    found: dict[CharacterKey, Access] = {}
    for peer in await PROJECTION.memberships(session).peers(viewer, list(owners)):
        owner = owners[peer.character_id]
        if peer.brought_by != owner:
            continue  # a membership naming a character its player does not own
        level = Access.SHEET if peer.viewer_role == GAME_MASTER else Access.FACE
        key = (peer.character_id, owner)
        found[key] = max(found.get(key, Access.NONE), level)
    return found


async def access_to(info: ContextInfo, row: CharacterRow) -> Access:
    """The viewer's access to ``row``: ownership, visibility and campaign roles (the last
    batched: one query for every character of a request)."""
    viewer = viewer_id(info)
    granted = access_of(viewer, row)
    if viewer is None or granted >= Access.SHEET:
        return granted  # nothing a campaign role gives goes beyond SHEET

    async def fetch(
        session: AsyncSession, keys: Sequence[CharacterKey]
    ) -> dict[CharacterKey, Access]:
        return await _campaign_access(session, viewer, keys)

    loader = keyed_loader(info.context, f"campaign-access:{viewer}", fetch)
    return max(granted, await loader.load((row.id, row.owner_id)) or Access.NONE)


def require_access(granted: Access, needed: Access, what: str) -> None:
    """For fields of a character the viewer can already see: FORBIDDEN below ``needed``."""
    if granted < needed:
        raise forbidden(f"You may see this character but not its {what}.")
