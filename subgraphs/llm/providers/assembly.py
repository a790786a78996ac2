"""The generator the configuration asks for: hosted candidates per purpose, then offline."""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.llm.chain import Candidate, FallbackGenerator
from subgraphs.llm.config import LlmSettings
from subgraphs.llm.metrics import LlmMetrics
from subgraphs.llm.offline import OfflineTextGenerator
from subgraphs.llm.providers.base import TextProvider
from subgraphs.llm.providers.openai_provider import OpenAIProvider


def anthropic_provider(settings: LlmSettings) -> TextProvider:
    try:
        from subgraphs.llm.providers.anthropic_provider import AnthropicProvider
    except ImportError as exc:  # the optional extra is not installed
        raise RuntimeError(
            "ANTHROPIC_API_KEY is set but the anthropic package is not installed: "
            "install the project's `anthropic` extra"
        ) from exc
    return AnthropicProvider(
        api_key=settings.anthropic_api_key, base_url=settings.anthropic_base_url
    )


def build_generator(settings: LlmSettings, metrics: LlmMetrics | None = None) -> FallbackGenerator:
    openai_provider = (
        OpenAIProvider(api_key=settings.openai_api_key, base_url=settings.base_url)
        if settings.openai_enabled
        else None
    )
    anthropic = anthropic_provider(settings) if settings.anthropic_enabled else None
    tail = [Candidate(anthropic, model) for model in settings.anthropic_models] if anthropic else []

    def openai_candidates(models: Sequence[str]) -> list[Candidate]:
        if openai_provider is None:
            return []
        return [Candidate(openai_provider, model) for model in models]

    default = [*openai_candidates(settings.models), *tail]
    routes = {
        purpose: [*openai_candidates(models), *tail]
        for purpose, models in settings.models_by_purpose.items()
    }

    def candidates(purpose: str) -> Sequence[Candidate]:
        return routes.get(purpose, default)

    return FallbackGenerator(
        candidates,
        offline=OfflineTextGenerator() if settings.offline_fallback or not default else None,
        policy=settings.policy,
        metrics=metrics,
        purposes=["", *routes],  # "" has the default candidates
    )
