"""The llm tests decide themselves which model servers exist: a developer's own API keys in the
environment must never send a test's prompt to a real provider."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

PROVIDER_VARIABLES = ("OPENAI_API_KEY", "LLM_BASE_URL", "ANTHROPIC_API_KEY", "LLM_MODELS")


@pytest.fixture(autouse=True)
def no_provider_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in PROVIDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield
