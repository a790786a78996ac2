"""Running the auth service in process for tests: cheap password hashing, a clock we can move."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from starlette.applications import Starlette

from auth.app import build
from auth.config import AuthConfig
from auth.models import OutboxEvent
from auth.passwords import HashingCost
from auth.services import AuthTools
from infra.config import Settings
from subgraphs.kit.runtime import Runtime
from tests.support import asgi_client, gql

# Still Argon2id, just with the smallest legal cost, so a test hashes in microseconds.
CHEAP = HashingCost(time_cost=1, memory_kib=8, parallelism=1)
PASSWORD = "correct horse battery staple"
JWKS_URL = "http://subgraph/.well-known/jwks.json"

REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) {
    accessToken refreshToken expiresIn
    user { id displayName email createdAt }
    userErrors { path code message }
  }
}"""
LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) {
    accessToken refreshToken expiresIn user { id displayName } userErrors { path code message }
  }
}"""
REFRESH = """
mutation($input: RefreshTokenInput!) {
  refresh(input: $input) {
    accessToken refreshToken expiresIn user { id } userErrors { path code message }
  }
}"""
LOGOUT = """
mutation($input: RefreshTokenInput!) {
  logout(input: $input) { signedOut userErrors { path code message } }
}"""
ME = "{ me { id displayName email } }"


class MovableClock:
    """Starts at the real time and moves only when a test says so."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **amount: float) -> None:
        self.moment += timedelta(**amount)


@dataclass
class AuthHarness:
    http: httpx.AsyncClient
    app: Starlette
    clock: MovableClock

    @property
    def tools(self) -> AuthTools:
        tools: AuthTools = self.app.state.auth
        return tools

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime

    async def register(
        self, email: str = "ann@example.org", password: str = PASSWORD, name: str = "Ann"
    ) -> dict[str, Any]:
        variables = {"input": {"email": email, "password": password, "displayName": name}}
        payload: dict[str, Any] = (await gql(self.http, REGISTER, variables))["data"]["register"]
        return payload

    async def login(
        self, email: str = "ann@example.org", password: str = PASSWORD
    ) -> dict[str, Any]:
        variables = {"input": {"email": email, "password": password}}
        payload: dict[str, Any] = (await gql(self.http, LOGIN, variables))["data"]["login"]
        return payload

    async def refresh(self, token: str) -> dict[str, Any]:
        variables = {"input": {"refreshToken": token}}
        payload: dict[str, Any] = (await gql(self.http, REFRESH, variables))["data"]["refresh"]
        return payload

    async def logout(self, token: str) -> dict[str, Any]:
        variables = {"input": {"refreshToken": token}}
        payload: dict[str, Any] = (await gql(self.http, LOGOUT, variables))["data"]["logout"]
        return payload

    async def me(self, access_token: str) -> dict[str, Any]:
        return await gql(self.http, ME, headers={"Authorization": f"Bearer {access_token}"})

    async def events(self) -> list[tuple[str, dict[str, Any]]]:
        async with self.runtime.sessions() as session:
            rows = await session.execute(select(OutboxEvent).order_by(OutboxEvent.created_at))
            return [(row.type, row.payload) for row in rows.scalars()]

    async def all_event_text(self) -> str:
        return json.dumps([payload for _, payload in await self.events()])


def build_auth(cost: HashingCost = CHEAP, clock: MovableClock | None = None) -> Starlette:
    """The app on whatever ``AUTH_DATABASE_URL`` the test has set."""
    return build(
        Settings.from_env(), config=AuthConfig(password_cost=cost), clock=clock or MovableClock()
    )


@contextlib.asynccontextmanager
async def running_auth(cost: HashingCost = CHEAP) -> AsyncIterator[AuthHarness]:
    clock = MovableClock()
    app = build_auth(cost, clock)
    async with asgi_client(app) as http:
        yield AuthHarness(http=http, app=app, clock=clock)
