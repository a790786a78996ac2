"""Shared test fixtures.

Tests that need a real service call ``require_postgres()`` or ``require_redis()``. Locally, without
the service, the test skips and says why; in CI (``CI=true``) a missing service is a failure, so the
real backends are always exercised there.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.graph import BackgroundGraph

POSTGRES_HOST, POSTGRES_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _require(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    reason = f"{name} is not reachable on {host}:{port}"
    if IN_CI:
        pytest.fail(f"{reason}, and CI=true requires it")
    pytest.skip(reason)


def require_postgres() -> None:
    _require("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT)


def require_redis() -> None:
    _require("Redis", REDIS_HOST, REDIS_PORT)


@contextlib.asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL."""
    require_postgres()
    import asyncpg

    name = f"test_{uuid.uuid4().hex[:12]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(
            host=POSTGRES_HOST, port=POSTGRES_PORT, user="postgres", database="postgres"
        )
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    await admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Runs the test once on an embedded SQLite file and once on a real PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    require_redis()
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


@pytest.fixture(scope="session")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundGraph]:
    """The router and every service in a background thread, for the session (``tests.graph``):
    what a service under test asks when it checks the IDs of other services' entities."""
    from tests.support import TokenFactory

    running = BackgroundGraph(tmp_path_factory.mktemp("graph"), TokenFactory()).start()
    yield running
    running.stop()
