"""Signing out ends the session's access tokens at once, not when they expire (issue 9, hole 2).

Access tokens name their sign-in (``sid``); ``logout`` and a reused refresh token put it on the
revocation list in the cache port, which every verifier asks after the signature, cached or not.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from joserfc import jws

from auth.revocation import CLOCK_LEEWAY, SessionRevocations
from auth.tokens import CachedVerifier, InvalidToken
from infra.cache import Cache, MemoryCache, RedisCache
from tests.auth.harness import AuthHarness
from tests.auth.test_cached_verifier import CountingVerifier
from tests.conftest import REDIS_HOST, REDIS_PORT, require_redis
from tests.support import TokenFactory, free_port

LIFETIME = timedelta(minutes=15)


def _unverified_claims(token: str) -> dict[str, object]:
    claims: dict[str, object] = json.loads(jws.extract_compact(token.encode()).payload)
    return claims


def _code(body: dict[str, object]) -> str:
    errors = body["errors"]
    assert isinstance(errors, list)
    return str(errors[0]["extensions"]["code"])


async def test_user_tokens_name_their_sign_in(auth: AuthHarness) -> None:
    registered = await auth.register()
    refreshed = await auth.refresh(registered["refreshToken"])
    first, second = (_unverified_claims(p["accessToken"]) for p in (registered, refreshed))
    assert first["sid"] == second["sid"]  # one sign-in across refreshes
    uuid.UUID(str(first["sid"]))
    assert first["jti"] != second["jti"]
    other = _unverified_claims((await auth.login())["accessToken"])
    assert other["sid"] != first["sid"]  # another sign-in, another session


async def test_logout_ends_the_access_tokens_of_that_sign_in_only(auth: AuthHarness) -> None:
    registered = await auth.register()
    access = registered["accessToken"]
    older = (await auth.refresh(registered["refreshToken"]))
    other_device = await auth.login()
    assert (await auth.me(access))["data"]["me"]["id"] == registered["user"]["id"]

    assert await auth.logout(older["refreshToken"]) == {"signedOut": True, "userErrors": []}

    for token in (access, older["accessToken"]):  # every access token of the sign-in
        refused = await auth.me(token)
        assert _code(refused) == "UNAUTHENTICATED"
        assert "signed out" in refused["errors"][0]["message"]
    # The same user's other sign-in goes on.
    assert (await auth.me(other_device["accessToken"]))["data"]["me"] is not None


async def test_reused_refresh_token_ends_the_family_access_tokens(auth: AuthHarness) -> None:
    registered = await auth.register()
    stolen = registered["refreshToken"]
    rightful = await auth.refresh(stolen)
    assert (await auth.me(rightful["accessToken"]))["data"]["me"] is not None

    await auth.refresh(stolen)  # the thief replays the used refresh token

    for token in (registered["accessToken"], rightful["accessToken"]):
        assert _code(await auth.me(token)) == "UNAUTHENTICATED"


async def test_sign_out_with_the_list_down_says_so_and_a_retry_finishes(
    auth: AuthHarness,
) -> None:
    registered = await auth.register()
    working = auth.tools.revocations.cache
    # A Redis nobody listens on: the write fails the way it does when Redis is down.
    auth.tools.revocations.cache = RedisCache.from_url(f"redis://127.0.0.1:{free_port()}/0")
    try:
        failed = await auth.logout(registered["refreshToken"])
    finally:
        await auth.tools.revocations.cache.close()
        auth.tools.revocations.cache = working
    assert failed["signedOut"] is False
    assert [e["code"] for e in failed["userErrors"]] == ["SIGN_OUT_INCOMPLETE"]
    # The refresh token is revoked already; signing out again revokes the access tokens too.
    assert await auth.logout(registered["refreshToken"]) == {"signedOut": True, "userErrors": []}
    assert _code(await auth.me(registered["accessToken"])) == "UNAUTHENTICATED"


async def _cached_token_is_refused_after_revocation(cache: Cache, prefix: str) -> None:
    tokens = TokenFactory()
    counting = CountingVerifier(tokens)
    revocations = SessionRevocations(cache, key_prefix=prefix)
    verifier = CachedVerifier(counting, revocations=revocations)
    session = str(uuid.uuid4())
    token = tokens.mint(sid=session)
    unrelated = tokens.mint(sid=str(uuid.uuid4()))
    assert (await verifier.verify(token)).session == session
    await verifier.verify(token)
    assert counting.calls == 1  # the second time came from the cache

    await revocations.revoke(session, tokens_live_for=LIFETIME)

    with pytest.raises(InvalidToken, match="signed out"):
        await verifier.verify(token)
    assert counting.calls == 1  # refused by the list, though its signature check was cached
    assert (await verifier.verify(unrelated)).subject  # other sessions are untouched
    no_session = tokens.mint(kind="service")  # service tokens have no sign-in to end
    assert (await verifier.verify(no_session)).session is None


async def test_the_verification_cache_never_outlives_a_revocation() -> None:
    await _cached_token_is_refused_after_revocation(MemoryCache(), "test:")


async def test_entries_last_as_long_as_the_tokens_and_then_go() -> None:
    now = [1000.0]
    cache = MemoryCache(clock=lambda: now[0])
    revocations = SessionRevocations(cache)
    await revocations.revoke("s-1", tokens_live_for=LIFETIME)
    now[0] += (LIFETIME + CLOCK_LEEWAY).total_seconds() - 1
    assert await revocations.is_revoked("s-1")
    now[0] += 2
    assert not await revocations.is_revoked("s-1")  # every token of it has expired by now


async def test_an_unreadable_list_refuses_tokens() -> None:
    tokens = TokenFactory()
    down = RedisCache.from_url(f"redis://127.0.0.1:{free_port()}/0")
    verifier = CachedVerifier(tokens.verifier, revocations=SessionRevocations(down))
    try:
        with pytest.raises(InvalidToken) as refused:
            await verifier.verify(tokens.mint(sid=str(uuid.uuid4())))
    finally:
        await down.close()
    assert refused.value.code == "AUTH_UNAVAILABLE"


@pytest.fixture
async def redis_caches() -> AsyncIterator[tuple[RedisCache, RedisCache, str]]:
    """Two clients of one real Redis (two processes' worth), and a key prefix of this test's."""
    require_redis()
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    first, second = RedisCache.from_url(url), RedisCache.from_url(url)
    yield first, second, f"test:revoked:{uuid.uuid4().hex}:"
    await first.close()
    await second.close()


async def test_on_redis_the_cached_token_is_refused_after_revocation(
    redis_caches: tuple[RedisCache, RedisCache, str],
) -> None:
    cache, _, prefix = redis_caches
    await _cached_token_is_refused_after_revocation(cache, prefix)


async def test_revoked_through_one_verifier_is_refused_by_another_sharing_redis(
    redis_caches: tuple[RedisCache, RedisCache, str],
) -> None:
    router_cache, subgraph_cache, prefix = redis_caches
    tokens = TokenFactory()
    router = CachedVerifier(tokens.verifier, revocations=SessionRevocations(router_cache,
                                                                            key_prefix=prefix))
    subgraph = CachedVerifier(tokens.verifier, revocations=SessionRevocations(subgraph_cache,
                                                                              key_prefix=prefix))
    session = str(uuid.uuid4())
    token = tokens.mint(sid=session)
    await router.verify(token)
    await subgraph.verify(token)

    # The auth service revokes through its own client of the same Redis.
    await SessionRevocations(router_cache, key_prefix=prefix).revoke(
        session, tokens_live_for=LIFETIME
    )

    for verifier in (router, subgraph):
        with pytest.raises(InvalidToken, match="signed out"):
            await verifier.verify(token)
    # Kept until the last token of the sign-in has expired, not forever.
    expires_in_ms = await router_cache._redis.pttl(f"{prefix}{session}")
    assert 0 < expires_in_ms <= (LIFETIME + CLOCK_LEEWAY).total_seconds() * 1000
    await router_cache.delete(f"{prefix}{session}")
