"""The llm service's configuration, from the environment: which models answer, and the limits.

With nothing set, the offline generator answers everything. ``OPENAI_API_KEY`` or
``LLM_BASE_URL`` (any OpenAI-compatible server) turn on the hosted chain; ``ANTHROPIC_API_KEY``
adds Anthropic after the OpenAI models (the ``anthropic`` extra must be installed).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from subgraphs.llm.chain import ChainPolicy

DEFAULT_OPENAI_MODELS = ("gpt-4o", "gpt-4o-mini")
DEFAULT_ANTHROPIC_MODELS = ("claude-sonnet-4-5",)


def _models(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    return tuple(model.strip() for model in value.split(",") if model.strip())


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return number


@dataclass(frozen=True)
class LlmSettings:
    openai_api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    models: tuple[str, ...] = DEFAULT_OPENAI_MODELS
    # LLM_MODELS_<PURPOSE>: another primary and fallback for one purpose
    models_by_purpose: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    anthropic_api_key: str | None = field(default=None, repr=False)
    anthropic_base_url: str | None = None
    anthropic_models: tuple[str, ...] = DEFAULT_ANTHROPIC_MODELS
    offline_fallback: bool = True  # when every model failed, answer offline (and say so)
    policy: ChainPolicy = field(default_factory=ChainPolicy)
    cache_ttl: float = 24 * 3600.0  # seconds an identical request is answered from the cache
    text_per_minute: int = 100
    image_per_minute: int = 10
    daily_token_quota: int = 200_000  # per user and day; 0 = unlimited
    cache_prefix: str = "llm:"  # keys in the shared cache (answers, rate-limit windows)

    @property
    def openai_enabled(self) -> bool:
        return bool(self.openai_api_key or self.base_url)

    @property
    def anthropic_enabled(self) -> bool:
        return bool(self.anthropic_api_key)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LlmSettings:
        env = os.environ if env is None else env
        by_purpose = {
            name.removeprefix("LLM_MODELS_"): _models(value, ())
            for name, value in env.items()
            if name.startswith("LLM_MODELS_")
        }
        policy = ChainPolicy(
            attempt_timeout=_number(env, "LLM_TIMEOUT_SECONDS", ChainPolicy.attempt_timeout),
            deadline=_number(env, "LLM_DEADLINE_SECONDS", ChainPolicy.deadline),
            retries=int(_number(env, "LLM_RETRIES", ChainPolicy.retries)),
            max_retry_after=_number(
                env, "LLM_MAX_RETRY_AFTER_SECONDS", ChainPolicy.max_retry_after
            ),
            breaker_failures=int(
                _number(env, "LLM_BREAKER_FAILURES", ChainPolicy.breaker_failures)
            ),
            breaker_reset=_number(env, "LLM_BREAKER_RESET_SECONDS", ChainPolicy.breaker_reset),
            concurrency=max(1, int(_number(env, "LLM_CONCURRENCY", ChainPolicy.concurrency))),
        )
        return cls(
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            base_url=env.get("LLM_BASE_URL") or None,
            models=_models(env.get("LLM_MODELS"), DEFAULT_OPENAI_MODELS),
            models_by_purpose=by_purpose,
            anthropic_api_key=env.get("ANTHROPIC_API_KEY") or None,
            anthropic_base_url=env.get("ANTHROPIC_BASE_URL") or None,
            anthropic_models=_models(env.get("ANTHROPIC_MODELS"), DEFAULT_ANTHROPIC_MODELS),
            offline_fallback=env.get("LLM_OFFLINE_FALLBACK", "1") != "0",
            policy=policy,
            cache_ttl=_number(env, "LLM_CACHE_TTL_SECONDS", cls.cache_ttl),
            text_per_minute=int(_number(env, "LLM_TEXT_PER_MINUTE", cls.text_per_minute)),
            image_per_minute=int(_number(env, "LLM_IMAGE_PER_MINUTE", cls.image_per_minute)),
            daily_token_quota=int(_number(env, "LLM_DAILY_TOKEN_QUOTA", cls.daily_token_quota)),
            cache_prefix=env.get("LLM_CACHE_PREFIX") or cls.cache_prefix,
        )
