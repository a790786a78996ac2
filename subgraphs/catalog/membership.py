"""The catalog's projection of campaign membership, kept up to date from campaign events.

The homebrew visibility rule asks it: "is this user a member of one of these campaigns?". How it
is kept correct (duplicates, events out of order, deleted campaigns) is the kit's shared
projection, ``subgraphs.kit.campaign_membership``; the catalog has its own tables
(``subgraphs.catalog.models``) and its own consumer group.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from infra.bus import Event
from subgraphs.catalog.models import CampaignMembershipRow, ProcessedEventRow
from subgraphs.kit.campaign_membership import CampaignMemberships as _Memberships
from subgraphs.kit.campaign_membership import MembershipProjection
from subgraphs.kit.runtime import Runtime

GROUP = "catalog-campaign-membership"
PROJECTION = MembershipProjection(CampaignMembershipRow, ProcessedEventRow, GROUP)


def CampaignMemberships(session: AsyncSession) -> _Memberships[CampaignMembershipRow]:
    """The catalog's membership rows within ``session``."""
    return PROJECTION.memberships(session)


async def apply_campaign_event(sessions: async_sessionmaker[AsyncSession], event: Event) -> bool:
    """Bring the projection up to date with one event; ``True`` if it was applied now."""
    return await PROJECTION.apply(sessions, event)


async def consume_campaign_membership(runtime: Runtime) -> None:
    """Keep the projection up to date until cancelled (a consumer of ``subgraphs.kit.app``)."""
    await PROJECTION.consume(runtime)
