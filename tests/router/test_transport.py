"""The subgraph HTTP client: keep-alive pooling, response framing, failures and limits.

A scripted HTTP server on a loopback port stands in for a subgraph: each test says how it
answers, and the server records the requests and connections it saw.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from router.transport import (
    Origin,
    SubgraphClient,
    SubgraphResponse,
    _Connection,
    _ResponseReader,
    _StaleConnection,
)
from tests.support import free_port

OK_BODY = b'{"data":{"ok":true}}'


def ok(body: bytes = OK_BODY, extra: str = "") -> bytes:
    return (f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\n{extra}\r\n").encode() + body


@dataclass
class Seen:
    head: str
    body: bytes

    def header(self, name: str) -> str | None:
        for line in self.head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name:
                return value.strip()
        return None


# (request, connection number, request number on that connection) -> bytes to send, or None to
# close the connection without answering
Script = Callable[[Seen, int, int], Awaitable[bytes | None]]


@dataclass
class ScriptedServer:
    script: Script
    requests: list[Seen] = field(default_factory=list)
    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    server: asyncio.Server | None = None
    port: int = 0
    close_after_answer: bool = False
    handlers: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        task = asyncio.current_task()
        if task is not None:
            self.handlers.add(task)
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            for turn in range(1_000):
                try:
                    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                seen = Seen(head, b"")
                seen.body = await reader.readexactly(int(seen.header("content-length") or 0))
                self.requests.append(seen)
                answer = await self.script(seen, number, turn)
                if answer is None:
                    return
                writer.write(answer)
                await writer.drain()
                if self.close_after_answer:
                    return
        finally:
            self.open_now -= 1
            writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Script], Awaitable[ScriptedServer]]]:
    started: list[ScriptedServer] = []

    async def start(script: Script) -> ScriptedServer:
        scripted = ScriptedServer(script)
        scripted.server = await asyncio.start_server(scripted.handle, "127.0.0.1", 0)
        scripted.port = scripted.server.sockets[0].getsockname()[1]
        started.append(scripted)
        return scripted

    yield start
    for scripted in started:
        assert scripted.server is not None
        scripted.server.close()
        for handler in scripted.handlers:
            handler.cancel()


@pytest.fixture
async def client() -> AsyncIterator[SubgraphClient]:
    subgraphs = SubgraphClient(max_connections=4)
    yield subgraphs
    await subgraphs.aclose()


async def always_ok(seen: Seen, connection: int, turn: int) -> bytes:
    return ok()


async def test_posts_json_with_forwarded_headers_and_reuses_the_connection(
    serve: Callable[[Script], Awaitable[ScriptedServer]], client: SubgraphClient,
) -> None:
    server = await serve(always_ok)
    for _ in range(3):
        response = await client.post("sub", server.url, b'{"query":"{ ok }"}',
                                     {"authorization": "Bearer t"}, 5.0)
        assert response == SubgraphResponse(200, OK_BODY)
    assert server.connections == 1  # kept alive
    first = server.requests[0]
    assert first.head.startswith("POST /graphql HTTP/1.1\r\n")
    assert first.header("host") == f"127.0.0.1:{server.port}"
    assert first.header("content-type") == "application/json"
    assert first.header("accept") == "application/json"
    assert first.header("authorization") == "Bearer t"
    assert first.body == b'{"query":"{ ok }"}'


class _Recorder:
    """A stand-in transport that records what a connection writes."""

    def __init__(self, writes: list[bytes]) -> None:
        self.writes = writes

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        pass


async def test_a_request_is_one_write() -> None:
    writes: list[bytes] = []
    connection = _Connection()
    connection.connection_made(_Recorder(writes))  # type: ignore[arg-type]
    pending = asyncio.ensure_future(connection.request(b"POST / HTTP/1.1\r\n\r\n{}"))
    await asyncio.sleep(0)
    connection.data_received(ok())
    assert (await pending).content == OK_BODY
    assert writes == [b"POST / HTTP/1.1\r\n\r\n{}"]


async def test_a_connection_closed_before_use_is_never_written_to() -> None:
    writes: list[bytes] = []
    connection = _Connection()
    connection.connection_made(_Recorder(writes))  # type: ignore[arg-type]
    connection.connection_lost(None)  # the server hung up while it waited in the pool
    with pytest.raises(_StaleConnection):  # the client sends again on a fresh connection
        await connection.request(b"POST / HTTP/1.1\r\n\r\n{}")
    assert writes == []


def test_reads_chunked_bodies_however_the_bytes_arrive() -> None:
    raw = (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
           b"5;ext=1\r\n{\"dat\r\n"
           b"F\r\na\":{\"ok\":true}}\r\n"
           b"0\r\nx-trailer: 1\r\n\r\n")
    for size in (1, 2, 7, len(raw)):
        reader = _ResponseReader()
        for start in range(0, len(raw), size):
            assert not reader.done
            reader.feed(raw[start:start + size])
        assert reader.done
        assert reader.body == OK_BODY
        assert reader.keep_alive


def test_skips_interim_answers_and_reads_close_delimited_bodies() -> None:
    reader = _ResponseReader()
    reader.feed(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 502 Bad Gateway\r\n\r\npartial")
    assert not reader.done and reader.status == 502
    assert reader.finish_at_eof()
    assert reader.body == b"partial" and not reader.keep_alive


@pytest.mark.parametrize("raw", [b"HTP/1.1 200 OK\r\n\r\n", b"HTTP/1.1 20x OK\r\n\r\n",
                                 b"HTTP/1.1 200 OK\r\ncontent-length: ten\r\n\r\n",
                                 b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n"])
def test_malformed_responses_are_protocol_errors(raw: bytes) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        _ResponseReader().feed(raw)


async def test_connection_close_is_honoured(
    serve: Callable[[Script], Awaitable[ScriptedServer]], client: SubgraphClient,
) -> None:
    async def closing(seen: Seen, connection: int, turn: int) -> bytes:
        return ok(extra="connection: close\r\n")

    server = await serve(closing)
    for _ in range(2):
        assert (await client.post("sub", server.url, b"{}", {}, 5.0)).status_code == 200
    assert server.connections == 2


async def test_a_connection_the_server_dropped_while_idle_is_replaced(
    serve: Callable[[Script], Awaitable[ScriptedServer]], client: SubgraphClient,
) -> None:
    async def one_answer_per_connection(seen: Seen, connection: int, turn: int) -> bytes | None:
        return ok() if turn == 0 else None  # closes without answering a second request

    server = await serve(one_answer_per_connection)
    assert (await client.post("sub", server.url, b"{}", {}, 5.0)).status_code == 200
    # the server closes the kept-alive connection only when the next request arrives: the
    # client must send it again on a fresh connection, not fail
    assert (await client.post("sub", server.url, b"{}", {}, 5.0)).status_code == 200
    assert server.connections == 2


async def test_a_silent_server_times_out_and_its_connection_is_dropped(
    serve: Callable[[Script], Awaitable[ScriptedServer]], client: SubgraphClient,
) -> None:
    async def slow_first(seen: Seen, connection: int, turn: int) -> bytes:
        if connection == 1:
            await asyncio.sleep(5)
        return ok()

    server = await serve(slow_first)
    with pytest.raises(httpx.ReadTimeout):
        await client.post("sub", server.url, b"{}", {}, 0.2)
    assert (await client.post("sub", server.url, b"{}", {}, 5.0)).status_code == 200
    assert server.connections == 2  # the timed-out connection was not reused


async def test_an_unreachable_server_is_a_connect_error(client: SubgraphClient) -> None:
    with pytest.raises(httpx.ConnectError):
        await client.post("sub", f"http://127.0.0.1:{free_port()}/graphql", b"{}", {}, 5.0)


CUT_SHORT = b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"data"'


async def test_a_body_cut_short_is_a_protocol_error_or_a_timeout(
    serve: Callable[[Script], Awaitable[ScriptedServer]], client: SubgraphClient,
) -> None:
    async def cut_short(seen: Seen, connection: int, turn: int) -> bytes:
        return CUT_SHORT

    hangs_up = await serve(cut_short)
    hangs_up.close_after_answer = True
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("sub", hangs_up.url, b"{}", {}, 5.0)
    stays = await serve(cut_short)  # keeps the connection open, the rest never comes
    with pytest.raises(httpx.ReadTimeout):
        await client.post("sub", stays.url, b"{}", {}, 0.3)


async def test_connections_are_capped_per_origin_and_shared_by_waiters(
    serve: Callable[[Script], Awaitable[ScriptedServer]], client: SubgraphClient,
) -> None:
    async def slowish(seen: Seen, connection: int, turn: int) -> bytes:
        await asyncio.sleep(0.01)
        return ok(seen.body)

    server = await serve(slowish)
    bodies = [f'{{"n":{i}}}'.encode() for i in range(20)]
    answers = await asyncio.gather(*(client.post("sub", server.url, body, {}, 5.0)
                                     for body in bodies))
    assert [a.content for a in answers] == bodies  # every caller got its own answer
    assert server.most_open <= 4
    assert server.connections <= 4


async def test_closing_the_client_closes_connections_still_in_use(
    serve: Callable[[Script], Awaitable[ScriptedServer]],
) -> None:
    asked, answer_now = asyncio.Event(), asyncio.Event()

    async def waits(seen: Seen, connection: int, turn: int) -> bytes:
        asked.set()
        await answer_now.wait()
        return ok()

    server = await serve(waits)
    subgraphs = SubgraphClient()
    pending = asyncio.ensure_future(subgraphs.post("sub", server.url, b"{}", {}, 5.0))
    await asked.wait()
    await subgraphs.aclose()  # shutting down while a call is out
    answer_now.set()
    assert (await pending).status_code == 200  # the call still completes ...
    for _ in range(100):  # ... and then its connection is closed, not parked
        if server.open_now == 0:
            break
        await asyncio.sleep(0.01)
    assert server.open_now == 0


async def test_header_injection_is_refused(client: SubgraphClient) -> None:
    with pytest.raises(httpx.LocalProtocolError):
        await client.post("sub", "http://127.0.0.1:9/graphql", b"{}",
                          {"authorization": "Bearer x\r\nx-evil: 1"}, 1.0)


async def test_every_call_goes_through_the_guard_with_the_subgraph_name(
    serve: Callable[[Script], Awaitable[ScriptedServer]],
) -> None:
    server = await serve(always_ok)
    seen: list[str] = []

    async def guard(name: str, send: Callable[[], Awaitable[SubgraphResponse]]
                    ) -> SubgraphResponse:
        seen.append(name)
        return await send()

    guarded = SubgraphClient(guard=guard)
    try:
        assert (await guarded.post("items", server.url, b"{}", {}, 5.0)).status_code == 200
    finally:
        await guarded.aclose()
    assert seen == ["items"]


@pytest.mark.parametrize("url", ["ftp://host/graphql", "http:///graphql", "not a url"])
def test_bad_subgraph_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(ValueError, match="subgraph URL"):
        Origin.parse(url)


def test_origin_keeps_path_query_and_default_ports() -> None:
    origin = Origin.parse("https://sub.example/api/graphql?x=1")
    assert (origin.port, origin.path, origin.host_header) == (443, "/api/graphql?x=1",
                                                              "sub.example")
    assert Origin.parse("http://h:8080").path == "/"

