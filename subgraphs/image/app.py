"""Assembling the image service from its schema and the configured infrastructure."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette

from auth.tokens import TokenVerifier
from infra.cache import create_cache
from infra.config import Settings
from infra.storage import ObjectStorage, create_storage
from subgraphs.image.delivery import asset_routes
from subgraphs.image.domain import DomainReader, NoDomain, RouterDomain
from subgraphs.image.generator import ImageGenerator
from subgraphs.image.lifecycle import purge_periodically
from subgraphs.image.limits import ImageRateLimit
from subgraphs.image.models import OutboxEvent
from subgraphs.image.offline.generator import OfflineImageGenerator
from subgraphs.image.schema import schema
from subgraphs.image.services import ImagePorts
from subgraphs.kit.app import create_app
from subgraphs.kit.hub import RouterClient, router_from_env
from subgraphs.kit.runtime import build_runtime

NAME = "image"
MIGRATIONS = Path(__file__).parent / "migrations"


def asset_base_url() -> str:
    """``ASSET_BASE_URL``: where clients reach ``/assets/{id}`` (the router's public origin, or a
    CDN in front of this service). Empty by default, which makes asset URLs root-relative
    (``/assets/<id>``) so they resolve against whatever origin served the graph."""
    return os.environ.get("ASSET_BASE_URL", "").rstrip("/")


def default_generator() -> ImageGenerator:
    """GetImg.AI when ``GETIMG_API_KEY`` is set (falling back to offline drawing when it fails),
    otherwise the offline generator alone."""
    offline = OfflineImageGenerator()
    if not os.environ.get("GETIMG_API_KEY"):
        return offline
    from subgraphs.image.getimg import GetImgGenerator, WithFallback

    return WithFallback(GetImgGenerator.from_env(), offline)


def build(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    *,
    storage: ObjectStorage | None = None,
    generator: ImageGenerator | None = None,
    router: RouterClient | None = None,
    rate_limit: ImageRateLimit | None = None,
) -> Starlette:
    """The image service. ``router`` is how it reads characters, catalog entries and encounters;
    without one it is made from the ``IMAGE_CLIENT_*`` environment, and without those pictures
    are drawn from their prompts alone and encounters cannot be rendered."""
    router = router or router_from_env(settings, NAME)
    domain: DomainReader = NoDomain() if router is None else RouterDomain(router)
    ports = ImagePorts(
        storage=storage or create_storage(settings.storage_url),
        generator=generator or default_generator(),
        domain=domain,
        rate_limit=rate_limit or ImageRateLimit(create_cache(settings.redis_url)),
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
    return create_app(
        schema,
        runtime,
        extra_routes=asset_routes(runtime, ports.storage),
        consumers=[purge_periodically],
    )
