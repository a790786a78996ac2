"""The ``graphql-transport-ws`` protocol: message types, close codes, and checked parsing.

Both sides of the router speak it: clients connect to the router with it, and the router connects
to the owning subgraph with it. Messages are JSON objects with ``type`` and, depending on the type,
``id`` and ``payload``. A malformed message is a protocol violation that closes the socket (4400),
so parsing raises :class:`ProtocolViolation` carrying the close code and a reason for the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import orjson

SUBPROTOCOL = "graphql-transport-ws"

CONNECTION_INIT = "connection_init"
CONNECTION_ACK = "connection_ack"
PING = "ping"
PONG = "pong"
SUBSCRIBE = "subscribe"
NEXT = "next"
ERROR = "error"
COMPLETE = "complete"


class CloseCode(IntEnum):
    """Close codes of the protocol, plus the standard one we use for slow clients."""

    NORMAL = 1000
    TRY_AGAIN_LATER = 1013  # slow client, auth keys unavailable: reconnecting may well work
    BAD_REQUEST = 4400  # a message that is not valid JSON or not a protocol message
    UNAUTHORIZED = 4401  # subscribe before the connection was acknowledged
    FORBIDDEN = 4403  # connection_init with a token we do not accept
    SUBPROTOCOL_NOT_ACCEPTABLE = 4406
    INIT_TIMEOUT = 4408  # no connection_init in time
    SUBSCRIBER_EXISTS = 4409  # a second subscribe with an id that is still running
    TOO_MANY_INIT = 4429  # a second connection_init
    INTERNAL_ERROR = 4500


class ProtocolViolation(Exception):
    """The peer broke the protocol; close the socket with ``code`` and ``reason``."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Message:
    type: str
    id: str | None = None
    payload: Any = None


def decode(text: str | bytes) -> Message:
    """Parse one message; anything that is not ``{"type": str, ...}`` is a violation."""
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ProtocolViolation(CloseCode.BAD_REQUEST, "message is not valid JSON") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise ProtocolViolation(CloseCode.BAD_REQUEST, "message must be an object with a 'type'")
    message_id = raw.get("id")
    if message_id is not None and not isinstance(message_id, str):
        raise ProtocolViolation(CloseCode.BAD_REQUEST, "'id' must be a string")
    return Message(type=raw["type"], id=message_id, payload=raw.get("payload"))


def encode(type_: str, id_: str | None = None, payload: Any = None) -> str:
    message: dict[str, Any] = {"type": type_}
    if id_ is not None:
        message["id"] = id_
    if payload is not None:
        message["payload"] = payload
    return orjson.dumps(message).decode()


def next_prefix(id_: str) -> str:
    """The start of every ``next`` message for ``id_``; see :func:`encode_next`."""
    return '{"id":' + orjson.dumps(id_).decode() + ',"type":"next","payload":'


def encode_next(id_: str, payload_json: str, prefix: str | None = None) -> str:
    """A ``next`` message around an already serialised payload (shared by many subscribers).

    Fan-out builds one such message per subscriber and event, so callers that send many keep
    the ``next_prefix`` of their id and pass it in.
    """
    return (prefix or next_prefix(id_)) + payload_json + "}"


def required_id(message: Message) -> str:
    if not message.id:
        raise ProtocolViolation(CloseCode.BAD_REQUEST, f"'{message.type}' needs a non-empty 'id'")
    return message.id


def encode_json(value: Any) -> str:
    return orjson.dumps(value).decode()
