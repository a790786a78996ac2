"""Choose an object storage adapter from a URL (the ``STORAGE_URL`` setting)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from infra.storage.local import LocalDirectoryStorage
from infra.storage.port import ObjectStorage
from infra.storage.s3 import S3Storage

DEFAULT_DIRECTORY = "var/assets"


def create_storage(url: str | None = None) -> ObjectStorage:
    """Pick the adapter for ``url``.

    * ``None``/``""`` → local directory ``var/assets``;
    * ``file:///absolute/dir`` or a plain path (``var/assets``) → that local directory;
    * ``s3://[KEY:SECRET@]bucket[/prefix]?endpoint_url=…&region=…&create_bucket=true`` → S3.
    """
    if not url:
        return LocalDirectoryStorage(DEFAULT_DIRECTORY)
    if "://" not in url:
        return LocalDirectoryStorage(url)
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"file storage URL must be file:///absolute/path, got {url!r}")
        return LocalDirectoryStorage(unquote(parts.path))
    if parts.scheme == "s3":
        return S3Storage.from_url(url)
    raise ValueError(
        f"unsupported storage URL scheme {parts.scheme!r} in {url!r}: "
        "use file:///path, a directory path, or s3://bucket"
    )
