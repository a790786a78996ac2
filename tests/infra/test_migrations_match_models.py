"""Every service's Alembic migrations build exactly the tables its models describe.

A column added to a model without a migration (or a migration that drifts from the model) works
in tests that create tables from the models, then fails on a real database upgraded by
migrations. Here each service's migrations run on an empty database (SQLite and PostgreSQL),
and Alembic's autogenerate comparison must find nothing left to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from infra.db.engine import create_engine
from infra.db.migrations import upgrade
from subgraphs.registry import SERVICES


def _differences(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    differences: list[Any] = compare_metadata(context, metadata)
    return differences


@pytest.mark.parametrize("service", SERVICES, ids=[service.name for service in SERVICES])
async def test_migrations_build_what_the_models_describe(service: Any, database_url: str) -> None:
    app = service.module("app")  # importing the app imports every model module it uses
    metadata: MetaData = service.module("models").OutboxEvent.metadata
    migrations = Path(app.__file__).parent / "migrations"
    engine = create_engine(database_url)
    try:
        await upgrade(engine, migrations)
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences, metadata)
    finally:
        await engine.dispose()
    assert differences == []
