"""Object storage in a local directory: the embedded default (``var/assets``).

Layout: the object for key ``a/b.png`` is the file ``<root>/a/b.png`` (so it can be served or
inspected directly) and its content type is in ``<root>/.meta/a/b.png``. Keys can never start a
segment with '.', so ``.meta`` and the ``.tmp-*`` files used for atomic writes cannot collide
with objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

from infra.storage.port import (
    DEFAULT_CONTENT_TYPE,
    InvalidKeyError,
    ObjectNotFoundError,
    StorageError,
    StoredObject,
    validate_content_type,
    validate_key,
)

META_DIR = ".meta"


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside ``target``, flush it to disk, then rename over ``target``.

    A rename within one directory is atomic, so readers see either the old or the new content.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; assets may be served
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class LocalDirectoryStorage:
    """The embedded :class:`~infra.storage.port.ObjectStorage`, rooted at one directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def path(self, key: str) -> Path:
        """The file that holds (or would hold) the object ``key``."""
        return self._inside(self.root, key)

    def _meta_path(self, key: str) -> Path:
        return self._inside(self.root / META_DIR, key)

    @staticmethod
    def _inside(base: Path, key: str) -> Path:
        candidate = (base / validate_key(key)).resolve()
        # Key validation already forbids '..'; this also catches a symlink pointing outside.
        if not candidate.is_relative_to(base.resolve()):
            raise InvalidKeyError(f"object key {key!r} resolves outside the storage directory")
        return candidate

    async def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        validate_content_type(content_type)
        target, meta = self.path(key), self._meta_path(key)
        try:
            await asyncio.to_thread(write_atomically, target, bytes(data))
            await asyncio.to_thread(write_atomically, meta, content_type.encode())
        except (NotADirectoryError, IsADirectoryError, FileExistsError) as error:
            raise StorageError(
                f"cannot store {key!r}: it clashes with an existing object or key prefix"
            ) from error

    def _read(self, key: str) -> StoredObject:
        try:
            data = self.path(key).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFoundError(key) from None
        try:
            content_type = self._meta_path(key).read_text().strip() or DEFAULT_CONTENT_TYPE
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            content_type = DEFAULT_CONTENT_TYPE  # a file dropped in by hand
        return StoredObject(data, content_type)

    async def get(self, key: str) -> StoredObject:
        return await asyncio.to_thread(self._read, key)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path(key).is_file)

    def _delete(self, key: str) -> bool:
        target = self.path(key)
        if not target.is_file():
            return False
        target.unlink(missing_ok=True)
        self._meta_path(key).unlink(missing_ok=True)
        return True

    async def delete(self, key: str) -> bool:
        return await asyncio.to_thread(self._delete, key)

    async def url(self, key: str, *, expires_in: int = 3600) -> str:
        return self.path(key).as_uri()

    async def close(self) -> None:
        return None
