"""Assembling the campaign service from its schema and the configured infrastructure."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from auth.tokens import TokenVerifier
from infra.config import Settings
from subgraphs.campaign.models import OutboxEvent
from subgraphs.campaign.schema import schema
from subgraphs.kit.app import create_app
from subgraphs.kit.runtime import build_runtime

NAME = "campaign"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: Settings, verifier: TokenVerifier | None = None) -> Starlette:
    return create_app(schema, build_runtime(NAME, OutboxEvent, MIGRATIONS, settings, verifier))
