"""Object storage port: assets (portraits, generated images, exports) as bytes + content type.

Use :func:`create_storage` with the configured ``STORAGE_URL`` and program against
:class:`ObjectStorage` only::

    storage = create_storage(settings.storage_url)   # file:///…/var/assets or s3://bucket
    await storage.put("portraits/3f2a.png", png, "image/png")
    stored = await storage.get("portraits/3f2a.png")  # StoredObject(data, content_type)
    link = await storage.url("portraits/3f2a.png")     # file:// URI or presigned HTTPS URL

Keys are relative paths of letters, digits, '.', '_' and '-' (:func:`validate_key`); anything that
could escape the store (``..``, absolute paths, hidden names) is an :class:`InvalidKeyError`. A
missing object is an :class:`ObjectNotFoundError`; other backend failures are a
:class:`StorageError`.

* :class:`LocalDirectoryStorage` — the embedded default; atomic writes (temp file + rename).
* :class:`S3Storage` — AWS S3 or an S3-compatible server (MinIO), configured by
  :class:`S3Settings`; can create its bucket on first use.
"""

from infra.storage.factory import create_storage
from infra.storage.local import LocalDirectoryStorage
from infra.storage.port import (
    DEFAULT_CONTENT_TYPE,
    InvalidKeyError,
    ObjectNotFoundError,
    ObjectStorage,
    StorageError,
    StoredObject,
    validate_key,
)
from infra.storage.s3 import S3Settings, S3Storage

__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "InvalidKeyError",
    "LocalDirectoryStorage",
    "ObjectNotFoundError",
    "ObjectStorage",
    "S3Settings",
    "S3Storage",
    "StorageError",
    "StoredObject",
    "create_storage",
    "validate_key",
]
