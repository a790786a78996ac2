"""Assembling the catalog service from its schema and the configured infrastructure."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from auth.tokens import TokenVerifier
from infra.config import Settings
from subgraphs.catalog.membership import consume_campaign_membership
from subgraphs.catalog.models import OutboxEvent
from subgraphs.catalog.schema import schema
from subgraphs.catalog.search.setup import start_search
from subgraphs.catalog.startup import import_when_empty, not_ready_while_empty
from subgraphs.kit.app import create_app
from subgraphs.kit.runtime import build_runtime

NAME = "catalog"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: Settings, verifier: TokenVerifier | None = None) -> Starlette:
    """The catalog app; on start it imports the local SRD data if the catalog is still empty,
    then brings the search index up to date; while it runs, it keeps its projection of campaign
    membership up to date from the campaign service's events."""
    runtime = build_runtime(NAME, OutboxEvent, MIGRATIONS, settings, verifier)
    return create_app(
        schema,
        runtime,
        on_startup=[import_when_empty, start_search],
        consumers=[consume_campaign_membership],
        readiness={"catalog": not_ready_while_empty},
    )
