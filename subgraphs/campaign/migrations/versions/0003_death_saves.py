"""death saves

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 06:28:40.336955
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Server defaults fill the rows that exist already (nobody is dying in them).
    with op.batch_alter_table("encounter_combatants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "death_save_successes", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "death_save_failures", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("stable", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("dead", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("encounter_combatants", schema=None) as batch_op:
        batch_op.drop_column("dead")
        batch_op.drop_column("stable")
        batch_op.drop_column("death_save_failures")
        batch_op.drop_column("death_save_successes")
