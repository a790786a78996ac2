"""Revision 0002 turns the old rows (a name, a level, a class slug) into documents and back,
losing nothing, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from infra.db.engine import create_engine
from rules.parse import parse_sheet
from subgraphs.character.app import MIGRATIONS
from subgraphs.character.documents import stored_problems


def _migrate(connection: Connection, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


OLD_ROWS = [
    ("Seraphine", 5, "class/wizard"),
    ("Nobody In Particular", 3, None),
    ("Tinker", 2, "class/artificer"),  # a class the rules engine does not know
]


# The table as revision 0001 made it (reflection would lose the UUID type on SQLite).
characters = sa.table(
    "characters",
    *(sa.column(name, sa.Uuid()) for name in ("id", "owner_id")),
    *(sa.column(name, sa.String()) for name in ("name", "class_slug", "visibility")),
    sa.column("idempotency_key", sa.String()),
    *(sa.column(name, sa.Integer()) for name in ("level", "version")),
    *(sa.column(name, sa.DateTime(timezone=True)) for name in ("created_at", "updated_at")),
    sa.column("deleted_at", sa.DateTime(timezone=True)),
    sa.column("is_deleted", sa.Boolean()),
)


def _old_row(name: str, level: int, class_slug: str | None) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": uuid.uuid4(),
        "name": name,
        "level": level,
        "class_slug": class_slug,
        "owner_id": uuid.uuid4(),
        "visibility": "PRIVATE",
        "idempotency_key": None,
        "created_at": now,
        "updated_at": now,
        "is_deleted": False,
        "deleted_at": None,
        "version": 4,
    }


async def test_old_rows_become_documents_and_come_back(database_url: str) -> None:
    engine = create_engine(database_url)
    rows = [_old_row(*values) for values in OLD_ROWS]
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, "0001")
            await connection.execute(characters.insert(), rows)
            await connection.run_sync(_migrate, "0002")
            new = sa.table(
                "characters",
                sa.column("id", sa.Uuid()),
                sa.column("name", sa.String()),
                sa.column("level", sa.Integer()),
                sa.column("kind", sa.String()),
                sa.column("version", sa.Integer()),
                sa.column("document", sa.JSON()),
            )
            migrated = {row.id: row for row in (await connection.execute(sa.select(new))).all()}
            await connection.run_sync(_migrate, "0001", down=True)
            restored = {
                row["id"]: row
                for row in (await connection.execute(sa.select(characters))).mappings().all()
            }
    finally:
        await engine.dispose()

    wizard, classless, artificer = (migrated[row["id"]] for row in rows)
    assert wizard.kind == "PC" and wizard.version == 4  # a storage change, not a character change
    assert wizard.document["identity"]["name"] == "Seraphine"
    assert wizard.document["classes"] == [{"class": "wizard", "level": 5}]
    sheet = parse_sheet(wizard.document)  # it reads, and says what the owner must complete
    assert (sheet.total_level, sheet.identity.species) == (5, "unknown")
    assert {e.code for e in stored_problems(wizard.document)} == {
        "background_increase_pattern",
        "unknown_species",
    }
    assert classless.document["classes"] == [] and classless.level == 3
    assert artificer.document["classes"] == [{"class": "artificer", "level": 2}]  # verbatim
    assert {e.path for e in stored_problems(artificer.document)} == {"classes[0].class"}

    for before in rows:  # downgrading gives back exactly what there was
        after = restored[before["id"]]
        assert (after["name"], after["level"], after["class_slug"]) == (
            before["name"],
            before["level"],
            before["class_slug"],
        )
