"""Loopback model servers speaking the real wire protocols, for the real clients to talk to.

``OpenAIServer`` answers ``POST /v1/chat/completions`` as OpenAI does: JSON bodies with
``choices`` and ``usage``, ``response_format: json_schema`` answered with JSON matching the
schema, ``stream: true`` as server-sent ``chat.completion.chunk`` events ending in ``[DONE]``
(with a usage chunk when ``stream_options.include_usage``), and error bodies with their status
(429 with ``Retry-After``, 5xx, 401). ``AnthropicServer`` does the same for ``POST /v1/messages``
(tool-use answers, ``message_start``/``content_block_delta``/``message_stop`` streams).

A test scripts what each model does next (``script(model, Reply(...), Fail(429, ...), ...)``);
unscripted calls get a default answer. Every request is recorded in ``requests``.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.support import loopback_server


@dataclass(frozen=True)
class Reply:
    """Answer; ``content`` None means: made up from the request (JSON fitting its schema)."""

    content: str | None = None
    finish_reason: str = "stop"
    delay: float = 0.0  # seconds before answering (a slow model)
    chunk_delay: float = 0.0  # seconds between streamed chunks
    break_after_chunks: int | None = None  # streams: drop the connection after this many


@dataclass(frozen=True)
class Fail:
    status: int
    message: str = "scripted failure"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0


Behaviour = Reply | Fail


def example_of(schema: Mapping[str, Any], label: str = "value") -> Any:
    """Some JSON that matches ``schema`` (the subset purposes use)."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example_of(sub, name) for name, sub in properties.items()}
    if kind == "array":
        count = max(int(schema.get("minItems", 1)), 1)
        return [example_of(schema.get("items", {}), f"{label} {n + 1}") for n in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return f"Loopback {label.replace('_', ' ')}"


def _words(text: str) -> int:
    return len(text.split())


class _ScriptedServer:
    def __init__(self) -> None:
        self.scripts: dict[str, deque[Behaviour]] = defaultdict(deque)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._ids = itertools.count(1)

    def script(self, model: str, *behaviours: Behaviour) -> None:
        self.scripts[model].extend(behaviours)

    def calls_to(self, model: str) -> int:
        return sum(1 for body in self.requests if body.get("model") == model)

    async def _next(self, request: Request) -> tuple[dict[str, Any], Behaviour]:
        body: dict[str, Any] = orjson.loads(await request.body())
        self.requests.append(body)
        self.headers.append({k.lower(): v for k, v in request.headers.items()})
        queue = self.scripts.get(str(body.get("model")))
        behaviour: Behaviour = queue.popleft() if queue else Reply()
        if behaviour.delay:
            await asyncio.sleep(behaviour.delay)
        return body, behaviour

    @asynccontextmanager
    async def running(self, app: Starlette) -> AsyncIterator[str]:
        async with loopback_server(app) as base_url:
            yield base_url


class OpenAIServer(_ScriptedServer):
    """``base_url`` for the client is the yielded URL + ``/v1``."""

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"])])

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        async with self.running(self.app()) as base_url:
            yield f"{base_url}/v1"

    def _content(self, body: dict[str, Any], reply: Reply) -> str:
        if reply.content is not None:
            return reply.content
        response_format = body.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            schema = response_format["json_schema"]["schema"]
            return orjson.dumps(example_of(schema)).decode()
        asked = body["messages"][-1]["content"]
        return f"Loopback answer from {body['model']} to: {asked[:60]}"

    async def _chat(self, request: Request) -> Response:
        body, behaviour = await self._next(request)
        if isinstance(behaviour, Fail):
            kind = "rate_limit_error" if behaviour.status == 429 else "api_error"
            error = {"message": behaviour.message, "type": kind, "param": None, "code": None}
            return JSONResponse({"error": error}, behaviour.status, headers=dict(behaviour.headers))
        content = self._content(body, behaviour)
        number = next(self._ids)
        prompt_tokens = sum(_words(m["content"]) for m in body["messages"])
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": _words(content),
            "total_tokens": prompt_tokens + _words(content),
        }
        base = {"id": f"chatcmpl-{number}", "created": int(time.time()), "model": body["model"]}
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(
                self._chunks(base, content, behaviour, usage if include_usage else None),
                media_type="text/event-stream",
            )
        message = {"role": "assistant", "content": content, "refusal": None}
        choice = {
            "index": 0,
            "message": message,
            "finish_reason": behaviour.finish_reason,
            "logprobs": None,
        }
        return JSONResponse(
            {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
        )

    async def _chunks(
        self, base: dict[str, Any], content: str, reply: Reply, usage: dict[str, int] | None
    ) -> AsyncIterator[bytes]:
        def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
            chunk = {**base, "object": "chat.completion.chunk", "choices": choices, **extra}
            return b"data: " + orjson.dumps(chunk) + b"\n\n"

        words = content.split(" ")
        pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]
        yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}}])
        for sent, piece in enumerate(pieces):
            if reply.break_after_chunks is not None and sent >= reply.break_after_chunks:
                raise RuntimeError("scripted broken stream")  # uvicorn drops the connection
            if reply.chunk_delay:
                await asyncio.sleep(reply.chunk_delay)
            yield event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
        yield event([{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}])
        if usage is not None:
            yield event([], usage=usage)
        yield b"data: [DONE]\n\n"


class AnthropicServer(_ScriptedServer):
    """``base_url`` for the client is the yielded URL (the client adds ``/v1/messages``)."""

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/messages", self._messages, methods=["POST"])])

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        async with self.running(self.app()) as base_url:
            yield base_url

    async def _messages(self, request: Request) -> Response:
        body, behaviour = await self._next(request)
        if isinstance(behaviour, Fail):
            kind = "rate_limit_error" if behaviour.status == 429 else "api_error"
            return JSONResponse(
                {"type": "error", "error": {"type": kind, "message": behaviour.message}},
                behaviour.status,
                headers=dict(behaviour.headers),
            )
        number = next(self._ids)
        input_tokens = sum(_words(str(m["content"])) for m in body["messages"])
        stop = "end_turn" if behaviour.finish_reason == "stop" else "max_tokens"
        if body.get("tools"):
            answer = (
                orjson.loads(behaviour.content)
                if behaviour.content is not None
                else example_of(body["tools"][0]["input_schema"])
            )
            content = [
                {"type": "tool_use", "id": f"toolu_{number}", "name": "answer", "input": answer}
            ]
            text = orjson.dumps(answer).decode()
        else:
            text = behaviour.content or f"Loopback answer from {body['model']}"
            content = [{"type": "text", "text": text}]
        message = {
            "id": f"msg_{number}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": _words(text)},
        }
        if body.get("stream"):
            return StreamingResponse(self._events(message, text), media_type="text/event-stream")
        return JSONResponse(message)

    async def _events(self, message: dict[str, Any], text: str) -> AsyncIterator[bytes]:
        def event(name: str, data: dict[str, Any]) -> bytes:
            return (
                f"event: {name}\ndata: ".encode() + orjson.dumps({"type": name, **data}) + b"\n\n"
            )

        usage = message["usage"]
        start = {
            **message,
            "content": [],
            "stop_reason": None,
            "usage": {**usage, "output_tokens": 0},
        }
        yield event("message_start", {"message": start})
        yield event(
            "content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}
        )
        for i, word in enumerate(text.split(" ")):
            piece = word if i == 0 else " " + word
            delta = {"type": "text_delta", "text": piece}
            yield event("content_block_delta", {"index": 0, "delta": delta})
        yield event("content_block_stop", {"index": 0})
        yield event(
            "message_delta",
            {
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
        yield event("message_stop", {})
