"""Running one subgraph in process for its tests, on SQLite or on PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from auth.tokens import TokenVerifier
from infra.config import Settings
from infra.db.model import OutboxMixin
from tests.conftest import fresh_postgres_database
from tests.graph import BackgroundGraph
from tests.support import TokenFactory, asgi_client

Build = Callable[[Settings, TokenVerifier], Starlette]


def build_app(build: Build, env: Mapping[str, str | None], tokens: TokenFactory) -> Starlette:
    """The app ``build`` makes, trusting ``tokens``. ``env`` (a value of ``None`` unsets the
    variable) holds only while the service reads its configuration, so a module-scoped service
    does not leak settings into other tests."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        return build(Settings.from_env(), tokens.verifier)


@contextlib.asynccontextmanager
async def serve_subgraph(
    build: Build, env: Mapping[str, str | None], *, graph: BackgroundGraph | None = None
) -> AsyncIterator[tuple[httpx.AsyncClient, TokenFactory]]:
    """A client of the service ``build`` makes (in process), and the factory of tokens it
    accepts. With ``graph``, the service asks that graph's router about other services'
    entities (``ROUTER_URL``), and trusts the tokens the graph trusts."""
    tokens = TokenFactory() if graph is None else graph.tokens
    if graph is not None:
        env = {**env, "ROUTER_URL": graph.router_url}
    async with asgi_client(build_app(build, env, tokens)) as http:
        yield http, tokens


@contextlib.asynccontextmanager
async def backend_database(backend: str, sqlite_file: Path) -> AsyncIterator[str]:
    """The URL of an empty database: ``sqlite_file``, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{sqlite_file}"
        return
    async with fresh_postgres_database() as url:
        yield url


@dataclass
class SharedService:
    """A running service shared by a module's tests, and a direct line to its database.

    Creating a PostgreSQL database per test costs about a second; sharing one keeps a module
    fast. Tests stay independent by acting as fresh users and by checking differences (rows,
    events, files before and after) rather than absolute totals.
    """

    outbox_model: ClassVar[type[OutboxMixin]]

    http: httpx.AsyncClient
    tokens: TokenFactory
    engine: AsyncEngine

    async def scalar(self, statement: Any) -> Any:
        async with self.engine.connect() as connection:
            return (await connection.execute(statement)).scalar_one()

    async def events(self) -> int:
        """How many events the service's outbox holds."""
        return int(await self.scalar(select(func.count()).select_from(self.outbox_model)))
