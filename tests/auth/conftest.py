"""Every auth test that needs the service gets one on SQLite and one on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.auth.harness import AuthHarness, running_auth


@pytest.fixture
async def auth(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AuthHarness]:
    monkeypatch.setenv("AUTH_DATABASE_URL", database_url)
    async with running_auth() as harness:
        yield harness
