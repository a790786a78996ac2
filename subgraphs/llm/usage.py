"""Token accounting: what each user spent, per purpose and per UTC day; the daily quota.

Usage is recorded in the same transaction as the generation it paid for. The quota is checked
before any model is called, against what was recorded so far: two requests racing at the very
edge may both pass and overshoot by one answer, never more than the requests in flight.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.llm.models import TokenUsageRow


def today() -> date:
    return datetime.now(UTC).date()


def next_midnight() -> datetime:
    """When today's quota resets (UTC)."""
    return datetime.combine(today() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


@dataclass(frozen=True)
class Spent:
    requests: int
    prompt_tokens: int
    completion_tokens: int


async def record(
    session: AsyncSession, owner_id: uuid.UUID, purpose: str, spent: Spent, day: date | None = None
) -> None:
    """Add ``spent`` to the owner's counters of ``day`` (today), atomically, in ``session``."""
    values = {
        "owner_id": owner_id,
        "day": day or today(),
        "purpose": purpose,
        "requests": spent.requests,
        "prompt_tokens": spent.prompt_tokens,
        "completion_tokens": spent.completion_tokens,
    }
    dialect = session.get_bind().dialect.name
    insert = postgres_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(TokenUsageRow).values(**values)
    table = TokenUsageRow.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=[table.owner_id, table.day, table.purpose],
        set_={
            "requests": table.requests + statement.excluded.requests,
            "prompt_tokens": table.prompt_tokens + statement.excluded.prompt_tokens,
            "completion_tokens": table.completion_tokens + statement.excluded.completion_tokens,
        },
    )
    await session.execute(statement)


async def tokens_on(session: AsyncSession, owner_id: uuid.UUID, day: date) -> int:
    statement = select(
        func.coalesce(func.sum(TokenUsageRow.prompt_tokens + TokenUsageRow.completion_tokens), 0)
    ).where(TokenUsageRow.owner_id == owner_id, TokenUsageRow.day == day)
    return int((await session.execute(statement)).scalar_one())


async def usage_since(
    session: AsyncSession, owner_id: uuid.UUID, first_day: date
) -> list[TokenUsageRow]:
    statement = (
        select(TokenUsageRow)
        .where(TokenUsageRow.owner_id == owner_id, TokenUsageRow.day >= first_day)
        .order_by(TokenUsageRow.day.desc(), TokenUsageRow.purpose)
    )
    return list((await session.execute(statement)).scalars())
