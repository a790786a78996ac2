"""Helpers for tests: signing test tokens, running an ASGI app in process with its lifespan, and
serving one over real HTTP on a free loopback port."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import uvicorn
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


def subject_of(headers: dict[str, str]) -> uuid.UUID:
    """The user a test's ``Authorization`` header speaks for (read without verifying)."""
    payload = headers["Authorization"].removeprefix("Bearer ").split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return uuid.UUID(claims["sub"])


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # leave Ctrl-C to pytest
        yield


@contextlib.asynccontextmanager
async def loopback_server(app: Starlette, *, lifespan: bool = False) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port (running its start-up and shutdown
    when ``lifespan``); yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on" if lifespan else "off"
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
            raise RuntimeError(f"the test server did not start on port {port}")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


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
