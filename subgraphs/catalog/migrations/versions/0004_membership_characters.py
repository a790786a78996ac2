"""campaign memberships record the character

The projection became the kit's shared one (``subgraphs.kit.campaign_membership``), whose rows
also hold the character a player brought. Existing rows keep a null character; the catalog does
not ask for it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 00:19:08.563217
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign_memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("character_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_campaign_memberships_character_id"), ["character_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_memberships_character_id"))
        batch_op.drop_column("character_id")
