"""asset versions, catalog reuse, trash

Every existing asset becomes version 1 of itself (its bytes stay under their key); the old MAP
kind becomes MAP_TACTICAL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 23:39:15.531063
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = (
    "content_type",
    "width",
    "height",
    "byte_size",
    "sha256",
    "storage_key",
    "generator",
    "prompt",
    "seed",
    "alt_text",
)


def upgrade() -> None:
    versions = op.create_table(
        "asset_versions",
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_number", sa.Integer(), nullable=True),
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("generator", sa.String(length=40), nullable=True),
        sa.Column("prompt", sa.String(length=1000), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("alt_text", sa.String(length=500), nullable=True),
        sa.Column("spec", sa.JSON(), nullable=True),
        sa.Column("layout", sa.JSON(), nullable=True),
        sa.Column("derivatives", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("asset_id", "number"),
        sa.UniqueConstraint("asset_id", "idempotency_key"),
    )
    with op.batch_alter_table("asset_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_versions_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_asset_versions_created_at"), ["created_at"], unique=False
        )

    connection = op.get_bind()
    assets = sa.table(
        "assets",
        sa.column("id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        *(sa.column(name) for name in MOVED),
    )
    now = datetime.now(UTC)
    rows = connection.execute(sa.select(assets)).mappings().all()
    if rows:
        op.bulk_insert(
            versions,
            [
                {
                    **{name: row[name] for name in MOVED},
                    "id": uuid.uuid4(),
                    "asset_id": row["id"],
                    "number": 1,
                    "parent_number": None,
                    "operation": "GENERATED" if row["generator"] else "UPLOADED",
                    "spec": None,
                    "layout": None,
                    "derivatives": {},
                    "idempotency_key": None,
                    "created_at": row["created_at"],
                    "updated_at": now,
                    "is_deleted": False,
                    "deleted_at": None,
                    "version": 1,
                }
                for row in rows
            ],
        )
    connection.execute(sa.update(assets).where(assets.c.kind == "MAP").values(kind="MAP_TACTICAL"))

    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("catalog_slug", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("encounter_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("source_asset_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("current_version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_assets_catalog_slug"), ["catalog_slug"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_encounter_id"), ["encounter_id"], unique=False)
        for name in MOVED:
            batch_op.drop_column(name)
    # The defaults only filled the existing rows; new rows get theirs from the application.
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.alter_column("shared", server_default=None)
        batch_op.alter_column("current_version", server_default=None)


def downgrade() -> None:
    raise NotImplementedError("asset versions cannot be folded back into one row per asset")
