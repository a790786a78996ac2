"""Password hashing with Argon2id, the memory-hard winner of the Password Hashing Competition.

A stored hash records its own parameters, so raising the cost later needs no migration: a login
that succeeds against a hash made with other parameters re-hashes the password on the spot
(``needs_rehash``). Hashing is deliberately slow, so the async API runs it in a worker thread and
the event loop keeps serving other requests meanwhile; a semaphore caps how many hashes run at
once, so a flood of sign-ins queues up instead of claiming 64 MiB per request without limit.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True)
class HashingCost:
    """Argon2id parameters. Defaults: RFC 9106's second recommendation (t=3, 64 MiB, p=4)."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    def __post_init__(self) -> None:
        if self.time_cost < 1 or self.parallelism < 1:
            raise ValueError("Argon2 time cost and parallelism must be at least 1")
        if self.memory_kib < 8 * self.parallelism:
            raise ValueError("Argon2 needs at least 8 KiB of memory per lane")


class PasswordHasher:
    def __init__(self, cost: HashingCost | None = None, max_concurrent: int | None = None) -> None:
        self.cost = cost or HashingCost()
        self._slots = asyncio.Semaphore(max_concurrent or os.cpu_count() or 2)
        self._argon2 = Argon2Hasher(
            time_cost=self.cost.time_cost,
            memory_cost=self.cost.memory_kib,
            parallelism=self.cost.parallelism,
            type=Type.ID,
        )
        self._decoy: str | None = None

    def hash_now(self, password: str) -> str:
        return self._argon2.hash(password)

    def matches_now(self, stored_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when ``stored_hash`` was made with parameters other than ours."""
        try:
            return self._argon2.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self.hash_now, password)

    async def matches(self, stored_hash: str, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self.matches_now, stored_hash, password)

    async def waste_a_check(self, password: str) -> None:
        """Spend the time a real check costs, for sign-ins naming an unknown email.

        Without it, "no such account" would answer measurably faster than "wrong password" and
        an attacker could probe which emails are registered.
        """
        if self._decoy is None:
            self._decoy = await self.hash(secrets.token_urlsafe(24))
        await self.matches(self._decoy, password)
