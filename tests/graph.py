"""The whole graph, running in a background thread, for tests of one service that asks it.

A service checks the IDs of other services' entities by asking the router as the caller
(``subgraphs.kit.foreign_ids``). Its tests therefore need a real router in front of the real
owning services. Starting one per test would cost seconds each; this one starts once per test
session, in a thread with its own event loop, so tests on any event loop reach it over loopback
HTTP like any client. Every service runs on SQLite files of its own, with the in-process bus
of its thread; all of them and the router trust ``tokens``, the session's token factory, so a
test mints one token and uses it both at the service under test and here.

The service under test is built separately by the test (``ROUTER_URL`` pointing here, the same
``tokens``); the background graph has its own instance of every service.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from infra.config import Settings
from infra.stack import SUPERGRAPH
from subgraphs.catalog.importers.location import resolve_srd_dir
from subgraphs.registry import SERVICES
from tests.subgraphs.character.support import named
from tests.support import TokenFactory, loopback_server

STARTUP_SECONDS = 120.0


@contextlib.contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class BackgroundGraph:
    """Router and every service, on loopback, until ``stop``."""

    def __init__(self, state_dir: Path, tokens: TokenFactory) -> None:
        self.state_dir, self.tokens = state_dir, tokens
        self.router_url = ""
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="test-graph", daemon=True)

    # --- life cycle (called from the test session's thread) ------------------------------

    def start(self) -> BackgroundGraph:
        self._thread.start()
        if not self._ready.wait(STARTUP_SECONDS):
            raise RuntimeError("the background graph did not start in time")
        if self._failure is not None:
            raise RuntimeError("the background graph failed to start") from self._failure
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start(), which is waiting
            self._failure = exc
            self._ready.set()

    def _apps(self) -> dict[str, Any]:
        srd = resolve_srd_dir()
        env: dict[str, str | None] = {
            f"{service.name.upper()}_DATABASE_URL": (
                f"sqlite+aiosqlite:///{self.state_dir / service.name}.db"
            )
            for service in SERVICES
        }
        env |= {
            "VAR_DIR": str(self.state_dir),
            "STORAGE_URL": (self.state_dir / "assets").as_uri(),
            "SRD_DIR": None if srd is None else str(srd),
            "SRD_DOWNLOAD": "0",
            "REDIS_URL": None,
            "SEARCH_URL": None,
            "LLM_CLIENT_SECRET": None,
            "ASSET_BASE_URL": None,
        }
        # The session's thread waits in start() meanwhile, so nobody else reads the variables.
        with _environment(env):
            settings = Settings.from_env()
            return {
                service.name: service.module("app").build(settings, self.tokens.verifier)
                for service in SERVICES
            }

    async def _serve(self) -> None:
        from router.app import create_app as create_router

        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with contextlib.AsyncExitStack() as servers:
            urls = {
                name: await servers.enter_async_context(loopback_server(app, lifespan=True))
                for name, app in self._apps().items()
            }
            router = create_router(
                SUPERGRAPH.read_text(),
                verifier=self.tokens.verifier,
                subgraph_url_overrides={name: f"{url}/graphql" for name, url in urls.items()},
            )
            base = await servers.enter_async_context(loopback_server(router, lifespan=True))
            self.router_url = f"{base}/graphql"
            self._ready.set()
            await self._stop.wait()

    # --- asking it (from any event loop) ------------------------------------------------

    async def ask(
        self, query: str, variables: dict[str, Any] | None = None, *, as_user: uuid.UUID
    ) -> dict[str, Any]:
        """``query`` through the router as ``as_user``; its ``data`` (errors fail the test)."""
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                self.router_url,
                json={"query": query, "variables": variables or {}},
                headers=self.tokens.headers(as_user),
            )
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def character(self, owner: uuid.UUID, name: str = "Hero", *, public: bool = False) -> str:
        """A new character of ``owner``'s (private unless ``public``); its ID."""
        created = await self.ask(
            """mutation($i: CreateCharacterInput!) {
              createCharacter(input: $i) { character { id version } userErrors { code } }
            }""",
            {"i": {"document": named(name)}},  # characters are rules documents now
            as_user=owner,
        )
        character = created["createCharacter"]["character"]
        if public:
            await self.ask(
                """mutation($i: UpdateCharacterInput!) {
                  updateCharacter(input: $i) { character { id } userErrors { code } }
                }""",
                {"i": {"id": character["id"], "expectedVersion": 1, "visibility": "PUBLIC"}},
                as_user=owner,
            )
        return str(character["id"])

    async def delete_character(self, owner: uuid.UUID, character_id: str) -> None:
        query = "query($id: ID!) { character(id: $id) { version } }"
        found = await self.ask(query, {"id": character_id}, as_user=owner)
        deleted = await self.ask(
            """mutation($i: CharacterVersionInput!) {
              deleteCharacter(input: $i) { character { id } userErrors { code } }
            }""",
            {"i": {"id": character_id, "expectedVersion": found["character"]["version"]}},
            as_user=owner,
        )
        assert deleted["deleteCharacter"]["userErrors"] == []

    async def user(self, display_name: str = "Invitee") -> uuid.UUID:
        """A newly registered account at the auth service; its ID."""
        registered = await self.ask(
            """mutation($i: RegisterInput!) {
              register(input: $i) { user { id } userErrors { code } }
            }""",
            {
                "i": {
                    "email": f"{uuid.uuid4().hex}@example.org",
                    "password": "a long passphrase for tests",
                    "displayName": display_name,
                }
            },
            as_user=uuid.uuid4(),
        )
        return uuid.UUID(registered["register"]["user"]["id"])
