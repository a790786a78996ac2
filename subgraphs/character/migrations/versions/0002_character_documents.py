"""characters become documents

Each character's base data moves into one JSON document in the rules format; ``class_slug``
goes (the document's first class is the starting class) and ``kind`` arrives (every existing
character is a PC). Nothing is lost: the name, the level and the class of every row are in its
document. What the old rows never recorded (species, ability scores, background) gets neutral
placeholders that ``rules.validate`` reports, so the owner sees what to complete:
species ``unknown``, every score 10 (method ``manual``), a background named ``Unknown`` without
increases. A class the rules engine does not know (or none) is kept as it was, verbatim; the
sheet of such a character says why it cannot be derived, and the ``level`` column keeps its
level. Downgrading restores ``class_slug`` from the document.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 23:50:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLASS_PREFIX = "class/"
ABILITIES = ("str", "dex", "con", "int", "wis", "cha")


def legacy_document(name: str, level: int, class_slug: str | None) -> dict[str, Any]:
    """The document of a row that had only a name, a level and a class slug."""
    classes = []
    if class_slug:
        classes.append({"class": class_slug.removeprefix(CLASS_PREFIX), "level": level})
    return {
        "identity": {"name": name, "species": "unknown"},
        "classes": classes,
        "abilities": {"method": "manual", "base": dict.fromkeys(ABILITIES, 10)},
        "background": {"name": "Unknown", "abilities": ["str", "dex", "con"], "increases": {}},
    }


def starting_class_slug(document: Any) -> str | None:
    classes = document.get("classes") if isinstance(document, dict) else None
    if isinstance(classes, list) and classes and isinstance(classes[0], dict):
        value = classes[0].get("class")
        if isinstance(value, str) and value:
            return CLASS_PREFIX + value
    return None


def _characters(*columns: sa.ColumnClause[Any]) -> sa.TableClause:
    return sa.table("characters", sa.column("id", sa.Uuid()), *columns)


def upgrade() -> None:
    with op.batch_alter_table("characters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="PC")
        )
        batch_op.add_column(sa.Column("document", sa.JSON(), nullable=True))

    old = _characters(
        sa.column("name", sa.String()),
        sa.column("level", sa.Integer()),
        sa.column("class_slug", sa.String()),
        sa.column("document", sa.JSON()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(old.c.id, old.c.name, old.c.level, old.c.class_slug))
    for id, name, level, class_slug in rows.all():
        connection.execute(
            old.update()
            .where(old.c.id == id)
            .values(document=legacy_document(name, level, class_slug))
        )

    with op.batch_alter_table("characters", schema=None) as batch_op:
        batch_op.alter_column("document", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("kind", existing_type=sa.String(length=16), server_default=None)
        batch_op.drop_column("class_slug")
        batch_op.create_index(batch_op.f("ix_characters_kind"), ["kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("characters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("class_slug", sa.String(length=80), nullable=True))

    table = _characters(sa.column("document", sa.JSON()), sa.column("class_slug", sa.String()))
    connection = op.get_bind()
    for id, document in connection.execute(sa.select(table.c.id, table.c.document)).all():
        connection.execute(
            table.update().where(table.c.id == id).values(class_slug=starting_class_slug(document))
        )

    with op.batch_alter_table("characters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_characters_kind"))
        batch_op.drop_column("document")
        batch_op.drop_column("kind")
