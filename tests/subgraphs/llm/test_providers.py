"""The hosted providers and the fallback chain: the real ``openai`` and ``anthropic`` clients
talking to loopback servers that speak their protocols (``loopback_models``), never mocks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

import pytest
import pytest_asyncio

from subgraphs.llm.chain import Candidate, ChainPolicy, FallbackGenerator
from subgraphs.llm.config import LlmSettings
from subgraphs.llm.gate import PriorityGate
from subgraphs.llm.generator import (
    Completion,
    Delta,
    FailureKind,
    Priority,
    Restart,
    StreamEvent,
    TextGenerationFailed,
    TextRequest,
)
from subgraphs.llm.metrics import LlmMetrics
from subgraphs.llm.offline import OfflineTextGenerator
from subgraphs.llm.providers.anthropic_provider import AnthropicProvider
from subgraphs.llm.providers.assembly import build_generator
from subgraphs.llm.providers.openai_provider import OpenAIProvider
from subgraphs.llm.purposes import PURPOSES
from subgraphs.llm.purposes.base import strict_object, text_list
from tests.subgraphs.llm.loopback_models import AnthropicServer, Fail, OpenAIServer, Reply

FAST = ChainPolicy(
    attempt_timeout=2.0,
    deadline=10.0,
    retries=2,
    backoff_initial=0.01,
    backoff_max=0.05,
    max_retry_after=1.0,
    breaker_failures=5,
    breaker_reset=60.0,
)
TRAITS = strict_object({"name": {"type": "string"}, "traits": text_list(2, 4)})


def data_request(purpose: str = "GENERAL") -> TextRequest:
    plain = PURPOSES["GENERAL"].request({"prompt": "a moth-winged bard"})
    return replace(plain, purpose=purpose, schema=TRAITS)


def prose_request() -> TextRequest:
    return PURPOSES["GENERAL"].request({"prompt": "narrate a storm over the harbour"})


@pytest_asyncio.fixture
async def openai_server() -> AsyncIterator[tuple[OpenAIServer, OpenAIProvider]]:
    server = OpenAIServer()
    async with server.serve() as base_url:
        provider = OpenAIProvider(api_key="sk-test", base_url=base_url)
        yield server, provider
        await provider.close()


def chain(
    provider: OpenAIProvider,
    models: Sequence[str] = ("primary", "fallback"),
    *,
    offline: bool = True,
    policy: ChainPolicy = FAST,
    metrics: LlmMetrics | None = None,
) -> FallbackGenerator:
    candidates = [Candidate(provider, model) for model in models]
    return FallbackGenerator(
        lambda purpose: candidates,
        offline=OfflineTextGenerator() if offline else None,
        policy=policy,
        metrics=metrics,
    )


async def collect(events: AsyncIterator[StreamEvent]) -> list[StreamEvent]:
    return [event async for event in events]


# -- one provider, one call ------------------------------------------------------------------------


async def test_structured_output_goes_as_a_strict_json_schema_and_comes_back_as_data(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    completion = await provider.complete(data_request(), "gpt-4o", time_limit=5)
    sent = server.requests[-1]
    assert sent["model"] == "gpt-4o"
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["strict"] is True
    assert sent["response_format"]["json_schema"]["schema"] == TRAITS
    assert server.headers[-1]["authorization"] == "Bearer sk-test"
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert completion.data == {
        "name": "Loopback name",
        "traits": ["Loopback traits 1", "Loopback traits 2"],
    }
    assert (completion.provider, completion.model) == ("openai", "gpt-4o")
    assert completion.prompt_tokens > 0 and completion.completion_tokens > 0


async def test_prose_streams_in_pieces_with_the_usage_of_the_last_chunk(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("gpt-4o", Reply("The storm came in low over the masts."))
    events = await collect(provider.stream(prose_request(), "gpt-4o", time_limit=5))
    deltas = [e.text for e in events if isinstance(e, Delta)]
    final = events[-1]
    assert isinstance(final, Completion)
    assert len(deltas) == 8
    assert "".join(deltas) == final.text == "The storm came in low over the masts."
    assert final.completion_tokens == 8  # the server's count, from the usage chunk
    assert server.requests[-1]["stream"] is True
    assert server.requests[-1]["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(
    ("failure", "kind", "retry_after"),
    [
        (Fail(429, headers={"Retry-After": "3"}), FailureKind.RATE_LIMITED, 3.0),
        (Fail(429, headers={"retry-after-ms": "250"}), FailureKind.RATE_LIMITED, 0.25),
        (Fail(503), FailureKind.SERVER_ERROR, None),
        (Fail(401, "bad key"), FailureKind.REFUSED, None),
    ],
)
async def test_errors_are_classified(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
    failure: Fail,
    kind: FailureKind,
    retry_after: float | None,
) -> None:
    server, provider = openai_server
    server.script("gpt-4o", failure)
    with pytest.raises(Exception) as raised:
        await provider.complete(prose_request(), "gpt-4o", time_limit=5)
    assert getattr(raised.value, "kind", None) is kind
    assert getattr(raised.value, "retry_after", None) == retry_after


# -- the chain: retries, fallback, breakers, deadlines ---------------------------------------------


async def test_a_429_is_retried_after_its_retry_after_on_the_same_model(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", Fail(429, headers={"Retry-After": "0.3"}))
    started = time.monotonic()
    completion = await chain(provider).generate(data_request())
    assert time.monotonic() - started >= 0.3  # it waited as told
    assert (completion.provider, completion.model) == ("openai", "primary")
    assert [(a.model, a.kind) for a in completion.attempts] == [
        ("primary", FailureKind.RATE_LIMITED)
    ]
    assert server.calls_to("primary") == 2 and server.calls_to("fallback") == 0


async def test_a_long_retry_after_falls_back_at_once(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", Fail(429, headers={"Retry-After": "120"}))
    completion = await chain(provider).generate(data_request())
    assert completion.model == "fallback"
    assert server.calls_to("primary") == 1
    assert [a.kind for a in completion.attempts] == [FailureKind.RATE_LIMITED]


async def test_5xx_is_retried_then_the_fallback_model_answers_and_metrics_count_it(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", Fail(500), Fail(502), Fail(503))
    metrics = LlmMetrics()
    completion = await chain(provider, metrics=metrics).generate(data_request())
    assert completion.model == "fallback"
    assert [a.kind for a in completion.attempts] == [FailureKind.SERVER_ERROR] * 3
    assert server.calls_to("primary") == 3  # one call and FAST.retries more
    fallbacks = metrics.registry.get_sample_value(
        "llm_fallbacks_total", {"purpose": "GENERAL", "answered_by": "openai"}
    )
    failures = metrics.registry.get_sample_value(
        "llm_provider_failures_total",
        {"purpose": "GENERAL", "provider": "openai", "kind": "SERVER_ERROR"},
    )
    assert (fallbacks, failures) == (1.0, 3.0)


async def test_a_slow_model_times_out_and_the_next_one_answers(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", *[Reply(delay=2.0)] * 3)
    policy = replace(FAST, attempt_timeout=0.3, retries=0)
    completion = await chain(provider, policy=policy).generate(data_request())
    assert completion.model == "fallback"
    assert [a.kind for a in completion.attempts] == [FailureKind.TIMEOUT]


async def test_invalid_structured_output_goes_to_the_next_model_without_retrying(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", Reply('{"name": "Vex"}'))  # "traits" is missing
    server.script("fallback", Reply("not JSON at all"))
    completion = await chain(provider).generate(data_request())
    assert completion.provider == "offline"  # both models failed the schema
    assert [(a.model, a.kind) for a in completion.attempts] == [
        ("primary", FailureKind.INVALID_OUTPUT),
        ("fallback", FailureKind.INVALID_OUTPUT),
    ]
    assert "traits" in completion.attempts[0].message
    assert server.calls_to("primary") == 1


async def test_a_cut_off_structured_answer_is_invalid(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", Reply('{"name": "Vex", "traits": ["a", "b"]}', finish_reason="length"))
    completion = await chain(provider).generate(data_request())
    assert completion.model == "fallback"
    assert completion.attempts[0].kind is FailureKind.INVALID_OUTPUT


async def test_without_offline_fallback_every_failure_is_reported(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", Fail(401))
    server.script("fallback", Fail(404))
    with pytest.raises(TextGenerationFailed) as failed:
        await chain(provider, offline=False).generate(data_request())
    assert [(a.model, a.kind) for a in failed.value.attempts] == [
        ("primary", FailureKind.REFUSED),
        ("fallback", FailureKind.REFUSED),
    ]
    assert "primary" in str(failed.value) and "REFUSED" in str(failed.value)


async def test_the_breaker_opens_after_repeated_failures_and_skips_the_provider(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    generator = chain(provider, models=("primary",), policy=replace(FAST, retries=0))
    for _ in range(FAST.breaker_failures):
        server.script("primary", Fail(500))
        assert (await generator.generate(data_request())).provider == "offline"
    calls = len(server.requests)
    skipped = await generator.generate(data_request())
    assert len(server.requests) == calls  # not even tried
    assert [a.kind for a in skipped.attempts] == [FailureKind.CIRCUIT_OPEN]
    # After the reset time one probe goes through; its success closes the circuit.
    generator.breakers["openai"].opened_at = time.monotonic() - FAST.breaker_reset - 1
    assert (await generator.generate(data_request())).provider == "openai"
    assert not generator.breakers["openai"].is_open


async def test_the_deadline_bounds_the_whole_request(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", Reply(delay=3.0))
    server.script("fallback", Reply(delay=3.0))
    policy = replace(FAST, attempt_timeout=5.0, deadline=0.6, retries=0)
    started = time.monotonic()
    completion = await chain(provider, policy=policy).generate(data_request())
    assert time.monotonic() - started < 2.0
    assert completion.provider == "offline"
    assert completion.attempts[0].kind is FailureKind.TIMEOUT
    assert completion.attempts[-1].kind in {FailureKind.TIMEOUT, FailureKind.DEADLINE}


async def test_a_stream_that_breaks_restarts_on_the_next_model(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    server.script("primary", Reply("one two three four five", break_after_chunks=2))
    server.script("fallback", Reply("the fallback tells it whole"))
    events = await collect(chain(provider).stream(prose_request()))
    restart = next(i for i, e in enumerate(events) if isinstance(e, Restart))
    before = "".join(e.text for e in events[:restart] if isinstance(e, Delta))
    after = "".join(e.text for e in events[restart:] if isinstance(e, Delta))
    assert before == "one two"
    final = events[-1]
    assert isinstance(final, Completion)
    assert after == final.text == "the fallback tells it whole"
    assert final.model == "fallback"
    assert [a.kind for a in final.attempts] == [FailureKind.SERVER_ERROR]


async def test_configuration_from_the_environment_reaches_the_server(
    openai_server: tuple[OpenAIServer, OpenAIProvider],
) -> None:
    server, provider = openai_server
    base_url = str(provider.client.base_url).rstrip("/")
    settings = LlmSettings.from_env(
        {"LLM_BASE_URL": base_url, "LLM_MODELS": "big,small", "LLM_MODELS_NPC": "npc-model"}
    )
    generator = build_generator(settings)
    assert generator.route("GENERAL") == ("openai:big", "openai:small", "offline")
    assert generator.route("NPC") == ("openai:npc-model", "offline")
    server.script("big", Fail(500), Fail(500), Fail(500))
    completion = await generator.generate(prose_request())
    assert completion.model == "small"
    assert server.headers[-1]["authorization"].startswith("Bearer ")  # a placeholder key


def test_nothing_configured_means_offline_only() -> None:
    generator = build_generator(LlmSettings.from_env({}))
    assert generator.route("GENERAL") == ("offline",)


async def test_bad_numbers_in_the_environment_are_named() -> None:
    with pytest.raises(ValueError, match="LLM_TIMEOUT_SECONDS"):
        LlmSettings.from_env({"LLM_TIMEOUT_SECONDS": "soon"})


# -- Anthropic, the third fallback -----------------------------------------------------------------


async def test_anthropic_answers_data_through_a_forced_tool_call_and_streams_prose() -> None:
    server = AnthropicServer()
    async with server.serve() as base_url:
        provider = AnthropicProvider(api_key="sk-ant-test", base_url=base_url)
        try:
            completion = await provider.complete(data_request(), "claude-test", time_limit=5)
            sent = server.requests[-1]
            assert sent["tool_choice"] == {"type": "tool", "name": "answer"}
            assert sent["tools"][0]["input_schema"] == TRAITS
            assert sent["system"].startswith("You write for a Dungeons & Dragons")
            assert [m["role"] for m in sent["messages"]] == ["user"]
            sent_headers = server.headers[-1]
            key = sent_headers.get("x-api-key") or sent_headers["authorization"]
            assert key.removeprefix("Bearer ") == "sk-ant-test"
            assert "anthropic-version" in sent_headers
            assert completion.data["name"] == "Loopback name"
            server.script("claude-test", Reply("Rain on the slate roofs."))
            events = await collect(provider.stream(prose_request(), "claude-test", time_limit=5))
            final = events[-1]
            assert isinstance(final, Completion)
            assert "".join(e.text for e in events if isinstance(e, Delta)) == final.text
            assert final.text == "Rain on the slate roofs."
            assert final.completion_tokens == 5
        finally:
            await provider.close()


async def test_anthropic_takes_over_when_the_openai_models_fail() -> None:
    openai_side, anthropic_side = OpenAIServer(), AnthropicServer()
    async with openai_side.serve() as openai_url, anthropic_side.serve() as anthropic_url:
        settings = LlmSettings.from_env(
            {
                "LLM_BASE_URL": openai_url,
                "LLM_MODELS": "gpt-a,gpt-b",
                "ANTHROPIC_API_KEY": "sk-ant",
                "ANTHROPIC_BASE_URL": anthropic_url,
                "ANTHROPIC_MODELS": "claude-c",
                "LLM_RETRIES": "0",
            }
        )
        openai_side.script("gpt-a", Fail(500))
        openai_side.script("gpt-b", Fail(529))
        completion = await build_generator(settings).generate(data_request())
        assert (completion.provider, completion.model) == ("anthropic", "claude-c")
        assert [a.model for a in completion.attempts] == ["gpt-a", "gpt-b"]


# -- priorities ------------------------------------------------------------------------------------


async def test_interactive_requests_get_a_free_slot_before_background_ones() -> None:
    gate = PriorityGate(1)
    order: list[str] = []
    release = asyncio.Event()

    async def job(name: str, priority: Priority) -> None:
        async with gate.slot(priority):
            order.append(name)
            if name == "first":
                await release.wait()

    first = asyncio.create_task(job("first", Priority.BACKGROUND))
    await asyncio.sleep(0.01)
    waiting = [asyncio.create_task(job(f"batch-{n}", Priority.BACKGROUND)) for n in range(3)]
    await asyncio.sleep(0.01)
    waiting.append(asyncio.create_task(job("player", Priority.INTERACTIVE)))
    await asyncio.sleep(0.01)
    assert gate.running == 1 and gate.waiting == 4
    release.set()
    await asyncio.gather(first, *waiting)
    assert order == ["first", "player", "batch-0", "batch-1", "batch-2"]
    assert gate.running == 0


async def test_a_waiter_that_gives_up_does_not_lose_the_slot() -> None:
    gate = PriorityGate(1)
    async with gate.slot(Priority.INTERACTIVE):
        impatient = asyncio.create_task(gate.slot(Priority.INTERACTIVE).__aenter__())
        await asyncio.sleep(0.01)
        impatient.cancel()
        with pytest.raises(asyncio.CancelledError):
            await impatient
    async with asyncio.timeout(1):
        async with gate.slot(Priority.BACKGROUND):
            assert gate.running == 1
    assert gate.running == 0 and gate.waiting == 0
