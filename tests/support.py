"""Helpers for tests: signing test tokens, and running an ASGI app with its lifespan."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette

from auth.tokens import ALGORITHM, AUDIENCE, ISSUER, StaticKeyVerifier


class TokenFactory:
    """Signs access tokens exactly as the auth service does, with a key of its own."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": uuid.uuid4().hex, "use": "sig", "alg": ALGORITHM}, private=True
        )
        self.keys = KeySet([self.key])
        self.verifier = StaticKeyVerifier(self.keys)

    def mint(
        self,
        subject: str | uuid.UUID | None = None,
        *,
        scopes: str = "",
        kind: str = "user",
        expires_in: int = 300,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "typ": "access",
            "sub": str(subject or uuid.uuid4()),
            "scope": scopes,
            "kind": kind,
            "iat": now,
            "exp": now + expires_in,
            **extra,
        }
        return jwt.encode({"alg": ALGORITHM, "kid": self.key.kid}, claims, self.key)

    def headers(self, subject: str | uuid.UUID | None = None, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.mint(subject, **kwargs)}"}


@contextlib.asynccontextmanager
async def asgi_client(
    app: Starlette, base_url: str = "http://subgraph"
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to ``app`` in process, with the app's start-up and shutdown run."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client,
    ):
        yield client


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
