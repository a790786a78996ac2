"""Reading and writing campaigns and their memberships.

Everything a viewer may see is decided by one rule: an active membership row (game master or
player) in a campaign that is not deleted. ``visible_to`` expresses it once for every query.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import Select, func, select

from infra.db.repository import Page, Repository
from subgraphs.campaign.models import (
    CampaignRole,
    CampaignRow,
    CombatantRow,
    EncounterRow,
    MembershipRow,
)


def campaign_ids_of(user_id: uuid.UUID) -> Select[uuid.UUID]:
    """IDs of the campaigns ``user_id`` currently takes part in, as a subquery."""
    return select(MembershipRow.campaign_id).where(
        MembershipRow.user_id == user_id, MembershipRow.is_deleted.is_(False)
    )


class CampaignRepository(Repository[CampaignRow]):
    model = CampaignRow

    def visible_to(self, user_id: uuid.UUID) -> Select[CampaignRow]:
        return self.select().where(CampaignRow.id.in_(campaign_ids_of(user_id)))

    async def get_visible(self, id: uuid.UUID, user_id: uuid.UUID) -> CampaignRow | None:
        statement = self.visible_to(user_id).where(CampaignRow.id == id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def get_many_visible(
        self, ids: Sequence[uuid.UUID], user_id: uuid.UUID
    ) -> dict[uuid.UUID, CampaignRow]:
        return await self.get_many(ids, statement=self.visible_to(user_id))

    async def page_visible(
        self, user_id: uuid.UUID, first: int, after: str | None
    ) -> Page[CampaignRow]:
        return await self.page(first, after, statement=self.visible_to(user_id))

    async def get_locked(self, id: uuid.UUID) -> CampaignRow | None:
        """The campaign, locked until the transaction ends (PostgreSQL), so membership changes
        to one campaign happen one at a time. SQLite serializes writers on its own."""
        statement = self.select().where(CampaignRow.id == id).with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def by_idempotency_key(self, game_master_id: uuid.UUID, key: str) -> CampaignRow | None:
        statement = select(CampaignRow).where(
            CampaignRow.game_master_id == game_master_id, CampaignRow.idempotency_key == key
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def joined_by_characters(
        self, character_ids: Sequence[uuid.UUID], user_id: uuid.UUID
    ) -> dict[uuid.UUID, list[CampaignRow]]:
        """For each character, the campaigns it plays in that ``user_id`` may see, oldest first."""
        if not character_ids:
            return {}
        statement = (
            select(MembershipRow.character_id, CampaignRow)
            .join(CampaignRow, CampaignRow.id == MembershipRow.campaign_id)
            .where(
                MembershipRow.character_id.in_(list(character_ids)),
                MembershipRow.is_deleted.is_(False),
                CampaignRow.is_deleted.is_(False),
                CampaignRow.id.in_(campaign_ids_of(user_id)),
            )
            .order_by(CampaignRow.created_at, CampaignRow.id)
        )
        found: dict[uuid.UUID, list[CampaignRow]] = defaultdict(list)
        for character_id, campaign in await self.session.execute(statement):
            if character_id is not None:
                found[character_id].append(campaign)
        return found


class MembershipRepository(Repository[MembershipRow]):
    model = MembershipRow

    async def active_of_user(
        self, campaign_id: uuid.UUID, user_id: uuid.UUID
    ) -> MembershipRow | None:
        statement = self.select().where(
            MembershipRow.campaign_id == campaign_id, MembershipRow.user_id == user_id
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def active_of_character(
        self, campaign_id: uuid.UUID, character_id: uuid.UUID
    ) -> MembershipRow | None:
        statement = self.select().where(
            MembershipRow.campaign_id == campaign_id, MembershipRow.character_id == character_id
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def standing_of_users(
        self, campaign_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, bool]:
        """Of ``user_ids``, those with a live membership in the live campaign, each with
        whether they are its game master (one query for many, for the live combat hub)."""
        if not user_ids:
            return {}
        statement = (
            select(MembershipRow.user_id, CampaignRow.game_master_id)
            .join(CampaignRow, CampaignRow.id == MembershipRow.campaign_id)
            .where(
                MembershipRow.campaign_id == campaign_id,
                MembershipRow.user_id.in_(list(user_ids)),
                MembershipRow.is_deleted.is_(False),
                CampaignRow.is_deleted.is_(False),
            )
        )
        rows = (await self.session.execute(statement)).all()
        return {user: user == game_master for user, game_master in rows}

    async def count_players(self, campaign_id: uuid.UUID) -> int:
        statement = (
            select(func.count())
            .select_from(MembershipRow)
            .where(
                MembershipRow.campaign_id == campaign_id,
                MembershipRow.role == CampaignRole.PLAYER.value,
                MembershipRow.is_deleted.is_(False),
            )
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def of_campaigns(
        self, campaign_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[MembershipRow]]:
        """Active members of each campaign, in the order they joined."""
        if not campaign_ids:
            return {}
        statement = (
            self.select()
            .where(MembershipRow.campaign_id.in_(list(campaign_ids)))
            .order_by(MembershipRow.created_at, MembershipRow.id)
        )
        found: dict[uuid.UUID, list[MembershipRow]] = defaultdict(list)
        for row in (await self.session.execute(statement)).scalars():
            found[row.campaign_id].append(row)
        return found


class EncounterRepository(Repository[EncounterRow]):
    model = EncounterRow

    async def by_idempotency_key(self, campaign_id: uuid.UUID, key: str) -> EncounterRow | None:
        statement = select(EncounterRow).where(
            EncounterRow.campaign_id == campaign_id, EncounterRow.idempotency_key == key
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def page_of_campaign(
        self, campaign_id: uuid.UUID, first: int, after: str | None
    ) -> Page[EncounterRow]:
        statement = self.select().where(EncounterRow.campaign_id == campaign_id)
        return await self.page(first, after, statement=statement)


class CombatantRepository(Repository[CombatantRow]):
    model = CombatantRow

    async def of_encounter(self, encounter_id: uuid.UUID) -> list[CombatantRow]:
        """The encounter's live combatants, in the order they were added."""
        return (await self.of_encounters([encounter_id])).get(encounter_id, [])

    async def of_encounters(
        self, encounter_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[CombatantRow]]:
        if not encounter_ids:
            return {}
        statement = (
            self.select()
            .where(CombatantRow.encounter_id.in_(list(encounter_ids)))
            .order_by(CombatantRow.created_at, CombatantRow.id)
        )
        found: dict[uuid.UUID, list[CombatantRow]] = defaultdict(list)
        for row in (await self.session.execute(statement)).scalars():
            found[row.encounter_id].append(row)
        return found
