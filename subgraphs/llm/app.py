"""Assembling the llm service from its schema and the configured infrastructure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Route

from auth.tokens import TokenVerifier
from infra.cache import create_cache
from infra.config import Settings
from subgraphs.kit.app import create_app
from subgraphs.kit.hub import RouterClient, router_from_env
from subgraphs.kit.runtime import build_runtime
from subgraphs.llm.builds.facts import RouterFacts
from subgraphs.llm.catalog import CatalogLookup, NoCatalog, RouterCatalog
from subgraphs.llm.config import LlmSettings
from subgraphs.llm.generator import TextGenerator
from subgraphs.llm.limits import RateLimiter
from subgraphs.llm.metrics import LlmMetrics
from subgraphs.llm.models import OutboxEvent
from subgraphs.llm.pipeline import Generating
from subgraphs.llm.providers.assembly import build_generator
from subgraphs.llm.response_cache import ResponseCache
from subgraphs.llm.schema import schema
from subgraphs.llm.streams import Streams

NAME = "llm"
MIGRATIONS = Path(__file__).parent / "migrations"


def build(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    *,
    text_generator: TextGenerator | None = None,
    router: RouterClient | None = None,
    llm_settings: LlmSettings | None = None,
) -> Starlette:
    """The llm service. ``router`` is how it asks the catalog before generating; without one it
    is made from the ``LLM_CLIENT_*`` environment (``subgraphs.kit.hub.router_from_env``), and
    without those the catalog is not consulted. Models, limits and quotas come from
    ``llm_settings`` (default: the environment, ``config.LlmSettings``); ``text_generator``
    replaces the configured chain (tests)."""
    router = router or router_from_env(settings, NAME)
    llm = llm_settings or LlmSettings.from_env()
    metrics = LlmMetrics()
    catalog: CatalogLookup = NoCatalog() if router is None else RouterCatalog(router)
    build_facts = None if router is None else RouterFacts(router)
    cache = create_cache(settings.redis_url)
    generating = Generating(
        generator=text_generator or build_generator(llm, metrics),
        catalog=catalog,
        answers=ResponseCache(cache, llm.cache_ttl, llm.cache_prefix),
        limiter=RateLimiter(
            cache,
            {"text": llm.text_per_minute, "image": llm.image_per_minute},
            llm.cache_prefix,
        ),
        daily_token_quota=llm.daily_token_quota,
        metrics=metrics,
        streams=Streams(cache, llm.cache_prefix),
    )
    runtime = build_runtime(
        NAME,
        OutboxEvent,
        MIGRATIONS,
        settings,
        verifier,
        generating=generating,
        cache=cache,
        build_facts=build_facts,
    )
    app = create_app(schema, runtime, extra_routes=[Route("/metrics", metrics.endpoint)])
    service_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with service_lifespan(app):
            yield
            await generating.streams.wait()  # let streams that are being written finish
        close = getattr(generating.generator, "close", None)
        if close is not None:
            await close()  # the providers' HTTP clients
        await cache.close()

    app.router.lifespan_context = lifespan
    return app
