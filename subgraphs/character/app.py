"""Assembling the character service from its schema and the configured infrastructure."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from auth.tokens import TokenVerifier
from infra.config import Settings
from subgraphs.character.membership import PROJECTION
from subgraphs.character.models import OutboxEvent
from subgraphs.character.schema import schema
from subgraphs.character.sheet.derivation import SheetCache
from subgraphs.kit.app import create_app
from subgraphs.kit.runtime import build_runtime

NAME = "character"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: Settings, verifier: TokenVerifier | None = None) -> Starlette:
    runtime = build_runtime(NAME, OutboxEvent, MIGRATIONS, settings, verifier, sheets=SheetCache())
    # Campaign roles decide who reads a character: a projection of the campaign's events.
    return create_app(schema, runtime, consumers=[PROJECTION.consume])
