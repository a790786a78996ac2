"""Configuration read from the environment, with embedded defaults that need nothing installed.

Every setting has a default that works on a fresh machine (SQLite files and local directories under
``VAR_DIR``, in-process cache and bus). Production points the same settings at PostgreSQL,
Redis and S3.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def var_dir() -> Path:
    """Where embedded state lives (SQLite files, assets, signing keys)."""
    path = Path(os.environ.get("VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service: str) -> str:
    """``<SERVICE>_DATABASE_URL``, else a SQLite file of the service's own under ``VAR_DIR``.

    Each service owns its database; in production each gets its own PostgreSQL database.
    """
    explicit = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if explicit:
        return explicit
    return f"sqlite+aiosqlite:///{var_dir() / f'{service}.db'}"


@dataclass(frozen=True)
class Settings:
    redis_url: str | None
    storage_url: str
    jwks_url: str
    router_url: str
    dev: bool

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            redis_url=os.environ.get("REDIS_URL") or None,
            storage_url=os.environ.get("STORAGE_URL", f"file://{var_dir() / 'assets'}"),
            jwks_url=os.environ.get("AUTH_JWKS_URL", "http://127.0.0.1:4106/.well-known/jwks.json"),
            router_url=os.environ.get("ROUTER_URL", "http://127.0.0.1:4000/graphql"),
            dev=os.environ.get("DNDCREATOR_DEV", "1") == "1",
        )


@dataclass(frozen=True)
class ServiceCredentials:
    """How a service in a process of its own gets service tokens: OAuth client credentials."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)


def service_credentials(service: str) -> ServiceCredentials | None:
    """``<SERVICE>_CLIENT_SECRET`` (with ``<SERVICE>_CLIENT_ID``, default the service's name, and
    ``AUTH_TOKEN_URL``), or None when no secret is set: then the service cannot ask the router.
    """
    prefix = service.upper().replace("-", "_")
    secret = os.environ.get(f"{prefix}_CLIENT_SECRET")
    if not secret:
        return None
    return ServiceCredentials(
        token_url=os.environ.get("AUTH_TOKEN_URL", "http://127.0.0.1:4106/oauth/token"),
        client_id=os.environ.get(f"{prefix}_CLIENT_ID") or service,
        client_secret=secret,
    )
