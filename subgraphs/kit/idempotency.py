"""Creating something at most once per idempotency key.

A client that retries a create (after a timeout, say) sends the key it used the first time and
must get the first result back, not a second copy. Each creatable table has a unique constraint
on (owner, idempotency key); this module is the one place that turns it into that guarantee.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from infra.db.unit_of_work import UnitOfWork
from subgraphs.kit.outcomes import Problem

Row = TypeVar("Row")
Row_co = TypeVar("Row_co", covariant=True)


class FindsByIdempotencyKey(Protocol[Row_co]):
    async def by_idempotency_key(self, owner_id: uuid.UUID, key: str) -> Row_co | None: ...


async def earlier_result(
    uow: UnitOfWork,
    repository: Callable[[AsyncSession], FindsByIdempotencyKey[Row]],
    owner_id: uuid.UUID,
    key: str | None,
) -> Row | None:
    """What an earlier request of ``owner_id`` with ``key`` created, if there was one."""
    if not key:
        return None
    async with uow:
        return await repository(uow.session).by_idempotency_key(owner_id, key)


async def create_once(
    uow: UnitOfWork,
    repository: Callable[[AsyncSession], FindsByIdempotencyKey[Row]],
    owner_id: uuid.UUID,
    key: str | None,
    create: Callable[[], Awaitable[Row]],
) -> Row:
    """``create()``, unless a request with the same key already created something: then that.

    Two retries sent at the same moment both pass the first look-up; the unique constraint lets
    one insert win, and the loser answers with the winner's row instead of failing. ``create``
    must do its own work in ``async with uow`` so the failed transaction is rolled back first.
    """
    earlier = await earlier_result(uow, repository, owner_id, key)
    if earlier is not None:
        return earlier
    try:
        return await create()
    except IntegrityError:
        earlier = await earlier_result(uow, repository, owner_id, key)
        if earlier is None:
            raise  # not a lost race on the key: a real constraint violation
        return earlier


MAX_IDEMPOTENCY_KEY = 80  # the width of every idempotency_key column


def check_idempotency_key(key: str | None) -> list[Problem]:
    """One rule for every create mutation: 1 to 80 printable characters, or no key at all."""
    if key is None:
        return []
    printable = all(32 <= ord(ch) != 127 for ch in key)
    if 1 <= len(key) <= MAX_IDEMPOTENCY_KEY and printable:
        return []
    return [
        Problem(
            ("input", "idempotencyKey"),
            "INVALID_IDEMPOTENCY_KEY",
            f"An idempotency key has 1 to {MAX_IDEMPOTENCY_KEY} printable characters.",
        )
    ]
