"""Access tokens: JWKS, verification elsewhere, key rotation, tampering, service tokens."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws
from sqlalchemy import select

from auth.issuing import check_service_name, mint_service_token
from auth.keys import KeyRing, KeyRingVerifier
from auth.models import SigningKeyRow
from auth.tokens import AUDIENCE, ISSUER, InvalidToken, JwksVerifier
from tests.auth.harness import JWKS_URL, AuthHarness, running_auth
from tests.support import gql


def _kid(token: str) -> str:
    kid = jws.extract_compact(token.encode()).headers()["kid"]
    assert isinstance(kid, str)
    return kid


def _verifier(auth: AuthHarness) -> JwksVerifier:
    """A verifier as other subgraphs use it, fetching the JWKS from the app over ASGI."""
    return JwksVerifier(JWKS_URL, client=auth.http)


async def _kids_published(auth: AuthHarness) -> list[str]:
    response = await auth.http.get("/.well-known/jwks.json")
    return [key["kid"] for key in response.json()["keys"]]


async def test_tokens_verify_with_the_jwks_and_tampering_is_caught(auth: AuthHarness) -> None:
    response = await auth.http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age=" in response.headers["cache-control"]
    [key] = response.json()["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)  # no private parameters

    registered = await auth.register()
    claims = await _verifier(auth).verify(registered["accessToken"])
    assert claims.subject == registered["user"]["id"]
    assert (claims.kind, claims.scopes) == ("user", frozenset({"user"}))
    assert (claims.raw["iss"], claims.raw["aud"], claims.raw["typ"]) == (ISSUER, AUDIENCE, "access")
    assert claims.raw["exp"] - claims.raw["iat"] == 15 * 60
    assert _kid(registered["accessToken"]) in await _kids_published(auth)

    # Claiming to be someone else, dropping the signature or damaging it: all rejected.
    victim = registered
    mallory = await auth.register(email="mallory@example.org", name="Mallory")
    header, payload, signature = mallory["accessToken"].split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["sub"] = victim["user"]["id"]  # claim to be someone else, keep the old signature
    forged_payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_payload}.{signature}"
    unsigned_header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    unsigned = f"{unsigned_header}.{forged_payload}."

    for token in (forged, unsigned, mallory["accessToken"][:-4] + "AAAA"):
        with pytest.raises(InvalidToken):
            await _verifier(auth).verify(token)
        assert (await auth.me(token))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_rotation_publishes_ahead_then_switches_then_retires(auth: AuthHarness) -> None:
    old_token = (await auth.register())["accessToken"]
    [old_kid] = await _kids_published(auth)
    assert _kid(old_token) == old_kid

    auth.clock.advance(days=29)  # a day before rotation is due, the successor is published
    published = await _kids_published(auth)
    assert len(published) == 2 and old_kid in published
    [new_kid] = [kid for kid in published if kid != old_kid]
    assert _kid((await auth.login())["accessToken"]) == old_kid  # ... but does not sign yet

    auth.clock.advance(days=1, minutes=1)  # past day 30: the new key signs
    new_token = (await auth.login())["accessToken"]
    assert _kid(new_token) == new_kid
    assert set(await _kids_published(auth)) == {old_kid, new_kid}
    verifier = _verifier(auth)
    assert (await verifier.verify(old_token)).kind == "user"  # still valid until it expires
    assert (await verifier.verify(new_token)).kind == "user"
    assert (await auth.me(new_token))["data"]["me"] is not None

    auth.clock.advance(minutes=20)  # every token the old key signed has expired: it retires
    assert await _kids_published(auth) == [new_kid]
    with pytest.raises(InvalidToken):
        await _verifier(auth).verify(old_token)
    async with auth.runtime.sessions() as session:
        old_row = (
            await session.execute(select(SigningKeyRow).where(SigningKeyRow.kid == old_kid))
        ).scalar_one()
    assert old_row.is_deleted and old_row.private_jwk is None  # kept for the record, unable to sign


async def test_service_tokens(auth: AuthHarness) -> None:
    ring = auth.tools.ring
    issued = await auth.tools.mint_service_token("llm")
    assert issued.expires_in == 5 * 60
    for verifier in (_verifier(auth), KeyRingVerifier(ring)):
        claims = await verifier.verify(issued.token)
        assert (claims.subject, claims.kind, claims.scopes) == (
            "llm",
            "service",
            frozenset({"service"}),
        )

    as_service = await gql(
        auth.http, "{ me { id } }", headers={"Authorization": f"Bearer {issued.token}"}
    )
    assert as_service["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # a service is no user

    with pytest.raises(ValueError, match="at most"):
        await mint_service_token(ring, "llm", lifetime=timedelta(hours=2))


@pytest.mark.parametrize(
    "name", ["", "LLM", "llm service", "1llm", "a" * 64, "abcdef12-3456-7890-abcd-ef1234567890"]
)
def test_service_names_cannot_pass_for_users(name: str) -> None:
    with pytest.raises(ValueError):
        check_service_name(name)


async def test_instances_share_one_ring_even_when_racing(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", postgres_url)
    async with running_auth() as auth:
        ring = auth.tools.ring
        other = KeyRing(auth.runtime.sessions, ring.policy, clock=auth.clock)  # a second instance
        await other.reload()
        assert [k.kid for k in await other.published()] == [k.kid for k in await ring.published()]

        auth.clock.advance(days=29)  # both instances now want to create the successor at once
        await asyncio.gather(ring.reload(), other.reload())
        ours, theirs = await ring.published(), await other.published()
        assert [k.kid for k in ours] == [k.kid for k in theirs]
        assert [k.generation for k in ours] == [1, 2]


async def test_cached_keys_outlive_a_database_outage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # About caching, not about the database: SQLite alone is enough.
    monkeypatch.setenv("AUTH_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    async with running_auth() as auth:
        await _outage(auth)


async def _outage(auth: AuthHarness) -> None:
    sessions = _Switchable(auth.runtime.sessions)
    ring = KeyRing(sessions, auth.tools.ring.policy, clock=auth.clock)
    sessions.working = False
    with pytest.raises(OSError):
        await ring.reload()  # nothing cached yet: the failure shows
    sessions.working = True
    await ring.reload()
    before = await ring.jwks()
    sessions.working = False
    await ring.reload()  # with keys cached it keeps going
    assert await ring.jwks() == before
    assert (await ring.signing_key()).kid == before["keys"][0]["kid"]


class _Switchable:
    """A session factory whose database can be switched off."""

    def __init__(self, sessions: Any) -> None:
        self.sessions, self.working = sessions, True

    def __call__(self) -> Any:
        if not self.working:
            raise OSError("database unreachable")
        return self.sessions()
