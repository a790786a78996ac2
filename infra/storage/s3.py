"""Object storage in an S3 bucket via aiobotocore (AWS S3, MinIO, or any S3-compatible store)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session
from botocore.exceptions import BotoCoreError, ClientError

from infra.storage.port import (
    DEFAULT_CONTENT_TYPE,
    ObjectNotFoundError,
    StorageError,
    StoredObject,
    validate_content_type,
    validate_key,
)

OBJECT_NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})
BUCKET_NOT_FOUND = frozenset({"404", "NoSuchBucket", "NotFound"})
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@functools.cache
def _shared_session() -> AioSession:
    """One botocore session per process: loading the S3 service model is slow, so every client
    reuses the copy this session caches."""
    return get_session()


@dataclass(frozen=True)
class S3Settings:
    """Everything needed to reach a bucket. ``None`` credentials use botocore's default chain
    (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, profiles, instance roles)."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    create_bucket: bool = False
    max_attempts: int = 3  # per request, including the first; retries back off exponentially

    @classmethod
    def from_url(cls, url: str) -> S3Settings:
        """Parse ``s3://[KEY:SECRET@]bucket[/prefix][?endpoint_url=…&region=…&create_bucket=true]``.

        Credentials in the URL must be percent-encoded; leave them out to use the environment.
        """
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.hostname:
            raise ValueError(f"S3 storage URL must look like s3://bucket[/prefix], got {url!r}")
        options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        unknown = set(options) - {"endpoint_url", "region", "create_bucket"}
        if unknown:
            raise ValueError(
                f"unknown S3 URL option(s) {sorted(unknown)}: use endpoint_url, region, "
                "create_bucket"
            )
        create = options.get("create_bucket", "false").lower()
        if create not in _TRUE | _FALSE:
            raise ValueError(f"create_bucket must be true or false, got {create!r}")
        prefix = parts.path.strip("/")
        return cls(
            bucket=parts.hostname,
            prefix=f"{prefix}/" if prefix else "",
            endpoint_url=options.get("endpoint_url"),
            region=options.get("region", "us-east-1"),
            access_key_id=unquote(parts.username) if parts.username else None,
            secret_access_key=unquote(parts.password) if parts.password else None,
            create_bucket=create in _TRUE,
        )


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def _translate_errors(
    action: str, key: str, not_found: frozenset[str] = OBJECT_NOT_FOUND
) -> Iterator[None]:
    """Turn botocore's errors into this port's: not found, or :class:`StorageError` with context."""
    try:
        yield
    except ClientError as error:
        if _error_code(error) in not_found:
            raise ObjectNotFoundError(key) from None
        raise StorageError(f"S3 refused to {action} {key!r}: {error}") from error
    except BotoCoreError as error:
        raise StorageError(f"could not reach S3 to {action} {key!r}: {error}") from error


class S3Storage:
    """The production :class:`~infra.storage.port.ObjectStorage`.

    The client is created on first use (so construction needs no event loop) and, when
    ``settings.create_bucket`` is set, the bucket is created then if it does not exist.
    """

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self._exit_stack = AsyncExitStack()
        self._client: Any = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str) -> S3Storage:
        return cls(S3Settings.from_url(url))

    async def _s3(self) -> Any:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    await self._connect()
        return self._client

    async def _connect(self) -> None:
        settings = self.settings
        # Path-style addressing: custom endpoints (MinIO, test servers) rarely do virtual hosts.
        style = "path" if settings.endpoint_url else "auto"
        factory = _shared_session().create_client(
            "s3",
            region_name=settings.region,
            endpoint_url=settings.endpoint_url,
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            config=AioConfig(
                s3={"addressing_style": style},
                retries={"max_attempts": settings.max_attempts, "mode": "standard"},
            ),
        )
        with _translate_errors("connect for", settings.bucket):
            client = await self._exit_stack.enter_async_context(factory)
        if settings.create_bucket:
            await self._ensure_bucket(client)
        self._client = client  # only once usable, so a failed bucket creation is retried

    async def ensure_bucket(self) -> None:
        """Create the bucket unless it already exists."""
        await self._ensure_bucket(await self._s3())

    async def _ensure_bucket(self, s3: Any) -> None:
        bucket, region = self.settings.bucket, self.settings.region
        try:
            with _translate_errors("check bucket", bucket, BUCKET_NOT_FOUND):
                await s3.head_bucket(Bucket=bucket)
            return
        except ObjectNotFoundError:
            pass
        arguments: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":  # S3 rejects an explicit constraint for its default region
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
        with _translate_errors("create bucket", bucket):
            try:
                await s3.create_bucket(**arguments)
            except ClientError as error:  # another replica may have just created it
                if _error_code(error) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise

    def _object_key(self, key: str) -> str:
        return self.settings.prefix + validate_key(key)

    async def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        validate_content_type(content_type)
        name = self._object_key(key)
        s3 = await self._s3()
        with _translate_errors("store", key):
            await s3.put_object(
                Bucket=self.settings.bucket, Key=name, Body=bytes(data), ContentType=content_type
            )

    async def get(self, key: str) -> StoredObject:
        name = self._object_key(key)
        s3 = await self._s3()
        with _translate_errors("read", key):
            response = await s3.get_object(Bucket=self.settings.bucket, Key=name)
            async with response["Body"] as stream:
                data: bytes = await stream.read()
        content_type = str(response.get("ContentType") or DEFAULT_CONTENT_TYPE)
        return StoredObject(data, content_type)

    async def exists(self, key: str) -> bool:
        name = self._object_key(key)
        s3 = await self._s3()
        try:
            with _translate_errors("look up", key):
                await s3.head_object(Bucket=self.settings.bucket, Key=name)
        except ObjectNotFoundError:
            return False
        return True

    async def delete(self, key: str) -> bool:
        # S3 deletes silently whether or not the key exists; ask first to report which it was.
        if not await self.exists(key):
            return False
        s3 = await self._s3()
        with _translate_errors("delete", key):
            await s3.delete_object(Bucket=self.settings.bucket, Key=self._object_key(key))
        return True

    async def url(self, key: str, *, expires_in: int = 3600) -> str:
        name = self._object_key(key)
        s3 = await self._s3()
        with _translate_errors("sign a URL for", key):
            signed: str = await s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.settings.bucket, "Key": name},
                ExpiresIn=expires_in,
            )
        return signed

    async def close(self) -> None:
        await self._exit_stack.aclose()
        self._client = None
