"""Health that tells the truth (issue 9, hole 5): a service answers "ok" only when it can serve.

An empty catalog (no SRD files, no network) is not ready; a database or event bus that cannot be
reached makes any service not ready; the answer names the failing check.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from infra.bus import RedisStreamsEventBus
from infra.cache import RedisCache
from subgraphs.catalog.app import build as build_catalog
from subgraphs.character.app import build as build_character
from subgraphs.kit.health import run_checks, runtime_checks
from subgraphs.kit.runtime import Runtime
from tests.subgraphs.harness import build_app, serve_subgraph
from tests.support import TokenFactory, free_port


def _embedded_catalog(tmp_path: Path) -> dict[str, str | None]:
    return {
        "CATALOG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'catalog.db'}",
        "SEARCH_URL": None,
        "REDIS_URL": None,
    }


async def test_an_empty_catalog_is_not_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine without the SRD files and without network: start-up imports nothing.
    empty_srd = tmp_path / "srd"
    empty_srd.mkdir()
    monkeypatch.setenv("SRD_DIR", str(empty_srd))
    monkeypatch.setenv("SRD_DOWNLOAD", "off")
    async with serve_subgraph(build_catalog, _embedded_catalog(tmp_path)) as (http, _):
        health = await http.get("/health")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "unavailable" and body["service"] == "catalog"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["catalog"].startswith("empty")


async def test_a_catalog_with_the_srd_is_ready(tmp_path: Path) -> None:
    async with serve_subgraph(build_catalog, _embedded_catalog(tmp_path)) as (http, _):
        health = await http.get("/health")
        count = (await http.post("/graphql", json={"query": "{ spell(slug: \"spell/fireball\")"
                                                            " { name } }"})).json()
    if count["data"]["spell"] is None:  # no ../shared/srd on this machine: nothing to import
        assert health.status_code == 503
        return
    assert health.status_code == 200
    assert health.json()["checks"] == {"database": "ok", "bus": "ok", "revocations": "ok",
                                       "catalog": "ok"}


async def test_a_database_that_is_down_makes_the_service_unready(tmp_path: Path) -> None:
    env = {
        # Nothing listens there: the service cannot reach its database.
        "CHARACTER_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x",
        "REDIS_URL": None,
    }
    app = build_app(build_character, env, TokenFactory())
    # No start-up: its migrations would fail on the missing database before /health is asked.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
        health = await http.get("/health")
    assert health.status_code == 503
    assert health.json()["checks"]["database"].startswith("unreachable")


async def test_a_bus_or_cache_that_is_down_is_named(tmp_path: Path) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    bus, cache = RedisStreamsEventBus.from_url(dead), RedisCache.from_url(dead)
    runtime = Runtime.create(
        "character",
        f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
        outbox_model=object,  # type: ignore[arg-type]  # health never touches the outbox
        migrations=tmp_path,
        verifier=None,  # type: ignore[arg-type]
        bus=bus,
        revocations=cache,
    )
    try:
        answers = await run_checks(runtime_checks(runtime))
    finally:
        await bus.close()
        await cache.close()
        await runtime.engine.dispose()
    assert answers["database"] == "ok"
    assert answers["bus"].startswith("unreachable")
    assert answers["revocations"].startswith("unreachable")
