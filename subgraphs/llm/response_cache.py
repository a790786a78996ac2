"""The cache of identical requests: the same messages, parameters and purpose for the same
models get the stored answer instead of a new model call.

Keys are a digest of everything that shapes an answer: the route (which models, in order),
purpose, messages, schema, token limit, temperature and the purpose's inputs. Answers are
stored in the cache port with a TTL (``LLM_CACHE_TTL_SECONDS``). Offline answers are not
stored: they cost nothing and come out the same anyway.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import orjson

from infra.cache.port import Cache
from subgraphs.llm.generator import Completion, TextRequest

log = logging.getLogger("dndcreator.llm.cache")


def request_key(prefix: str, route: Sequence[str], request: TextRequest) -> str:
    shape = {
        "route": list(route),
        "purpose": request.purpose,
        "messages": [m.as_json() for m in request.messages],
        "schema": request.schema,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        # Inputs that never reach the messages (an NPC's secrets) still decide the answer.
        "inputs": request.inputs,
    }
    digest = hashlib.sha256(orjson.dumps(shape, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"{prefix}answer:{digest}"


@dataclass
class ResponseCache:
    cache: Cache
    ttl: float
    prefix: str = "llm:"

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    async def get(self, key: str) -> Completion | None:
        if not self.enabled:
            return None
        try:
            stored = await self.cache.get(key)
        except Exception as exc:  # a cache outage must not stop generation
            log.warning("answer cache unavailable: %r", exc)
            return None
        if stored is None:
            return None
        value = orjson.loads(stored)
        return Completion(
            text=value["text"],
            provider=value["provider"],
            model=value["model"],
            prompt_tokens=value["prompt_tokens"],
            completion_tokens=value["completion_tokens"],
            truncated=value["truncated"],
            data=value["data"],
            cached=True,
        )

    async def put(self, key: str, completion: Completion) -> None:
        if not self.enabled or completion.provider == "offline":
            return
        value = {
            "text": completion.text,
            "provider": completion.provider,
            "model": completion.model,
            "prompt_tokens": completion.prompt_tokens,
            "completion_tokens": completion.completion_tokens,
            "truncated": completion.truncated,
            "data": completion.data,
        }
        try:
            await self.cache.set(key, orjson.dumps(value), ttl=self.ttl)
        except Exception as exc:
            log.warning("answer cache unavailable: %r", exc)
