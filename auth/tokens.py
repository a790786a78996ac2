"""Access-token verification shared by the router and every subgraph.

The auth service signs short-lived JWTs with keys it rotates and publishes as a JWKS document.
Anyone holding that document can check a token offline; the router checks it at the edge and each
subgraph checks it again, so no service trusts an identity merely because a header says so.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from infra.retry import a_few_times

log = logging.getLogger("dndcreator.auth.tokens")

ISSUER = "dndcreator-auth"
AUDIENCE = "dndcreator"
ALGORITHM = "RS256"


class InvalidToken(Exception):
    """The presented token cannot be trusted. ``code`` is stable and safe to show a client."""

    def __init__(self, message: str, code: str = "UNAUTHENTICATED") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Claims:
    """What a verified access token says about its bearer."""

    subject: str
    scopes: frozenset[str] = frozenset()
    kind: str = "user"  # "user" or "service"
    expires_at: int = 0
    session: str | None = None  # ``sid``: the sign-in a user token belongs to (auth.revocation)
    token_id: str | None = None  # ``jti``
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Claims:
        scope = payload.get("scope", "")
        return cls(
            subject=str(payload["sub"]),
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
            kind=str(payload.get("kind", "user")),
            expires_at=int(payload.get("exp", 0)),
            session=_optional_text(payload.get("sid")),
            token_id=_optional_text(payload.get("jti")),
            raw=payload,
        )


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Claims: ...


class RevocationCheck(Protocol):
    """Refuses claims whose sign-in has ended (``auth.revocation.SessionRevocations``)."""

    async def check(self, claims: Claims) -> Claims: ...


def verify_with_keys(token: str, keys: KeySet, *, now: float | None = None) -> Claims:
    """Check signature, issuer, audience and expiry of ``token`` against ``keys``."""
    try:
        decoded = jwt.decode(token, keys, algorithms=[ALGORITHM])
    except (JoseError, ValueError) as exc:
        raise InvalidToken(f"access token rejected: {exc.__class__.__name__}") from None
    payload = decoded.claims
    moment = time.time() if now is None else now
    if payload.get("iss") != ISSUER or payload.get("aud") != AUDIENCE:
        raise InvalidToken("access token was not issued for this graph")
    if payload.get("typ") != "access":
        raise InvalidToken("only access tokens are accepted here")
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or exp <= moment:
        raise InvalidToken("access token has expired")
    if "sub" not in payload:
        raise InvalidToken("access token has no subject")
    return Claims.from_payload(payload)


class StaticKeyVerifier:
    """Verifies against a key set held in memory (the auth service itself, and tests)."""

    def __init__(self, keys: KeySet) -> None:
        self.keys = keys

    async def verify(self, token: str) -> Claims:
        return verify_with_keys(token, self.keys)


class _JwksServerError(Exception):
    pass


class JwksVerifier:
    """Verifies against the auth service's published JWKS.

    Keys are cached; a token signed by a key we have not seen (the auth service rotated) triggers
    one refetch, at most every ``min_refresh_seconds`` so a flood of forged ``kid`` values cannot
    turn into a flood of requests. A fetch that fails for a passing reason (connection refused,
    a 5xx while the auth service restarts) is tried again twice, with backoff (tenacity).
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        client: httpx.AsyncClient | None = None,
        min_refresh_seconds: float = 10.0,
    ) -> None:
        self.jwks_url = jwks_url
        self._client = client
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._min_refresh = min_refresh_seconds

    async def _download(self, client: httpx.AsyncClient) -> Any:
        response = await client.get(self.jwks_url)
        if response.status_code >= 500:  # the auth service restarting: worth another try
            raise _JwksServerError(f"HTTP {response.status_code}")
        response.raise_for_status()
        return response.json()

    async def _fetch(self) -> KeySet:
        client = self._client or httpx.AsyncClient(timeout=5.0)
        retrying = a_few_times(log, f"fetching the JWKS from {self.jwks_url}",
                               httpx.TransportError, _JwksServerError)
        try:
            keys = KeySet.import_key_set(await retrying(self._download, client))
        except (httpx.HTTPError, _JwksServerError, ValueError, JoseError) as exc:
            raise InvalidToken(
                f"signing keys unavailable: {exc.__class__.__name__}", code="AUTH_UNAVAILABLE"
            ) from None
        finally:
            if self._client is None:
                await client.aclose()
        self._keys, self._fetched_at = keys, time.monotonic()
        return keys

    def _knows_kid(self, token: str) -> bool:
        assert self._keys is not None
        try:
            header = jws.extract_compact(token.encode()).headers()  # unverified; picks a key only
        except (JoseError, ValueError):
            return True  # malformed: let verification report it
        kid = header.get("kid")
        return any(key.kid == kid for key in self._keys.keys)

    async def verify(self, token: str) -> Claims:
        keys = self._keys or await self._fetch()
        if not self._knows_kid(token) and time.monotonic() - self._fetched_at > self._min_refresh:
            keys = await self._fetch()
        return verify_with_keys(token, keys)


def bearer_token(authorization: str | None) -> str | None:
    """The token from an ``Authorization: Bearer ...`` header, or None when absent."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Authorization header must be 'Bearer <token>'")
    return token.strip()


class CachedVerifier:
    """Remembers tokens whose signature it has verified until they expire.

    A client sends the same token with every request, and the router looks at it more than once
    per request (rate-limit identity, then authorization); a signature check each time is wasted
    work. Only successes are remembered, so a bad token is checked (and refused) every time.

    ``revocations`` is asked on every call, remembered token or not: the cache saves the
    signature check, never the question whether the sign-in has ended since.
    """

    def __init__(
        self,
        inner: TokenVerifier,
        *,
        revocations: RevocationCheck | None = None,
        max_entries: int = 10_000,
    ) -> None:
        self.inner = inner
        self.revocations = revocations
        self.max_entries = max_entries
        self._verified: dict[str, Claims] = {}

    async def verify(self, token: str) -> Claims:
        claims = self._verified.get(token)
        if claims is None or claims.expires_at <= time.time():
            self._verified.pop(token, None)
            claims = await self.inner.verify(token)
            if len(self._verified) >= self.max_entries:
                self._verified.pop(next(iter(self._verified)))  # the oldest entry goes first
            self._verified[token] = claims
        return claims if self.revocations is None else await self.revocations.check(claims)
