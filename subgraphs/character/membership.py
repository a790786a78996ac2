"""The character service's projection of campaign membership, fed by campaign events.

It answers one question for ``access``: in which live campaigns does this viewer take part with
this character, and as what? The projection itself (events applied once, in any order) is the
kit's shared one; the tables are ours (``models``), and so is the consumer group.
"""

from __future__ import annotations

from subgraphs.character.models import CampaignMembershipRow, ProcessedEventRow
from subgraphs.kit.campaign_membership import MembershipProjection

GROUP = "character-campaign-membership"
PROJECTION = MembershipProjection(CampaignMembershipRow, ProcessedEventRow, GROUP)
