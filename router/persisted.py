"""Persisted queries: Apollo's automatic persisted queries, and an allow-list for production.

**Automatic** (the default, as Apollo clients send them): a request may carry
``extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`` instead of its query. A
hash the router knows runs that operation; an unknown one answers ``PERSISTED_QUERY_NOT_FOUND``,
and the client sends the query once more with the hash, which registers it (after checking that
the hash is the query's SHA-256). Registrations live in a bounded in-process LRU per router
replica: a replica that has not seen a hash says "not found" and the client registers it again,
which the protocol allows for.

**Allow-list** (``ROUTER_PERSISTED_QUERIES=allowlist``): only the operations of a manifest run,
by hash or by their exact text; anything else is ``PERSISTED_QUERY_NOT_IN_LIST`` and nothing can
be registered. The manifest (``ROUTER_PERSISTED_QUERIES_MANIFEST``) is Apollo's persisted query
manifest, ``{"format": "apollo-persisted-query-manifest", "version": 1, "operations":
[{"id", "body", "name", "type"}, ...]}``; each operation is known by its ``id`` and by the
SHA-256 of its ``body``. ``ROUTER_PERSISTED_QUERIES=off`` ignores the extension.

Over HTTP (POST bodies, and GET with ``extensions`` as JSON in the URL), SSE and WebSocket
``subscribe`` payloads alike, so no transport gets around the allow-list.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from router.gateway import RequestRejected

Mode = Literal["off", "automatic", "allowlist"]
MODE_VARIABLE = "ROUTER_PERSISTED_QUERIES"
MANIFEST_VARIABLE = "ROUTER_PERSISTED_QUERIES_MANIFEST"
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
UNSUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
BAD_REQUEST = "BAD_REQUEST"
MAX_QUERY_BYTES = 64 * 1024  # a registration larger than this is not kept


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


def _rejected(message: str, code: str) -> RequestRejected:
    return RequestRejected([{"message": message, "extensions": {"code": code}}])


def load_manifest(path: Path) -> dict[str, str]:
    """Hash (and id) -> operation text, from an Apollo persisted query manifest."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"persisted query manifest {path}: {exc}") from None
    operations = document.get("operations") if isinstance(document, dict) else None
    if not isinstance(operations, list):
        raise ValueError(f"persisted query manifest {path}: no 'operations' list")
    known: dict[str, str] = {}
    for index, operation in enumerate(operations):
        body = operation.get("body") if isinstance(operation, dict) else None
        if not isinstance(body, str) or not body.strip():
            raise ValueError(f"persisted query manifest {path}: operation {index} has no body")
        known[sha256_hex(body)] = body
        if isinstance(operation.get("id"), str):
            known[operation["id"]] = body
    return known


@dataclass
class PersistedQueries:
    mode: Mode = "automatic"
    allowed: Mapping[str, str] = field(default_factory=dict)  # the allow-list's operations
    capacity: int = 1000  # automatic registrations kept per replica
    _registered: OrderedDict[str, str] = field(default_factory=OrderedDict, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PersistedQueries:
        env = os.environ if environ is None else environ
        mode = env.get(MODE_VARIABLE, "automatic").strip().lower() or "automatic"
        if mode not in ("off", "automatic", "allowlist"):
            raise ValueError(f"{MODE_VARIABLE} must be off, automatic or allowlist, not {mode!r}")
        if mode != "allowlist":
            return cls(mode="off" if mode == "off" else "automatic")
        manifest = env.get(MANIFEST_VARIABLE)
        if not manifest:
            raise ValueError(f"{MODE_VARIABLE}=allowlist needs {MANIFEST_VARIABLE}")
        return cls(mode="allowlist", allowed=load_manifest(Path(manifest)))

    def __len__(self) -> int:
        return len(self._registered)

    def resolve(self, query: Any, extensions: Any) -> Any:
        """The operation text to run for a request's ``query`` and ``extensions``.

        Returns ``query`` untouched when there is nothing persisted about the request (its shape
        is checked later, as ever); raises ``RequestRejected`` with the protocol's codes.
        """
        hash_ = self._hash_of(extensions)
        if self.mode == "allowlist":
            return self._from_allow_list(query, hash_)
        if hash_ is None:
            return query
        if not isinstance(query, str) or not query:
            found = self._registered.get(hash_)
            if found is None:
                raise _rejected("PersistedQueryNotFound", NOT_FOUND)
            self._registered.move_to_end(hash_)
            return found
        if sha256_hex(query) != hash_:
            raise _rejected("provided sha does not match query", HASH_MISMATCH)
        if len(query.encode("utf-8")) <= MAX_QUERY_BYTES:
            self._registered[hash_] = query
            self._registered.move_to_end(hash_)
            while len(self._registered) > self.capacity:
                self._registered.popitem(last=False)
        return query

    def _hash_of(self, extensions: Any) -> str | None:
        if self.mode == "off" or not isinstance(extensions, Mapping):
            return None
        persisted = extensions.get("persistedQuery")
        if persisted is None:
            return None
        if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
            raise _rejected("only persisted query version 1 is supported", UNSUPPORTED)
        hash_ = persisted.get("sha256Hash")
        if not isinstance(hash_, str) or not hash_:
            raise _rejected("persistedQuery.sha256Hash must be a string", BAD_REQUEST)
        return hash_.lower()

    def _from_allow_list(self, query: Any, hash_: str | None) -> str:
        if hash_ is not None:
            found = self.allowed.get(hash_)
            if found is not None and (not query or query == found):
                return found
        elif isinstance(query, str) and self.allowed.get(sha256_hex(query)) == query:
            return query
        raise _rejected("this operation is not in the router's list of allowed operations",
                        NOT_IN_LIST)
