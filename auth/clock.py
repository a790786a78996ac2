"""Time as the auth service sees it.

Everything that depends on "now" (token expiry, refresh-token expiry, key rotation) asks a
``Clock`` instead of reading the system time, so tests can move time forward by days without
waiting, and the database and the tokens agree on one notion of now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands timezone-aware columns back without their zone; every value we store is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
