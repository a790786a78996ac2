"""Minting access tokens: for users after they sign in, and for services acting on their own.

Every token carries exactly the claims ``auth.tokens.verify_with_keys`` checks:
``iss``, ``aud``, ``typ="access"``, ``sub``, ``scope`` (space-separated), ``kind``, ``iat``,
``exp`` and ``jti``; a user token also names its sign-in as ``sid`` (the refresh-token family),
which is what signing out revokes (``auth.revocation``).

Service tokens
--------------
A service that must read another domain through the router (the llm subgraph searching the catalog
before it generates) presents a *service token*: ``kind="service"``, ``sub`` = the service's name,
``scope="service"``, a lifetime of minutes. Subgraphs see such a caller as a ``Viewer`` with
``is_service`` true; asking it for a ``user_id`` is FORBIDDEN, so a service can never pass for a
user. Mint one with ``mint_service_token(ring, "llm")`` inside the process that owns the key ring
(the embedded stack runs every service in one process and hands the minting function to them);
a service elsewhere gets the same token from ``POST /oauth/token`` (``auth.oauth``).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from auth.keys import KeyRing
from auth.tokens import AUDIENCE, ISSUER

SERVICE_SCOPE = "service"
DEFAULT_SERVICE_TOKEN_LIFETIME = timedelta(minutes=5)
_SERVICE_NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    expires_in: int  # seconds, as clients are told


async def mint_access_token(
    ring: KeyRing,
    *,
    subject: str,
    kind: str,
    scopes: tuple[str, ...],
    lifetime: timedelta,
    session: uuid.UUID | None = None,
) -> IssuedToken:
    """Sign an access token with the ring's active key."""
    if lifetime <= timedelta(0):
        raise ValueError("a token must live for some time")
    if lifetime > ring.policy.longest_token_lifetime:
        # The ring keeps a retired key public only this long; a longer-lived token would
        # outlive the key that verifies it.
        raise ValueError(
            f"tokens may live at most {ring.policy.longest_token_lifetime}, not {lifetime}"
        )
    key = await ring.signing_key()
    issued_at = int(ring.now().timestamp())
    seconds = int(lifetime.total_seconds())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "typ": "access",
        "sub": subject,
        "scope": " ".join(scopes),
        "kind": kind,
        "iat": issued_at,
        "exp": issued_at + seconds,
        # Unique per token, so a token replaced after a refusal is never the refused one again
        # (two tokens minted in the same second would otherwise be byte-for-byte equal).
        "jti": uuid.uuid4().hex,
    }
    if session is not None:
        claims["sid"] = str(session)
    return IssuedToken(
        token=ring.sign(key, claims),
        expires_at=ring.now() + lifetime,
        expires_in=seconds,
    )


async def mint_user_token(
    ring: KeyRing,
    user_id: uuid.UUID,
    scopes: tuple[str, ...],
    lifetime: timedelta,
    *,
    session: uuid.UUID,
) -> IssuedToken:
    """A token for ``user_id`` in the sign-in ``session`` (its refresh-token family)."""
    return await mint_access_token(
        ring, subject=str(user_id), kind="user", scopes=scopes, lifetime=lifetime, session=session
    )


def check_service_name(service: str) -> str:
    """Service names are short lower-case words, never UUID-shaped (so never a user's ID)."""
    if not _SERVICE_NAME.fullmatch(service):
        raise ValueError(f"{service!r} is not a service name (lower-case letters, digits, '-')")
    try:
        uuid.UUID(service)
    except ValueError:
        return service
    raise ValueError(f"{service!r} looks like a user ID and cannot name a service")


async def mint_service_token(
    ring: KeyRing, service: str, *, lifetime: timedelta = DEFAULT_SERVICE_TOKEN_LIFETIME
) -> IssuedToken:
    """A short-lived token for ``service`` itself: ``kind="service"``, ``scope="service"``."""
    return await mint_access_token(
        ring,
        subject=check_service_name(service),
        kind="service",
        scopes=(SERVICE_SCOPE,),
        lifetime=lifetime,
    )
