"""The HTTP/1.1 client the executor calls subgraphs with: lean, keep-alive, one pool per origin.

Why not a general-purpose client: under load the router makes thousands of small POSTs per
second to a handful of subgraphs. General clients spend most of that time on bookkeeping that
grows with the number of pooled connections (scanning them all on every request and release,
polling each idle socket for expiry). Here each origin has a stack of idle connections: taking
one is a ``pop``, giving it back an ``append``. A connection the server closed learns it from the
event loop (``connection_lost``/``eof_received``), so no per-request syscall is needed to check.

Each call is one ``write`` (request line, headers and body together) and the response is parsed
in ``data_received`` as bytes arrive: status line, ``Content-Length`` or chunked body,
``Connection: close``. Nothing else of HTTP is needed to talk to a GraphQL subgraph.

Errors are ``httpx`` exceptions (``ConnectError``, ``ReadTimeout``, ``RemoteProtocolError``…),
so the executor, the circuit breakers and the metrics treat them exactly like before. A request
on a *reused* connection that the server closed before sending a single byte back (it timed the
idle connection out just as the request left) is retried once on a fresh connection.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, cast
from urllib.parse import urlsplit

import httpx

# Header names the client writes itself; a forwarded header with one of these names is dropped.
_OWN_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})


@dataclass(frozen=True, slots=True)
class SubgraphResponse:
    """What the executor needs of an answer: its status and its whole body."""

    status_code: int
    content: bytes


Send = Callable[[], Awaitable[SubgraphResponse]]
# Wraps every subgraph call: (subgraph name, the call) -> its result. Circuit breakers and
# fetch metrics (router.edge.breaker) plug in here.
CallGuard = Callable[[str, Send], Awaitable[SubgraphResponse]]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a subgraph URL points, and the fixed start of every request sent to it."""

    scheme: str
    host: str
    port: int
    path: str
    host_header: str

    @classmethod
    def parse(cls, url: str) -> Origin:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"subgraph URL must be http(s)://host[:port]/path, got {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        return cls(parts.scheme, parts.hostname, port, path, parts.netloc)


def _header_block(origin: Origin, headers: Mapping[str, str], length: int) -> bytes:
    """Request line and headers, ending with the blank line; refuses header injection."""
    lines = [
        f"POST {origin.path} HTTP/1.1", f"host: {origin.host_header}",
        f"content-length: {length}",
    ]
    defaults = {"content-type": "application/json", "accept": "application/json"}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in _OWN_HEADERS:
            continue
        if any(c in name or c in value for c in "\r\n\0") or ":" in name:
            raise httpx.LocalProtocolError(f"invalid character in header {name!r}")
        defaults.pop(lowered, None)
        lines.append(f"{name}: {value}")
    lines.extend(f"{name}: {value}" for name, value in defaults.items())
    lines.append("\r\n")
    return "\r\n".join(lines).encode("latin-1")


class _ResponseReader:
    """Incremental HTTP/1.1 response parser over the bytes received so far."""

    __slots__ = (
        "body_start",
        "buffer",
        "chunked",
        "chunks",
        "cursor",
        "done",
        "keep_alive",
        "length",
        "status",
    )

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.status = 0
        self.body_start = -1  # where the body begins, once the headers are complete
        self.length = -1  # Content-Length; -1 when chunked or read-until-close
        self.chunked = False
        self.keep_alive = True
        self.chunks = bytearray()  # decoded chunked body so far
        self.cursor = 0  # next unread byte of a chunked body
        self.done = False

    def feed(self, data: bytes) -> None:
        """Add bytes; sets ``done`` once a whole response is in. Raises on malformed input."""
        self.buffer += data
        if self.body_start < 0 and not self._read_head():
            return
        if self.chunked:
            self._read_chunks()
        elif self.length >= 0:
            self.done = len(self.buffer) - self.body_start >= self.length

    def finish_at_eof(self) -> bool:
        """The server closed the connection: is what came a complete response?"""
        if self.done:
            return True
        if self.body_start >= 0 and self.length < 0 and not self.chunked:
            self.done = True  # no length given: the body ran until the connection closed
            self.keep_alive = False
        return self.done

    @property
    def body(self) -> bytes:
        if self.chunked:
            return bytes(self.chunks)
        if self.length >= 0:
            return bytes(self.buffer[self.body_start:self.body_start + self.length])
        return bytes(self.buffer[self.body_start:])

    def _read_head(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > 65536:
                raise httpx.RemoteProtocolError("response headers larger than 64 KiB")
            return False
        lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        if not version.startswith("HTTP/1.") or len(rest) < 3 or not rest[:3].isdigit():
            raise httpx.RemoteProtocolError(f"malformed status line {lines[0][:80]!r}")
        status = int(rest[:3])
        if 100 <= status < 200:  # an interim answer (100 Continue): the real one follows
            del self.buffer[:end + 4]
            return self._read_head()
        self.status = status
        self.keep_alive = version == "HTTP/1.1"
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                try:
                    self.length = int(value.strip())
                except ValueError:
                    raise httpx.RemoteProtocolError("malformed content-length") from None
            elif name == "transfer-encoding":
                self.chunked = "chunked" in value.lower()
            elif name == "connection":
                token = value.strip().lower()
                self.keep_alive = token != "close" and (self.keep_alive or token == "keep-alive")
        if self.chunked:
            self.length = -1
        elif self.length < 0 and (status in (204, 304)):
            self.length = 0
        self.body_start = end + 4
        self.cursor = self.body_start
        return True

    def _read_chunks(self) -> None:
        buffer = self.buffer
        while True:
            line_end = buffer.find(b"\r\n", self.cursor)
            if line_end < 0:
                return
            size_text = bytes(buffer[self.cursor:line_end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise httpx.RemoteProtocolError("malformed chunk size") from None
            if size == 0:  # last chunk; then optional trailers and a blank line
                trailers_end = buffer.find(b"\r\n\r\n", line_end)
                if buffer[line_end:line_end + 4] == b"\r\n\r\n" or trailers_end >= 0:
                    self.done = True
                return
            data_end = line_end + 2 + size
            if len(buffer) < data_end + 2:
                return
            self.chunks += buffer[line_end + 2:data_end]
            self.cursor = data_end + 2


class _Connection(asyncio.Protocol):
    """One keep-alive connection; at most one request in flight."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reused = False  # has answered a request before
        self._reader: _ResponseReader | None = None
        self._waiter: asyncio.Future[SubgraphResponse] | None = None

    # --- asyncio callbacks --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # (uvloop's transports do not subclass asyncio.Transport, but behave like one)
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        reader, waiter = self._reader, self._waiter
        if reader is None or waiter is None or waiter.done():
            self.close()  # bytes nobody asked for: the connection is out of step
            return
        try:
            reader.feed(data)
        except httpx.RemoteProtocolError as exc:
            self.close()
            waiter.set_exception(exc)
            return
        if reader.done:
            self._complete(reader, waiter)

    def eof_received(self) -> bool | None:
        self._ended(None)
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended(exc)

    # --- use ----------------------------------------------------------------------------------

    async def request(self, payload: bytes) -> SubgraphResponse:
        assert self.transport is not None and self._waiter is None
        if self.closed:  # closed after it was handed over, before anything was sent
            raise _StaleConnection
        loop = asyncio.get_running_loop()
        self._reader = _ResponseReader()
        waiter: asyncio.Future[SubgraphResponse] = loop.create_future()
        self._waiter = waiter
        self.transport.write(payload)
        try:
            return await waiter
        finally:
            if not waiter.done() or waiter.cancelled():
                self.close()  # abandoned mid-response (timeout, cancellation): unusable
            self._waiter = self._reader = None

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _complete(self, reader: _ResponseReader, waiter: asyncio.Future[SubgraphResponse]) -> None:
        extra_bytes = not reader.chunked and len(reader.buffer) > reader.body_start + reader.length
        if not reader.keep_alive or extra_bytes:
            self.close()  # the server will close, or sent more than one response
        self.reused = True
        waiter.set_result(SubgraphResponse(reader.status, reader.body))

    def _ended(self, exc: Exception | None) -> None:
        self.closed = True
        reader, waiter = self._reader, self._waiter
        if reader is None or waiter is None or waiter.done():
            return
        if reader.finish_at_eof():
            self._complete(reader, waiter)
        elif not reader.buffer and self.reused:
            waiter.set_exception(_StaleConnection())
        else:
            message = "server closed the connection before the response was complete"
            waiter.set_exception(httpx.RemoteProtocolError(message if exc is None else str(exc)))


class _StaleConnection(Exception):
    """A reused connection closed before any byte of the answer: safe to send again."""


class _Pool:
    """The connections to one origin: a stack of idle ones, a cap, and a queue of waiters."""

    def __init__(self, origin: Origin, limit: int, ssl_context: ssl.SSLContext | None) -> None:
        self.origin = origin
        self.limit = limit
        self.ssl_context = ssl_context
        self.idle: list[_Connection] = []
        self.open = 0  # connections that exist or are being opened
        self.waiters: deque[asyncio.Future[_Connection | None]] = deque()
        self.shut = False  # closed by the client: connections still in use close when released

    async def acquire(self) -> _Connection:
        while self.idle:
            connection = self.idle.pop()
            if not connection.closed:
                return connection
            self.open -= 1
        if self.open >= self.limit:
            waiter: asyncio.Future[_Connection | None] = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            try:
                handed = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():  # handed over just as we gave up
                    given = waiter.result()
                    if given is None:
                        self._slot_freed()
                    else:
                        self.release(given)
                raise
            if handed is not None:
                return handed
            # a slot was freed (a connection closed): open a new one in it below
        else:
            self.open += 1
        return await self._connect()

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(
                _Connection, self.origin.host, self.origin.port, ssl=self.ssl_context,
                server_hostname=self.origin.host if self.ssl_context else None,
            )
        except BaseException as exc:
            self._slot_freed()
            if isinstance(exc, OSError | ssl.SSLError):
                raise httpx.ConnectError(f"{exc.__class__.__name__}: {exc}") from exc
            raise
        return connection

    def release(self, connection: _Connection) -> None:
        """Give a connection back after a request (closed ones just free their slot)."""
        if self.shut:
            connection.close()
        if connection.closed:
            self._slot_freed()
            return
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self.idle.append(connection)

    def _slot_freed(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the waiter opens a connection in this slot
                return
        self.open -= 1

    def close(self) -> None:
        self.shut = True
        for connection in self.idle:
            connection.close()
        self.open -= len(self.idle)
        self.idle.clear()


class SubgraphClient:
    """POSTs GraphQL requests to subgraphs over pooled keep-alive HTTP/1.1 connections.

    ``max_connections`` caps the connections to each origin; requests beyond it wait for a free
    one (within their timeout). ``guard`` wraps every call (circuit breakers, metrics).
    """

    def __init__(self, max_connections: int = 100, guard: CallGuard | None = None) -> None:
        self.max_connections = max_connections
        self.guard = guard
        self._pools: dict[str, _Pool] = {}
        self._origins: dict[str, Origin] = {}
        self._ssl: ssl.SSLContext | None = None

    async def post(
        self, name: str, url: str, body: bytes, headers: Mapping[str, str], time_limit: float
    ) -> SubgraphResponse:
        """Send ``body`` to subgraph ``name`` at ``url``; raises ``httpx.HTTPError`` on failure."""
        origin = self._origins.get(url)
        if origin is None:
            origin = self._origins[url] = Origin.parse(url)
        payload = _header_block(origin, headers, len(body)) + body

        async def send() -> SubgraphResponse:
            return await self._send(url, origin, payload, time_limit)

        if self.guard is None:
            return await send()
        return await self.guard(name, send)

    async def _send(
        self, url: str, origin: Origin, payload: bytes, time_limit: float
    ) -> SubgraphResponse:
        pool = self._pool(url, origin)
        phase = "pool"
        try:
            async with asyncio.timeout(time_limit):
                for _ in range(2):  # a second attempt only after a stale keep-alive connection
                    connection = await pool.acquire()
                    phase = "read"
                    try:
                        return await connection.request(payload)
                    except _StaleConnection:
                        phase = "pool"
                        continue
                    finally:
                        pool.release(connection)
                raise httpx.RemoteProtocolError("the server closed two connections in a row")
        except TimeoutError:
            error = httpx.PoolTimeout if phase == "pool" else httpx.ReadTimeout
            raise error(f"no answer within {time_limit:g}s") from None

    def _pool(self, url: str, origin: Origin) -> _Pool:
        key = f"{origin.scheme}://{origin.host_header}"
        pool = self._pools.get(key)
        if pool is None:
            context = None
            if origin.scheme == "https":
                if self._ssl is None:
                    self._ssl = ssl.create_default_context()
                context = self._ssl
            pool = self._pools[key] = _Pool(origin, self.max_connections, context)
        return pool

    async def aclose(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


class Poster(Protocol):
    """What the executor needs of a subgraph client (``SubgraphClient`` or ``HttpxPoster``)."""

    async def post(
        self, name: str, url: str, body: bytes, headers: Mapping[str, str], time_limit: float
    ) -> SubgraphResponse: ...


class HttpxPoster:
    """Sends subgraph calls through an ``httpx.AsyncClient`` (callers that hold one)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(
        self, name: str, url: str, body: bytes, headers: Mapping[str, str], time_limit: float
    ) -> SubgraphResponse:
        request_headers = {"content-type": "application/json", "accept": "application/json"}
        request_headers.update(headers)
        response = await self.client.post(url, content=body, headers=request_headers,
                                          timeout=time_limit)
        return SubgraphResponse(response.status_code, response.content)
