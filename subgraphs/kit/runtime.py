"""The long-lived resources of one subgraph process: database, token verifier, ports."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from auth.tokens import CachedVerifier, JwksVerifier, TokenVerifier
from infra.bus import EventBus, create_event_bus
from infra.config import Settings, database_url
from infra.db.engine import create_engine, session_factory
from infra.db.model import OutboxMixin
from infra.db.unit_of_work import UnitOfWork
from subgraphs.kit.foreign_ids import PORT as FOREIGN_IDS
from subgraphs.kit.foreign_ids import ForeignIds


@dataclass
class Runtime:
    name: str
    engine: AsyncEngine
    outbox_model: type[OutboxMixin]
    migrations: Path
    verifier: TokenVerifier
    ports: dict[str, Any] = field(default_factory=dict)  # storage, bus, generators, ...
    sessions: async_sessionmaker[AsyncSession] = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = session_factory(self.engine)

    @classmethod
    def create(
        cls,
        name: str,
        database_url: str,
        outbox_model: type[OutboxMixin],
        migrations: Path,
        verifier: TokenVerifier,
        **ports: Any,
    ) -> Runtime:
        return cls(
            name=name,
            engine=create_engine(database_url),
            outbox_model=outbox_model,
            migrations=migrations,
            verifier=verifier,
            ports=ports,
        )

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.outbox_model)


_process_buses: dict[tuple[str | None, int], EventBus] = {}


def process_event_bus(redis_url: str | None) -> EventBus:
    """One bus per URL for the services a thread builds: in the embedded stack (one thread)
    all services share the in-process bus. A second thread with an event loop of its own (a
    test's background graph) gets buses of its own, since asyncio objects serve one loop."""
    key = (redis_url, threading.get_ident())
    if key not in _process_buses:
        _process_buses[key] = create_event_bus(redis_url)
    return _process_buses[key]


def build_runtime(
    name: str,
    outbox_model: type[OutboxMixin],
    migrations: Path,
    settings: Settings,
    verifier: TokenVerifier | None = None,
    **ports: Any,
) -> Runtime:
    """The runtime of service ``name`` as configured by the environment."""
    return Runtime.create(
        name,
        database_url(name),
        outbox_model,
        migrations,
        # Each request carries the caller's token again; one signature check per token suffices.
        verifier or CachedVerifier(JwksVerifier(settings.jwks_url)),
        **{
            "bus": process_event_bus(settings.redis_url),
            # How use cases check the IDs of other services' entities: through the router.
            FOREIGN_IDS: ForeignIds(settings.router_url),
            **ports,
        },
    )
