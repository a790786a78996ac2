"""Domain events and their wire format (flat string fields, as a Redis stream entry holds them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import orjson


class EventEncodingError(ValueError):
    """The event cannot be put on the bus (its payload is not JSON)."""


class EventDecodingError(ValueError):
    """A message on the bus is not a well-formed event."""


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Event:
    """Something that happened to an aggregate, e.g. ``Event("character.hp_changed", char_id,
    {"hp": 7})``. ``id`` identifies the event for idempotent consumers; it survives redelivery.

    The payload must be JSON; consumers receive it as decoded JSON (UUIDs and datetimes inside it
    arrive as strings), with either adapter.
    """

    type: str
    aggregate_id: UUID
    payload: dict[str, Any] = field(default_factory=dict)
    id: UUID = field(default_factory=uuid4)
    occurred_at: datetime = field(default_factory=_now)

    def __post_init__(self) -> None:
        if not isinstance(self.type, str) or not self.type.strip():
            raise ValueError("event type must be a non-empty string such as 'character.created'")
        if not isinstance(self.aggregate_id, UUID) or not isinstance(self.id, UUID):
            raise TypeError("event id and aggregate_id must be uuid.UUID values")
        if self.occurred_at.tzinfo is None:
            raise ValueError("event occurred_at must be timezone-aware (use datetime.now(UTC))")


def encode_event(event: Event) -> dict[str, str]:
    """The event as stream fields. Raises :class:`EventEncodingError` for a non-JSON payload."""
    try:
        payload = orjson.dumps(event.payload).decode()
    except TypeError as error:
        raise EventEncodingError(
            f"payload of event {event.type!r} ({event.id}) is not JSON-serialisable: {error}"
        ) from error
    return {
        "id": str(event.id),
        "type": event.type,
        "aggregate_id": str(event.aggregate_id),
        "occurred_at": event.occurred_at.isoformat(),
        "payload": payload,
    }


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def decode_event(fields: Mapping[str, str] | Mapping[bytes, bytes]) -> Event:
    """Rebuild an event from stream fields. Raises :class:`EventDecodingError` if malformed."""
    text = {_text(name): _text(value) for name, value in fields.items()}
    try:
        payload = orjson.loads(text["payload"])
        if not isinstance(payload, dict):
            raise TypeError("payload is not a JSON object")
        return Event(
            type=text["type"],
            aggregate_id=UUID(text["aggregate_id"]),
            payload=payload,
            id=UUID(text["id"]),
            occurred_at=datetime.fromisoformat(text["occurred_at"]),
        )
    except (KeyError, ValueError, TypeError, UnicodeDecodeError) as error:
        raise EventDecodingError(f"malformed event message {text!r}: {error!r}") from error
