"""The object storage port: opaque bytes with a content type, under validated keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

DEFAULT_CONTENT_TYPE = "application/octet-stream"
MAX_KEY_LENGTH = 512

# One path segment: starts with a letter, digit, '_' or '-' (never '.', so no '.', '..' or hidden
# names), then letters, digits, '.', '_' or '-'. Kept strict so a key that works on the local
# directory also works on S3 and vice versa.
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")
_CONTENT_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+(;[ -~]*)?", re.ASCII)


class StorageError(Exception):
    """An object store operation failed (the backend refused, or the key conflicts)."""


class InvalidKeyError(StorageError, ValueError):
    """The key is not acceptable: empty, too long, absolute, or trying to leave the store."""


class ObjectNotFoundError(StorageError, LookupError):
    """No object is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no object stored under key {key!r}")
        self.key = key


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    content_type: str


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative object key, else raise :class:`InvalidKeyError`.

    Keys look like relative paths: ``images/portraits/3f2a.png``.
    """
    if not isinstance(key, str) or not key:
        raise InvalidKeyError("object key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKeyError(f"object key is longer than {MAX_KEY_LENGTH} characters")
    if key.startswith("/") or key.endswith("/") or "//" in key:
        raise InvalidKeyError(
            f"object key {key!r} must be relative, without leading, trailing or doubled '/'"
        )
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment):
            raise InvalidKeyError(
                f"object key {key!r} has an invalid segment {segment!r}: use letters, digits, "
                "'.', '_' and '-', do not start a segment with '.' (no '..' path traversal), "
                "at most 200 characters per segment"
            )
    return key


def validate_content_type(content_type: str) -> str:
    if not isinstance(content_type, str) or not _CONTENT_TYPE.fullmatch(content_type):
        raise ValueError(f"content type {content_type!r} is not of the form 'type/subtype'")
    return content_type


class ObjectStorage(Protocol):
    """Where assets (portraits, generated images, exports) live."""

    async def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        """Store ``data`` under ``key``, replacing any previous object. Readers never see a half."""
        ...

    async def get(self, key: str) -> StoredObject:
        """The object under ``key``; raises :class:`ObjectNotFoundError` if there is none."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> bool:
        """Remove the object; ``True`` if it existed. Deleting a missing key is not an error."""
        ...

    async def url(self, key: str, *, expires_in: int = 3600) -> str:
        """Where a client or another process can fetch the object.

        ``file://`` URI of the file for the local directory; a presigned HTTP URL valid for
        ``expires_in`` seconds for S3. Does not check that the object exists.
        """
        ...

    async def close(self) -> None: ...
