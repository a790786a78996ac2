"""Rate limits: per identity, fixed and sliding windows, on the in-process cache and real Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from auth.tokens import StaticKeyVerifier
from infra.cache import Cache, MemoryCache, create_cache
from router.edge.config import EdgeConfig, RateLimitPolicy
from router.edge.rate_limit import RateLimiter
from tests.conftest import require_redis
from tests.router.conftest import RouterFactory, SigningKeys

QUERY = {"query": '{ character(id: "c1") { name } }'}


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield MemoryCache()
        return
    require_redis()
    redis_cache = create_cache("redis://127.0.0.1:6379/0")
    try:
        yield redis_cache
    finally:
        await redis_cache.close()


def policy(**overrides: object) -> RateLimitPolicy:
    """A policy whose counters no other test (or earlier run against the same Redis) shares."""
    values: dict[str, object] = {"requests": 3, "window": 60.0,
                                 "key_prefix": f"test:rate:{uuid.uuid4().hex}"}
    return RateLimitPolicy(**(values | overrides))  # type: ignore[arg-type]


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_requests_over_the_limit_get_429_rate_limited_with_retry_after(
    make_router: RouterFactory, cache: Cache,
) -> None:
    router = await make_router(edge=EdgeConfig(rate_limit=policy()), cache=cache)
    for _ in range(3):
        allowed = await router.post("/graphql", json=QUERY)
        assert allowed.status_code == 200
        assert allowed.json()["data"] == {"character": {"name": "Aria"}}
    refused = await router.post("/graphql", json=QUERY)
    assert refused.status_code == 429
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert error["extensions"]["retryAfter"] == retry_after
    # health checks are not counted, so probes keep working while clients are throttled
    assert (await router.get("/health")).status_code == 200


async def test_a_verified_subject_has_its_own_budget_and_bad_tokens_pay_from_the_ip(
    make_router: RouterFactory, cache: Cache, signing_keys: SigningKeys,
) -> None:
    router = await make_router(edge=EdgeConfig(rate_limit=policy(requests=2)), cache=cache,
                               verifier=StaticKeyVerifier(signing_keys.public))
    alice = {"authorization": f"Bearer {signing_keys.token(sub='alice')}"}
    bob = {"authorization": f"Bearer {signing_keys.token(sub='bob')}"}
    forged = {"authorization": "Bearer not-a-token"}

    assert (await router.post("/graphql", json=QUERY, headers=forged)).status_code == 401
    assert (await router.post("/graphql", json=QUERY)).status_code == 200
    # the IP's budget (2) is spent by the forged token and the anonymous request
    assert (await router.post("/graphql", json=QUERY)).status_code == 429
    assert (await router.post("/graphql", json=QUERY, headers=forged)).status_code == 429

    for _ in range(2):
        assert (await router.post("/graphql", json=QUERY, headers=alice)).status_code == 200
    assert (await router.post("/graphql", json=QUERY, headers=alice)).status_code == 429
    assert (await router.post("/graphql", json=QUERY, headers=bob)).status_code == 200


async def test_forwarded_for_is_used_only_behind_trusted_proxies(
    make_router: RouterFactory, cache: Cache,
) -> None:
    trusting = await make_router(
        edge=EdgeConfig(rate_limit=policy(requests=1, trusted_proxies=1)), cache=cache)
    # the client wrote the first entry itself; our one proxy appended the real address
    first = {"x-forwarded-for": "6.6.6.6, 10.0.0.1"}
    second = {"x-forwarded-for": "6.6.6.6, 10.0.0.2"}
    assert (await trusting.post("/graphql", json=QUERY, headers=first)).status_code == 200
    assert (await trusting.post("/graphql", json=QUERY, headers=second)).status_code == 200
    assert (await trusting.post("/graphql", json=QUERY, headers=first)).status_code == 429

    direct = await make_router(edge=EdgeConfig(rate_limit=policy(requests=1)), cache=cache)
    assert (await direct.post("/graphql", json=QUERY, headers=first)).status_code == 200
    assert (await direct.post("/graphql", json=QUERY, headers=second)).status_code == 429


async def test_fixed_window_starts_afresh_in_the_next_window(cache: Cache) -> None:
    clock = FakeClock(1_000_040.0)  # windows start at multiples of 60: 20 s into one
    limiter = RateLimiter(cache, policy(requests=2), clock=clock)
    assert (await limiter.hit("ip:1")).allowed
    assert (await limiter.hit("ip:1")).allowed
    refused = await limiter.hit("ip:1")
    assert not refused.allowed
    assert refused.retry_after == 40
    assert (await limiter.hit("ip:2")).allowed  # another identity is unaffected
    clock.now += refused.retry_after
    assert (await limiter.hit("ip:1")).allowed


async def test_sliding_window_has_no_boundary_burst_and_retry_after_is_exact(
    cache: Cache,
) -> None:
    clock = FakeClock(1_000_070.0)  # 50 s into a 60 s window
    limiter = RateLimiter(cache, policy(requests=4, kind="sliding"), clock=clock)
    for identity in ("sub:a", "sub:b"):  # two clients in the same state
        for _ in range(4):
            assert (await limiter.hit(identity)).allowed
    clock.now = 1_000_081.0  # 1 s into the next window: a fixed window would allow 4 more
    refused = {identity: await limiter.hit(identity) for identity in ("sub:a", "sub:b")}
    assert not refused["sub:a"].allowed
    wait = refused["sub:a"].retry_after
    assert wait == refused["sub:b"].retry_after
    assert 1 < wait < 60
    start = clock.now
    clock.now = start + wait - 1
    assert not (await limiter.hit("sub:b")).allowed  # a second early is still too early
    clock.now = start + wait
    assert (await limiter.hit("sub:a")).allowed  # the advertised wait is enough


async def test_an_unreachable_cache_lets_requests_through() -> None:
    broken = create_cache("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        limiter = RateLimiter(broken, policy(requests=1))
        assert (await limiter.hit("ip:1")).allowed
        assert (await limiter.hit("ip:1")).allowed
    finally:
        await broken.close()


async def test_rate_limit_is_off_unless_configured(router: httpx.AsyncClient) -> None:
    statuses = {(await router.post("/graphql", json=QUERY)).status_code for _ in range(20)}
    assert statuses == {200}


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="requests"):
        RateLimitPolicy(requests=0)
    with pytest.raises(ValueError, match="window"):
        RateLimitPolicy(window=0)
    with pytest.raises(ValueError, match="kind"):
        RateLimitPolicy(kind="leaky")  # type: ignore[arg-type]
