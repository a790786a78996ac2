"""Applying a service's Alembic migrations at start-up.

Each service keeps its migrations in ``<service>/migrations`` with a two-line ``env.py`` that calls
``run_env``. Start-up runs them on the service's own async engine, so the same code path serves
SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine


def _config(script_location: Path, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


# Alembic keeps its running environment in module globals. Services that start in one process (the
# embedded stack) would interleave their migrations at every database await, so they take turns.
# One lock per event loop: an asyncio lock belongs to the loop it first waited in, and a process
# may run several loops one after another (each test module's stack has its own).
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _one_at_a_time() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    if loop not in _locks:
        _locks[loop] = asyncio.Lock()
    return _locks[loop]


async def upgrade(engine: AsyncEngine, script_location: Path) -> None:
    """Bring the database to the newest revision (idempotent)."""

    def _run(connection: Connection) -> None:
        command.upgrade(_config(script_location, connection), "head")

    async with _one_at_a_time(), engine.begin() as connection:
        await connection.run_sync(_run)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "migrations run through infra.db.migrations.upgrade(), which supplies the connection"
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    )
    with context.begin_transaction():
        context.run_migrations()
