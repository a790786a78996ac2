"""The revocation list: sign-ins that ended before their access tokens expired.

Access tokens are checked offline (signature, expiry), so signing out alone would leave the
session's tokens working for the rest of their minutes. Every user token therefore names its
sign-in (``sid``, the refresh-token family). When a sign-in ends (``logout``, or a reused
refresh token revoking the family) the auth service puts its ``sid`` on this list, and every
verifier (the router and each subgraph) refuses a token whose ``sid`` is listed, checked after
the signature on every request, cached verification or not.

The list lives in the cache port: Redis in production, shared by every router and subgraph
replica; the process-wide in-process cache in the embedded stack, where every service runs in one
process. An entry is kept as long as a token of that sign-in can still be presented (the longest
access-token lifetime plus clock leeway) and then expires by itself, so the list stays small.

Failing closed: when the list cannot be read, a token is refused (``AUTH_UNAVAILABLE``) rather
than let through unchecked.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from auth.tokens import Claims, InvalidToken
from infra.cache import Cache

log = logging.getLogger("dndcreator.auth.revocation")

KEY_PREFIX = "auth:revoked-session:"
# Verifiers' clocks may run a little behind the auth service's: keep entries this much longer.
CLOCK_LEEWAY = timedelta(minutes=1)


class RevocationUnavailable(Exception):
    """The revocation list could not be written (the cache is down)."""


class SessionRevocations:
    """Revoke a sign-in, and ask whether one is revoked."""

    def __init__(self, cache: Cache, *, key_prefix: str = KEY_PREFIX) -> None:
        self.cache = cache
        self.key_prefix = key_prefix

    def _key(self, session_id: str) -> str:
        return f"{self.key_prefix}{session_id}"

    async def revoke(self, session_id: str, *, tokens_live_for: timedelta) -> None:
        """List ``session_id`` for as long as a token of it may be presented."""
        keep = (tokens_live_for + CLOCK_LEEWAY).total_seconds()
        try:
            await self.cache.set(self._key(session_id), b"1", ttl=keep)
        except Exception as exc:  # Redis down: the caller must know the tokens still work
            raise RevocationUnavailable(
                f"the revocation list cannot be written: {exc.__class__.__name__}"
            ) from exc

    async def ping(self) -> None:
        """Raise if the list cannot be reached (the router's health)."""
        await self.cache.ping()

    async def is_revoked(self, session_id: str) -> bool:
        try:
            return await self.cache.get(self._key(session_id)) is not None
        except Exception as exc:
            log.warning("revocation list unreadable (%s); refusing tokens", exc.__class__.__name__)
            raise InvalidToken(
                "token revocations cannot be checked right now", code="AUTH_UNAVAILABLE"
            ) from None

    async def check(self, claims: Claims) -> Claims:
        """``claims`` back when their sign-in is still on; ``InvalidToken`` when it ended."""
        if claims.session is not None and await self.is_revoked(claims.session):
            raise InvalidToken("this session has been signed out; sign in again")
        return claims
