"""An embedded stack of its own for one e2e test module: free ports, a fresh ``VAR_DIR`` and an
environment cleared of anything that would point it at real backends (databases, Redis, S3)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.demo import seed
from infra.stack import Stack, running_stack
from subgraphs.registry import SERVICES
from tests.support import free_port

OUTSIDE_BACKENDS = ("REDIS_URL", "STORAGE_URL", "SEARCH_URL", "LLM_CLIENT_SECRET")


@contextlib.asynccontextmanager
async def isolated_stack(
    var_dir: Path, env: Mapping[str, str] | None = None, *, demo: bool = False
) -> AsyncIterator[Stack]:
    """The stack, running; with the demo seed loaded when ``demo``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAR_DIR", str(var_dir))
        patch.setenv("DNDCREATOR_DEV", "1")
        for service in SERVICES:
            patch.delenv(f"{service.name.upper()}_DATABASE_URL", raising=False)
        for name in OUTSIDE_BACKENDS:
            patch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        ports = {service.name: free_port() for service in SERVICES}
        async with running_stack(router_port=free_port(), service_ports=ports) as stack:
            if demo:
                await seed(stack.router_url)
            yield stack


async def post_graphql(
    url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> httpx.Response:
    """One GraphQL request over HTTP, with a bearer token when given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(
            url, json={"query": query, "variables": variables or {}}, headers=headers
        )
