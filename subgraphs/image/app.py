"""Assembling the image service from its schema and the configured infrastructure."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette

from auth.tokens import TokenVerifier
from infra.config import Settings
from infra.storage import ObjectStorage, create_storage
from subgraphs.image.delivery import asset_routes
from subgraphs.image.generator import ImageGenerator
from subgraphs.image.models import OutboxEvent
from subgraphs.image.procedural import ProceduralImageGenerator
from subgraphs.image.schema import schema
from subgraphs.image.services import ImagePorts
from subgraphs.kit.app import create_app
from subgraphs.kit.runtime import build_runtime

NAME = "image"
MIGRATIONS = Path(__file__).parent / "migrations"


def asset_base_url() -> str:
    """``ASSET_BASE_URL``: where clients reach ``/assets/{id}`` (the router's public origin, or a
    CDN in front of this service). Empty by default, which makes asset URLs root-relative
    (``/assets/<id>``) so they resolve against whatever origin served the graph."""
    return os.environ.get("ASSET_BASE_URL", "").rstrip("/")


def build(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    *,
    storage: ObjectStorage | None = None,
    generator: ImageGenerator | None = None,
) -> Starlette:
    ports = ImagePorts(
        storage=storage or create_storage(settings.storage_url),
        generator=generator or ProceduralImageGenerator(),
    )
    runtime = build_runtime(
        NAME,
        OutboxEvent,
        MIGRATIONS,
        settings,
        verifier,
        image=ports,
        asset_base_url=asset_base_url(),
    )
    return create_app(schema, runtime, extra_routes=asset_routes(runtime, ports.storage))
