"""Assembling the campaign service from its schema and the configured infrastructure."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from auth.tokens import TokenVerifier
from infra.cache import create_cache
from infra.config import Settings
from subgraphs.campaign.live import CACHE_PORT, relay_combat_state
from subgraphs.campaign.models import OutboxEvent
from subgraphs.campaign.schema import schema
from subgraphs.kit.app import create_app
from subgraphs.kit.runtime import build_runtime

NAME = "campaign"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: Settings, verifier: TokenVerifier | None = None) -> Starlette:
    """The campaign app; while it runs, it forwards encounter events from the event bus to the
    cache's pub/sub (Redis when ``REDIS_URL`` is set), which feeds ``combatState``."""
    ports = {CACHE_PORT: create_cache(settings.redis_url)}
    runtime = build_runtime(NAME, OutboxEvent, MIGRATIONS, settings, verifier, **ports)
    return create_app(schema, runtime, consumers=[relay_combat_state])
