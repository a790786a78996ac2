"""Assembling the auth service: its schema, its key ring, the public JWKS endpoint and the OAuth
token endpoint services use to get a service token (``auth.oauth``)."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth.clock import Clock, system_clock
from auth.config import AuthConfig
from auth.keys import KeyPolicy, KeyRing, KeyRingVerifier
from auth.models import OutboxEvent
from auth.oauth import TOKEN_PATH, TokenEndpoint
from auth.passwords import PasswordHasher
from auth.revocation import SessionRevocations
from auth.schema import schema
from auth.services import AuthTools
from auth.tokens import TokenVerifier
from infra.cache import process_cache
from infra.config import Settings, database_url
from infra.db.engine import create_engine, session_factory
from subgraphs.kit.app import create_app
from subgraphs.kit.runtime import Runtime

NAME = "auth"
MIGRATIONS = Path(__file__).parent / "migrations"
JWKS_PATH = "/.well-known/jwks.json"
# Verifiers may cache the key set this long. Far shorter than how long a new key is published
# before it signs (``AuthConfig.key_publish_ahead``), so every cache knows a key before its use.
JWKS_MAX_AGE_SECONDS = 300


def build(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    *,
    config: AuthConfig | None = None,
    clock: Clock = system_clock,
) -> Starlette:
    """The auth service. Without ``verifier`` it checks incoming tokens against its own ring.

    ``app.state.auth`` holds the ``AuthTools`` (key ring, hasher, settings), e.g. for minting
    service tokens with ``auth.issuing.mint_service_token(app.state.auth.ring, "llm")``;
    ``app.state.runtime`` the service's runtime (database, outbox). ``clock`` exists for tests
    that need days to pass.
    """
    config = config or AuthConfig.from_env()
    engine = create_engine(database_url(NAME))
    ring = KeyRing(
        session_factory(engine),
        KeyPolicy(
            rotate_every=config.key_rotation,
            publish_ahead=config.key_publish_ahead,
            longest_token_lifetime=config.longest_token_lifetime,
        ),
        clock=clock,
    )
    # Shared with every verifier: Redis in production, this process's cache when embedded.
    revocations = SessionRevocations(process_cache(settings.redis_url))
    tools = AuthTools(
        config=config,
        hasher=PasswordHasher(config.password_cost),
        ring=ring,
        revocations=revocations,
    )
    runtime = Runtime(
        name=NAME,
        engine=engine,
        outbox_model=OutboxEvent,
        migrations=MIGRATIONS,
        verifier=verifier or KeyRingVerifier(ring, revocations),
        ports={"auth": tools, "revocations": revocations.cache},
    )

    async def jwks(_: Request) -> Response:
        return JSONResponse(
            await ring.jwks(),
            headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE_SECONDS}"},
        )

    async def load_key_ring(_: Runtime) -> None:
        await ring.reload()  # creates the first key on a fresh database

    token_endpoint = TokenEndpoint(tools, config.service_clients)
    app = create_app(
        schema,
        runtime,
        extra_routes=[
            Route(JWKS_PATH, jwks),
            Route(TOKEN_PATH, token_endpoint.handle, methods=["POST"]),
        ],
        on_startup=[load_key_ring],
    )
    app.state.auth = tools
    app.state.runtime = runtime
    app.state.token_endpoint = token_endpoint
    return app
