"""Service guarantees with a hosted model configured (a loopback OpenAI server): the cache of
identical requests, per-user rate limits shared by replicas, token accounting with a daily
quota, and the metrics that show them. Each runs on the in-process cache and on real Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from infra.cache import create_cache
from infra.config import Settings
from subgraphs.llm.app import build
from subgraphs.llm.config import LlmSettings
from subgraphs.llm.limits import RateLimited, RateLimiter
from tests.conftest import REDIS_HOST, REDIS_PORT, require_redis
from tests.subgraphs.llm.loopback_models import OpenAIServer
from tests.support import TokenFactory, asgi_client, gql

GENERATE = """mutation($input: GenerateInput!) {
  generate(input: $input) {
    generation {
      id output provider model cached attempts { failure } promptTokens completionTokens
    }
    userErrors { code }
  }
}"""
USAGE = """{ myUsage { quotaTokens usedToday remainingToday resetsAt
  entries { day purpose requests promptTokens completionTokens } } }"""


@dataclass
class Llm:
    http: httpx.AsyncClient
    server: OpenAIServer

    async def generate(
        self, auth: dict[str, str], prompt: str = "a clockwork owl", **fields: Any
    ) -> dict[str, Any]:
        return await gql(self.http, GENERATE, {"input": {"prompt": prompt, **fields}}, auth)

    async def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        page = (await self.http.get("/metrics")).text
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(page)
            for sample in family.samples
        }


LlmFactory = Callable[..., AbstractAsyncContextManager[Llm]]


@pytest.fixture(params=["memory", "redis"])
def llm_factory(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> LlmFactory:
    """Makes llm services sharing one database, one cache and one token factory (replicas)."""
    cache_url = None
    if request.param == "redis":
        require_redis()
        cache_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    prefix = f"test-llm-{uuid.uuid4().hex}:"  # our own keys in the shared Redis
    monkeypatch.setenv("LLM_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'llm.db'}")
    tokens = TokenFactory()
    server = OpenAIServer()

    @asynccontextmanager
    async def make(**limits: Any) -> AsyncIterator[Llm]:
        async with server.serve() as base_url:
            llm_settings = replace(
                LlmSettings.from_env({"LLM_BASE_URL": base_url, "LLM_MODELS": "main,spare"}),
                cache_prefix=prefix,
                **limits,
            )
            settings = replace(Settings.from_env(), redis_url=cache_url)
            app = build(settings, tokens.verifier, llm_settings=llm_settings)
            async with asgi_client(app) as http:
                yield Llm(http, server)

    make.tokens = tokens  # type: ignore[attr-defined]
    make.shared = cache_url is not None  # type: ignore[attr-defined]  # replicas share limits
    return make


async def test_identical_requests_are_answered_from_the_cache(llm_factory: LlmFactory) -> None:
    auth = llm_factory.tokens.headers(uuid.uuid4())  # type: ignore[attr-defined]
    async with llm_factory() as llm:
        first = (await llm.generate(auth))["data"]["generate"]["generation"]
        again = (await llm.generate(auth))["data"]["generate"]["generation"]
        other = (await llm.generate(auth, purpose="ITEM"))["data"]["generate"]["generation"]
        assert (first["provider"], first["model"], first["cached"]) == ("openai", "main", False)
        assert first["output"].startswith("Loopback answer from main")
        assert again["cached"] is True and again["output"] == first["output"]
        assert again["id"] != first["id"]  # a generation of its own, from the stored answer
        assert other["cached"] is False  # another purpose is another request
        assert llm.server.calls_to("main") == 2
        metrics = await llm.metrics()
        assert metrics[("llm_cache_lookups_total", (("result", "hit"),))] == 1
        assert metrics[("llm_cache_lookups_total", (("result", "miss"),))] == 2
        ok = (
            "llm_requests_total",
            (("outcome", "ok"), ("provider", "openai"), ("purpose", "GENERAL")),
        )
        cached = (
            "llm_requests_total",
            (("outcome", "cached"), ("provider", "openai"), ("purpose", "GENERAL")),
        )
        assert (metrics[ok], metrics[cached]) == (1, 1)
        prompt_tokens = (
            "llm_tokens_total",
            (("direction", "prompt"), ("provider", "openai"), ("purpose", "GENERAL")),
        )
        assert metrics[prompt_tokens] == first["promptTokens"]  # the cache hit cost nothing
        assert (
            metrics[("llm_request_seconds_count", (("provider", "openai"), ("purpose", "GENERAL")))]
            == 2
        )
    # Another replica: with Redis it shares the answers; in process each has its own cache.
    async with llm_factory() as replica:
        shared = (await replica.generate(auth))["data"]["generate"]["generation"]
        assert shared["cached"] is llm_factory.shared  # type: ignore[attr-defined]


async def test_the_fallback_and_its_attempts_are_visible(llm_factory: LlmFactory) -> None:
    from tests.subgraphs.llm.loopback_models import Fail

    auth = llm_factory.tokens.headers(uuid.uuid4())  # type: ignore[attr-defined]
    async with llm_factory() as llm:
        llm.server.script("main", Fail(401, "invalid key"))
        made = (await llm.generate(auth, prompt="a fallen star"))["data"]["generate"]["generation"]
        assert made["model"] == "spare"
        assert made["attempts"] == [{"failure": "REFUSED"}]
        metrics = await llm.metrics()
        assert (
            metrics[("llm_fallbacks_total", (("answered_by", "openai"), ("purpose", "GENERAL")))]
            == 1
        )


async def test_rate_limits_are_per_user_and_shared_by_replicas(llm_factory: LlmFactory) -> None:
    tokens = llm_factory.tokens  # type: ignore[attr-defined]
    shared: bool = llm_factory.shared  # type: ignore[attr-defined]
    alice, bob = tokens.headers(uuid.uuid4()), tokens.headers(uuid.uuid4())
    async with llm_factory(text_per_minute=3) as one, llm_factory(text_per_minute=3) as two:
        for n in range(3):
            assert (await one.generate(alice, prompt=f"idea {n}"))["data"]["generate"]["generation"]
        limited = await one.generate(alice, prompt="one too many")
        error = limited["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert 1 <= error["extensions"]["retryAfterSeconds"] <= 60
        assert error["extensions"]["limitPerMinute"] == 3
        assert "at most 3 a minute" in error["message"]
        assert one.server.calls_to("main") == 3  # the refused request never reached the model
        assert (await one.generate(bob, prompt="bob's idea"))["data"]["generate"]["generation"]
        on_the_other_replica = await two.generate(alice, prompt="elsewhere")
        if shared:  # Redis: every replica counts in the same window
            assert on_the_other_replica["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        else:  # in process, each replica counts on its own
            assert on_the_other_replica["data"]["generate"]["generation"]


async def test_concurrent_requests_never_exceed_the_limit(llm_factory: LlmFactory) -> None:
    auth = llm_factory.tokens.headers(uuid.uuid4())  # type: ignore[attr-defined]
    async with llm_factory(text_per_minute=5) as llm:
        results = await asyncio.gather(*(llm.generate(auth, prompt=f"idea {n}") for n in range(12)))
        made = [r for r in results if r.get("data") and r["data"]["generate"]]
        limited = [r for r in results if r.get("errors")]
        assert (len(made), len(limited)) == (5, 7)
        assert {r["errors"][0]["extensions"]["code"] for r in limited} == {"RATE_LIMITED"}


async def test_usage_is_counted_and_the_quota_refuses_before_any_model_call(
    llm_factory: LlmFactory,
) -> None:
    tokens = llm_factory.tokens  # type: ignore[attr-defined]
    owner = uuid.uuid4()
    auth = tokens.headers(owner)
    async with llm_factory(daily_token_quota=60) as llm:
        first = (await llm.generate(auth, prompt="a drowned bell"))["data"]["generate"]
        second = (await llm.generate(auth, prompt="a kind ogre", purpose="NPC"))["data"]["generate"]
        spent = sum(
            g["generation"]["promptTokens"] + g["generation"]["completionTokens"]
            for g in (first, second)
        )
        report = (await gql(llm.http, USAGE, {}, auth))["data"]["myUsage"]
        assert report["usedToday"] == spent
        assert report["quotaTokens"] == 60
        assert report["remainingToday"] == max(60 - spent, 0)
        by_purpose = {e["purpose"]: e for e in report["entries"]}
        assert set(by_purpose) == {"GENERAL", "NPC"}
        assert by_purpose["NPC"]["requests"] == 1
        assert by_purpose["NPC"]["promptTokens"] == second["generation"]["promptTokens"]
        calls = llm.server.calls_to("main")
        # Keep asking until the quota is used up: then a clear refusal, and no model call.
        for n in range(10):
            answer = await llm.generate(auth, prompt=f"another idea {n}")
            if answer.get("errors"):
                break
            calls += 1
        error = answer["errors"][0]
        assert error["extensions"]["code"] == "QUOTA_EXCEEDED"
        assert error["extensions"]["quotaTokens"] == 60
        assert "resets at" in error["message"]
        assert llm.server.calls_to("main") == calls
        stranger = (await gql(llm.http, USAGE, {}, tokens.headers(uuid.uuid4())))["data"]
        assert stranger["myUsage"]["usedToday"] == 0 and stranger["myUsage"]["entries"] == []
        bad = await gql(llm.http, "{ myUsage(days: 0) { usedToday } }", {}, auth)
        assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_retry_time_counts_down_from_the_window_s_first_request() -> None:
    now = [1000.0]
    limiter = RateLimiter(create_cache(None), {"text": 2, "image": 0}, "t:", clock=lambda: now[0])
    user = uuid.uuid4()
    await limiter.admit(user, "text")
    now[0] += 20
    await limiter.admit(user, "text")
    now[0] += 15
    with pytest.raises(RateLimited) as limited:
        await limiter.admit(user, "text")
    assert limited.value.retry_after == pytest.approx(25.0)
    for _ in range(50):
        await limiter.admit(user, "image")  # 0 means no limit


class BrokenCache:
    """A cache whose server is gone."""

    async def incr(self, key: str, *, amount: int = 1, ttl: float | None = None) -> int:
        raise ConnectionError("cache unreachable")


async def test_a_cache_outage_lets_requests_through_rather_than_refusing_all() -> None:
    limiter = RateLimiter(BrokenCache(), {"text": 1}, "t:")  # type: ignore[arg-type]
    for _ in range(3):
        await limiter.admit(uuid.uuid4(), "text")
