"""A small graphql-transport-ws client for the tests, on top of the ``websockets`` package.

It speaks the protocol by hand (so tests can also break it on purpose) and keeps messages for
operations the test is not reading yet, so several subscriptions can share one socket.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from typing import Any
from urllib.parse import urlsplit

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

SUBPROTOCOL = Subprotocol("graphql-transport-ws")
WAIT = 10.0  # seconds before a test gives up waiting for a message that should come


class GraphQLWsClient:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self._ids = itertools.count(1)
        self._pings = itertools.count(1)

    @classmethod
    async def open(
        cls, url: str, receive_buffer: int | None = None, **options: Any
    ) -> GraphQLWsClient:
        """A socket only: no connection_init yet.

        ``receive_buffer`` fixes the kernel's receive buffer (no autotuning), so a client that
        stops reading pushes back on the router after little data: a realistic slow client.
        """
        if receive_buffer is not None:
            parts = urlsplit(url)
            raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            raw.setblocking(False)
            await asyncio.get_running_loop().sock_connect(raw, (parts.hostname, parts.port))
            options["sock"] = raw
        # No permessage-deflate: compressed filler would hide how much data really flows.
        options.setdefault("compression", None)
        connection = await connect(url, subprotocols=[SUBPROTOCOL], **options)
        return cls(connection)

    @classmethod
    async def connected(
        cls, url: str, authorization: str | None = None, **options: Any
    ) -> GraphQLWsClient:
        """A socket whose connection_init was acknowledged."""
        client = await cls.open(url, **options)
        payload = {"Authorization": authorization} if authorization else {}
        await client.send({"type": "connection_init", "payload": payload})
        ack = await client.receive()
        assert ack == {"type": "connection_ack"}, ack
        return client

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(orjson.dumps(message).decode())

    async def receive(self) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.socket.recv(), WAIT)
        message: dict[str, Any] = orjson.loads(raw)
        return message

    async def subscribe(
        self, query: str, variables: dict[str, Any] | None = None, operation_id: str | None = None
    ) -> str:
        operation_id = operation_id or str(next(self._ids))
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})
        return operation_id

    async def barrier(self) -> None:
        """Ping and wait for the pong: the router handled everything sent before it."""
        await self.send({"type": "ping", "payload": {"n": next(self._pings)}})
        while True:
            message = await self.receive()
            if message["type"] == "pong":
                return
            raise AssertionError(f"unexpected message before pong: {message}")

    async def close_code(self) -> int | None:
        """Read until the router closes the socket; the close code it sent."""
        try:
            while True:
                await asyncio.wait_for(self.socket.recv(), WAIT)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None

    async def close(self) -> None:
        await self.socket.close()
