"""Many writers at once against one aggregate, and a tally of what each was told.

A probe sends ``WRITERS`` requests that all carry the same ``expectedVersion``, waits for every
answer and sorts them: the winners, the ``VERSION_CONFLICT`` user errors, internal errors, and
anything else (which is a failure of its own). It prints its figures, so a run with ``-s``
shows them; the test asserts exactly one winner, no internal error and no lost update.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

WRITERS = 50


@dataclass
class Tally:
    """What ``WRITERS`` simultaneous writers were told."""

    aggregate: str
    winners: list[int] = field(default_factory=list)  # indexes of the writers that succeeded
    conflicts: list[str] = field(default_factory=list)  # their messages
    internal: int = 0
    other: list[Any] = field(default_factory=list)
    requests: int = 0
    lost_updates: int = 0

    def line(self, backend: str) -> str:
        return (
            f"concurrency probe {self.aggregate:<18} {backend:<8} requests={self.requests} "
            f"won={len(self.winners)} conflicts={len(self.conflicts)} "
            f"internal_errors={self.internal} other={len(self.other)} "
            f"lost_updates={self.lost_updates}"
        )


def _is_internal(body: dict[str, Any]) -> bool:
    return any(
        (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR"
        for error in body.get("errors") or []
    )


async def race(
    aggregate: str,
    send: Callable[[int], Awaitable[dict[str, Any]]],
    payload_of: Callable[[dict[str, Any]], dict[str, Any]],
    result_field: str,
    writers: int = WRITERS,
) -> Tally:
    """Run ``send(i)`` for every writer at once. ``payload_of`` picks the mutation's payload out
    of a response body; a payload whose ``result_field`` is set won."""
    bodies = await asyncio.gather(*(send(i) for i in range(writers)))
    tally = Tally(aggregate, requests=writers)
    for index, body in enumerate(bodies):
        if _is_internal(body):
            tally.internal += 1
            continue
        if body.get("errors"):
            tally.other.append(body["errors"])
            continue
        payload = payload_of(body)
        errors = payload.get("userErrors") or []
        if payload.get(result_field) is not None and not errors:
            tally.winners.append(index)
        elif [(e["path"], e["code"]) for e in errors] == [
            (["input", "expectedVersion"], "VERSION_CONFLICT")
        ]:
            tally.conflicts.append(errors[0].get("message", ""))
        else:
            tally.other.append(errors)
    return tally


def check(tally: Tally, backend: str, *, lost_updates: int) -> None:
    """Print the figures, then hold the probe to them: one winner, the rest conflicts naming
    the entity as players know it, no internal error, nothing lost."""
    tally.lost_updates = lost_updates
    print(tally.line(backend))
    assert tally.internal == 0, tally.line(backend)
    assert tally.other == [], tally.other[:3]
    assert len(tally.winners) == 1, tally.line(backend)
    assert len(tally.conflicts) == tally.requests - 1
    assert all("Row" not in message for message in tally.conflicts), tally.conflicts[:1]
    assert lost_updates == 0
