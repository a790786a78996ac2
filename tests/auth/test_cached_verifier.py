"""The router's token cache: one check per good token; expired and bad ones are never served."""

from __future__ import annotations

import time
import uuid

import pytest

from auth.tokens import CachedVerifier, Claims, InvalidToken
from tests.support import TokenFactory


class CountingVerifier:
    def __init__(self, tokens: TokenFactory) -> None:
        self.inner = tokens.verifier
        self.calls = 0

    async def verify(self, token: str) -> Claims:
        self.calls += 1
        return await self.inner.verify(token)


async def test_a_good_token_is_checked_once() -> None:
    tokens = TokenFactory()
    counting = CountingVerifier(tokens)
    cached = CachedVerifier(counting)
    subject = uuid.uuid4()
    token = tokens.mint(subject)
    first = await cached.verify(token)
    second = await cached.verify(token)
    assert first == second and first.subject == str(subject)
    assert counting.calls == 1


async def test_bad_tokens_are_checked_every_time() -> None:
    tokens = TokenFactory()
    counting = CountingVerifier(tokens)
    cached = CachedVerifier(counting)
    forged = TokenFactory().mint()
    for _ in range(2):
        with pytest.raises(InvalidToken):
            await cached.verify(forged)
    assert counting.calls == 2


async def test_an_expired_entry_is_verified_again(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = TokenFactory()
    counting = CountingVerifier(tokens)
    cached = CachedVerifier(counting)
    token = tokens.mint(expires_in=60)
    await cached.verify(token)
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(InvalidToken):  # the real check now sees the expiry
        await cached.verify(token)
    assert counting.calls == 2


async def test_the_cache_is_bounded() -> None:
    tokens = TokenFactory()
    cached = CachedVerifier(tokens.verifier, max_entries=3)
    for _ in range(5):
        await cached.verify(tokens.mint())
    assert len(cached._verified) == 3
